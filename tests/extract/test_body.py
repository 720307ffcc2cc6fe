"""Steps of the body: the standfirst under the headline (only a sentence right before the text), HTML
written into the text read as HTML unless the page shows it as text, and the pointers to other pages ending it."""

from __future__ import annotations

import lxml.html

from scraper.extract.body import headline_lead, without_linked_ending, without_markup

HEADLINE = "Valley orchards brace for a late frost"
LEAD = "Growers lit fires between the rows, hoping to save the blossoms from a night below freezing."
FIRST = "The regional weather office warned on Friday that temperatures could fall to minus three degrees."
TEXT = f"{FIRST}\nGrowers say that a frost at this stage can cost them most of a year's harvest."
# A page whose scripts hold markup (a JSON-LD articleBody) and whose text quotes a tag.
PAGE = lxml.html.fromstring(
    '<html><head><script>{"articleBody": "<p>The dams</p>"}</script></head><body>'
    "<p>The guide says: wrap each quote in &lt;blockquote&gt; and nothing else.</p></body></html>"
)


def test_the_sentence_between_the_headline_and_the_text_is_its_standfirst() -> None:
    balanced = f"Farming\n{HEADLINE}\n{LEAD}\n{TEXT}"
    assert headline_lead(balanced, TEXT, [HEADLINE, f"{HEADLINE} | Valley Courier"]) == LEAD


def test_only_right_before_the_texts_first_line() -> None:
    balanced = f"{HEADLINE}\n{LEAD}\nA caption under the photo of an orchard in bloom, taken last spring.\n{TEXT}"
    assert headline_lead(balanced, TEXT, [HEADLINE]) is None


def test_a_byline_or_a_label_under_the_headline_is_no_standfirst() -> None:
    for line in ("By Jane Doe and John Roe, Valley Courier staff writers", "Updated 3 hours ago", "Share"):
        assert headline_lead(f"{HEADLINE}\n{line}\n{TEXT}", TEXT, [HEADLINE]) is None


def test_no_headline_in_the_balanced_pass_means_no_standfirst() -> None:
    assert headline_lead(f"{LEAD}\n{TEXT}", TEXT, [HEADLINE]) is None
    assert headline_lead(f"{HEADLINE}\n{LEAD}", "", [HEADLINE]) is None


def test_markup_in_the_text_is_read_as_html_and_embed_code_goes() -> None:
    lines = [
        "<p>The dams are at 31 percent.</p><p>Households must cut their use.</p>",
        'A chart: <iframe src="https://charts.example/x1/" height="400"></iframe><script>draw("x1")</script> as shown.',
        "Prices rose where supply < demand and fell where supply > demand.",
    ]
    assert without_markup(PAGE, lines) == [
        "The dams are at 31 percent.",
        "Households must cut their use.",
        "A chart: as shown.",
        "Prices rose where supply < demand and fell where supply > demand.",
    ]


def test_markup_no_parser_takes_loses_its_tags_and_never_raises() -> None:
    assert without_markup(PAGE, ["</p>", "<p>\x0b</p>", "An odd \x0b byte <b>here</b>"]) == ["An odd byte here"]


def test_markup_the_page_shows_as_text_is_the_articles_own() -> None:
    quoted = "The guide says: wrap each quote in <blockquote> and nothing else."
    assert without_markup(PAGE, [quoted, "<p>The dams</p>"]) == [quoted, "The dams"]


POINTERS = lxml.html.fromstring(
    "<html><body><article>"
    "<p>The study, published on Monday, is <a href='/study'>here</a>, and its authors answered readers' questions"
    " about the method, the sample and the figures in a long discussion the same evening.</p>"
    "<p>Listen back <a href='/podcast'>here</a>.</p>"
    "<p>Read the <a href='/guide'>guide</a> to the region's walks.</p>"
    "</article></body></html>"
)
# A long sentence with a pointing link is the article's own, ending the text or not.
STUDY = (
    "The study, published on Monday, is here, and its authors answered readers' questions"
    " about the method, the sample and the figures in a long discussion the same evening."
)


def test_a_short_line_ending_in_a_link_that_only_points_ends_no_text() -> None:
    assert without_linked_ending(POINTERS, [STUDY, "Listen back here."]) == [STUDY]


def test_a_pointer_inside_the_text_or_a_link_that_names_its_page_stays() -> None:
    lines = ["Listen back here.", "Read the guide to the region's walks."]
    assert without_linked_ending(POINTERS, lines) == lines
    assert without_linked_ending(POINTERS, ["Listen back here.", STUDY]) == ["Listen back here.", STUDY]


def test_pointer_links_nested_deep_around_much_text_cost_no_stall() -> None:
    # Each pointing link's paragraph is read for its text; read for every link of 250 nested containers around
    # 100 kB of text, that once took five seconds for ten such nests.
    nest = "<div>Mehr <a href='/x'>hier</a>" * 250 + "Wort " * 20_000 + "</div>" * 250
    page = lxml.html.fromstring(f"<html><body>{nest * 10}<p>Alle Touren findest Du <a href='/t'>hier</a>.</p></body></html>")
    assert without_linked_ending(page, ["Ein Absatz des Artikels.", "Alle Touren findest Du hier."]) == ["Ein Absatz des Artikels."]
