"""The body vote: what a majority of extractors lacks at the text's edges goes, the article between stays,
and a sentence every voter holds between them comes back."""

from __future__ import annotations

import random
from pathlib import Path

import lxml.etree
import trafilatura.external
from justext.core import ParagraphMaker, PathInfo, classify_paragraphs, preprocessor, revise_paragraph_classification
from justext.paragraph import Paragraph
from justext.utils import normalize_whitespace as justext_normalize_whitespace

from scraper.extract.consensus import (
    _stop_words,
    _triples,
    agreed_lines,
    html_to_lines,
    justext_text,
    normalize_whitespace,
    revise_classification,
    voter_texts,
)
from scraper.extract.parsing import parse_html

ARTICLE = [
    "The city council voted on Tuesday to rebuild the old harbour wall that storms damaged twice.",
    "Work is due to start in the autumn and last eighteen months on the northern side of the bay.",
    "A box the page set beside the text, which only trafilatura and one voter kept in the middle.",
    "Residents asked for the building sites to close at six in the evening, and the council agreed.",
]
BYLINE = "5:45 AM PST 11/19/2019 by Patrick Shanley"
PROMO = "Harbour Briefing: the week's stories from the coast, every Friday morning in your inbox."


def test_edges_that_most_voters_lack_go_and_the_middle_stays() -> None:
    others = "\n".join(line for line in ARTICLE if not line.startswith("A box"))
    voters = [others, others, "\n".join(ARTICLE)]
    assert agreed_lines([BYLINE, *ARTICLE, PROMO], voters) == ARTICLE


def test_a_sentence_every_voter_holds_goes_back_between_its_neighbours() -> None:
    dropped = "The new wall will be two metres higher than the old one and built from local granite."
    label = "Harbour wall plans"  # a label, not a sentence: never added
    voters = ["\n".join([*ARTICLE[:2], dropped, label, *ARTICLE[2:]])] * 3
    assert agreed_lines(ARTICLE, voters) == [*ARTICLE[:2], dropped, *ARTICLE[2:]]
    # Held by two voters of three, or standing after the text's last line: left out.
    assert agreed_lines(ARTICLE, [*voters[:2], "\n".join(ARTICLE)]) == ARTICLE
    assert agreed_lines(ARTICLE, ["\n".join([*ARTICLE, dropped])] * 3) == ARTICLE


def test_a_long_sentence_every_voter_holds_before_the_first_line_is_the_standfirst() -> None:
    """Right before the text's first line, or before the short lines opening it (voters skip those
    too), a long sentence every voter holds is the standfirst trafilatura left in the header."""
    lead = (
        "Storms damaged the old harbour wall twice this winter, and the council has now agreed to pay for a new one"
        " that will stand two metres higher and protect the houses along the northern side of the bay."
    )
    short = "Jane Roe reports."
    voters = ["\n".join([lead, short, *ARTICLE])] * 3
    assert agreed_lines(ARTICLE, voters) == [lead, *ARTICLE]
    assert agreed_lines([short, *ARTICLE], voters) == [lead, short, *ARTICLE]
    # A teaser's line of fewer words, or one not every voter holds, is left out.
    teaser = "Read more: the harbour wall plans in full."
    assert agreed_lines([short, *ARTICLE], ["\n".join([teaser, short, *ARTICLE])] * 3) == [short, *ARTICLE]
    assert agreed_lines([short, *ARTICLE], [*voters[:2], "\n".join([short, *ARTICLE])]) == [short, *ARTICLE]


def test_a_standfirst_most_voters_hold_goes_back_only_under_the_headline() -> None:
    """One voter often takes the article's header for furniture: two of three holding a long sentence right
    before the text's first line is enough where it stands under the page's headline (a teaser of another
    story before the article has none above it)."""
    lead = (
        "Storms damaged the old harbour wall twice this winter, and the council has now agreed to pay for a new one"
        " that will stand two metres higher and protect the houses along the northern side of the bay."
    )
    voters = ["\n".join([lead, *ARTICLE])] * 2 + ["\n".join(ARTICLE)]
    assert agreed_lines(ARTICLE, voters, under_headline=lambda text: True) == [lead, *ARTICLE]
    assert agreed_lines(ARTICLE, voters, under_headline=lambda text: False) == ARTICLE
    assert agreed_lines(ARTICLE, voters) == ARTICLE


def test_a_menu_of_single_words_the_article_uses_marks_no_edge() -> None:
    """Voters hold a menu's one-word lines wherever the article uses the words ("harbour"); an agreed line of
    several words next to them marks where the article begins or ends, and a run of agreed words beside it stays."""
    menu = ["Harbour", "Weather", "Council", "Islands", "Sport"]
    article = "\n".join(ARTICLE)
    voters = [f"{article}\nCouncil"] * 3
    assert agreed_lines([*menu, *ARTICLE], voters) == ARTICLE
    # "Council" right after the last agreed paragraph is held by every voter at that edge: it stays.
    assert agreed_lines([*menu, *ARTICLE, "Council"], voters) == [*ARTICLE, "Council"]


def test_scripts_without_spaces_are_voted_on_by_their_characters() -> None:
    """Japanese has no spaces between words: a voter setting spaces around a link's words still holds the same text."""
    article = [
        "市議会は火曜日、過去三年の冬に二度の嵐で壊れた古い港の防波堤を建て直すことを決めた。",
        "工事は秋に始まり十八か月続く予定で、その間、島へのフェリーは湾の北側の仮桟橋から出航する。",
        "海沿いに住む住民は工事を夕方六時までに終えるよう求め、市議会はこれに同意した。",
        "費用の三分の一は港湾局が、三分の一は県が負担し、残りを市が支払う。",
    ]
    related = "関連記事：港の新しい灯台が完成、夜の漁船を導く"
    promo = "港だより：海岸とフェリーと島々の一週間のニュースを、毎週金曜日の朝にお届けします。"
    linked = ("防波堤", "フェリー", "市議会", "港湾局")  # inline links, which some extractors set apart with spaces
    spaced = "\n".join(line.replace(word, f" {word} ") for line, word in zip(article, linked))
    assert agreed_lines([related, *article, promo], [spaced, spaced, "\n".join(article)]) == article


def test_a_voter_that_found_something_else_abstains() -> None:
    elsewhere = "The weather tomorrow will be dry with a light wind from the west over the islands."
    # Two voters hold none of trafilatura's text: fewer than two competent voters, nothing changes.
    lines = [BYLINE, *ARTICLE, PROMO]
    assert agreed_lines(lines, [elsewhere, elsewhere, "\n".join(ARTICLE)]) == lines


def test_no_agreement_at_all_keeps_the_text() -> None:
    lines = [BYLINE, PROMO]
    assert agreed_lines(lines, ["other words entirely in this text", "and more of them here too"]) == lines


def test_every_voter_reads_a_real_page_and_none_fails_on_a_broken_one() -> None:
    # jusText judges paragraphs of over 200 characters on their own: an article's are that long.
    html = "<html><body><article>" + "".join(f"<p>{line} {line} {line}</p>" for line in ARTICLE) + "</article></body></html>"
    texts = voter_texts(parse_html(html), html)
    assert len(texts) == 3 and all("harbour wall" in text for text in texts)
    broken = "<html><body><p>\x00<div><table><tr><td>" * 50
    assert len(voter_texts(parse_html(broken), broken)) == 3


def test_voter_html_becomes_one_line_per_block() -> None:
    assert html_to_lines("<div><h2>Head</h2><p>One<br>two</p><ul><li>three</li></ul></div>").split("\n") == ["Head", "One", "two", "three"]


def test_a_line_of_the_wider_pass_every_voter_holds_goes_back_between_its_neighbours() -> None:
    heading = "Where the ferry will leave from"  # a subheading trafilatura's precision pass drops
    teaser = "Read more: the harbour's history"  # kept by the wider pass and one voter only
    wider = [*ARTICLE[:2], heading, teaser, *ARTICLE[2:], "Sign up for our newsletter"]
    held = "\n".join([*ARTICLE[:2], heading, *ARTICLE[2:]])
    voters = [held, held, "\n".join([*ARTICLE[:2], heading, teaser, *ARTICLE[2:]])]
    assert agreed_lines(ARTICLE, voters, wider) == [*ARTICLE[:2], heading, *ARTICLE[2:]]
    # After the text's last line (where furniture is), even a line every voter holds stays out.
    assert agreed_lines(ARTICLE, [held + "\nSign up for our newsletter"] * 3, wider) == [*ARTICLE[:2], heading, *ARTICLE[2:]]


def test_justext_revision_in_linear_time_classifies_as_jusText_does() -> None:
    # Random runs of every class, headings among them: ours and jusText's own must agree paragraph for paragraph.
    def paragraphs(seed: int) -> list[Paragraph]:
        chooser = random.Random(seed)
        made = []
        for _ in range(chooser.randint(0, 60)):
            paragraph = Paragraph(PathInfo())
            paragraph.text_nodes = ["x" * chooser.choice((0, 5, 40, 120))]
            paragraph.cf_class = chooser.choice(("short", "short", "neargood", "good", "bad"))
            paragraph.heading = chooser.random() < 0.2
            made.append(paragraph)
        return made

    for seed in range(500):
        theirs, ours = paragraphs(seed), paragraphs(seed)
        distance = (200, 150)[seed % 2]  # jusText's default, and trafilatura's
        revise_paragraph_classification(theirs, distance)
        revise_classification(ours, distance)
        assert [p.class_type for p in ours] == [p.class_type for p in theirs], seed
    # trafilatura's jusText fallback classifies with it as well.
    assert trafilatura.external.revise_paragraph_classification is revise_classification


def test_justext_voter_reads_pages_as_justext_does() -> None:
    # The voter makes jusText's paragraphs its own, cheaper way: on every golden page (links,
    # <br>s, headings, empty blocks), the good paragraphs must be jusText's own, in order.
    long = [f"{line} {line} {line}" for line in ARTICLE]
    breaks = "<html><body><article>" + "<div><br></div>".join(f"<p>{line}</p>" for line in long) + "</article></body></html>"
    pages = sorted((Path(__file__).parent / "golden").glob("*.html"))
    assert pages
    for name, html in [("blank blocks between paragraphs", breaks), *((page.name, page.read_text(encoding="utf-8")) for page in pages)]:
        theirs = ParagraphMaker.make_paragraphs(preprocessor(parse_html(html)))
        classify_paragraphs(theirs, _stop_words())
        revise_paragraph_classification(theirs)
        expected = "\n".join(paragraph.text for paragraph in theirs if not paragraph.is_boilerplate)
        assert justext_text(parse_html(html), html) == expected, name


def test_whitespace_is_normalised_as_justext_does() -> None:
    # Runs of every kind of whitespace, with and without line breaks, as text nodes hold them.
    pieces = ["word", "é", " ", "  ", "\n", "\r\n", "\t", "\xa0", "\u2003", "\u2028", "\x0b", "\x0c", "\x1c"]
    rng = random.Random(7)
    for _ in range(20_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 10)))
        assert normalize_whitespace(text) == justext_normalize_whitespace(text), repr(text)


def test_word_triples_of_short_and_long_paragraphs() -> None:
    assert _triples([]) == set()
    assert _triples(["one", "two"]) == {("one", "two")}
    words = "a b c a b c d".split()
    assert _triples(words) == {tuple(words[index : index + 3]) for index in range(len(words) - 2)}


def test_trafilaturas_justext_fallback_reads_pages_as_justext_does(monkeypatch) -> None:
    # The fallback is given the voter's paragraph maker (quadratic in a page's depth otherwise):
    # on every golden page and on a deep one, the same paragraphs as with jusText's own maker.
    long = "".join(f"<p>{line} {line} {line}</p>" for line in ARTICLE)
    deep = "<html><body>" + "<div>" * 300 + long + "</div>" * 300 + "</body></html>"
    pages = [deep, *(page.read_text(encoding="utf-8") for page in sorted((Path(__file__).parent / "golden").glob("*.html")))]
    ours = [lxml.etree.tostring(trafilatura.external.try_justext(parse_html(html), None, None)) for html in pages]
    monkeypatch.setattr(trafilatura.external, "ParagraphMaker", ParagraphMaker)
    monkeypatch.setattr(trafilatura.external, "revise_paragraph_classification", revise_paragraph_classification)
    theirs = [lxml.etree.tostring(trafilatura.external.try_justext(parse_html(html), None, None)) for html in pages]
    assert trafilatura.external.ParagraphMaker is ParagraphMaker
    assert ours == theirs
    assert all(b"<p>" in body for body in ours[:1]) and sum(b"<p>" in body for body in ours) > len(pages) / 2
