"""What each extraction rule adds: every figure with one rule switched off, beside the whole code, on dev and check.

    python -m bench.ablation [CORPUS] [--rules NAME ...] [--together] [--without-scripts | --without-meta] [--jobs N] [--limit N]

Issue 18's protocol keeps a rule only when it helps or holds on the check split; rules
written before the split existed were never put to that test. This bench puts every rule
to it again: it extracts the corpus once with the whole code, then once for each rule with
that rule switched off, and prints for each the change in every figure (the whole code's
figure minus the figure without the rule: positive means the rule helps), dev and check
side by side. A rule that helps dev and not check is fitting those pages.

A rule is switched off by replacing one function or constant of the extraction modules in
this process before the workers fork (:data:`RULES` names each one), so the bench runs the
shipped code and nothing else. ``--without-scripts`` measures the pages with their
``<script>`` elements (so their JSON-LD) removed, where the rules reading the visible page
matter most; ``--without-meta`` removes their ``<meta>`` elements too. ``--together``
switches the named rules off all at once, for what a family of rules adds together.

Each gain comes with its 95% interval over the split's sites drawn again (``bench.intervals``;
the same sites for both extractions): the table marks with ``*`` a gain whose interval holds
no zero, one the corpus tells from chance; an unmarked gain may be a page or two that any
other sample of sites would not repeat. Beside the gains, the table counts the sites the
rule does better on in some figure and those it does worse on: a rule whose gain stands
on one site was written for that site's template, whatever its name says. Prints one table, then the figures as one JSON line
(each gain as [gain, low, high]).
"""

from __future__ import annotations

import argparse
import importlib
import json
import multiprocessing
import re
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.corpus import COLLECTIONS, DEFAULT_ROOT, Page, add_stripping_options, load_corpus, stripping
from bench.intervals import Interval, as_gain, difference_intervals, excludes_zero, sites_moved
from bench.quality import ROWS, Fields, check_corpus, extract_all, page_tallies, score, split_indices

_NEVER = re.compile(r"(?!)")  # a pattern that matches nothing


@dataclass(frozen=True)
class Rule:
    """One rule of the extraction, and how to switch it off: replace ``module.attribute`` by ``replacement``."""

    what: str
    # The golden page (tests/extract/golden) whose fields change without the rule; None where
    # no small hand-written page shows it (trafilatura must first pick a wrong container).
    golden: str | None
    module: str
    attribute: str
    replacement: Any
    # Rules switched off beside it on its golden page, where they would catch the same lines first.
    alongside: tuple[str, ...] = ()


def _lines_as_given(lines: list[str], *_: Any) -> list[str]:
    return list(lines)


def _tree_and_lines_as_given(_tree: Any, lines: list[str]) -> list[str]:
    return list(lines)


def _stripped(lines: list[str], _titles: Any) -> list[str]:
    return [line.strip() for line in lines if line.strip()]


RULES: dict[str, Rule] = {
    "precision-pass": Rule(
        "trafilatura's precision pass replaces the balanced one when it keeps most of its text",
        "trailing_links", "scraper.extract.body", "PRECISION_SHARE", float("inf"),
    ),
    "fallback": Rule(
        "trafilatura's fallbacks are asked when the fast passes were cut short",
        None, "scraper.extract.body", "TRUNCATED_SHARE", 0.0,
    ),
    "fallback-gate": Rule(
        "trafilatura's fallbacks are asked too when the voters found far more text",
        None, "scraper.extract.body", "FALLBACK_GATE", float("inf"),
    ),
    "continuations": Rule(
        "an article split into containers of one kind is joined",
        "split_body", "scraper.extract.body", "continuations", lambda tree, text: [],
    ),
    "consensus": Rule(
        "paragraphs are kept by the vote of the other extractors and the JSON-LD articleBody",
        "consensus_edge", "scraper.extract.body", "agreed_lines", lambda lines, voters, *rest: list(lines),
    ),
    "voted-subheadings": Rule(
        "where the text holds none of the page's subheadings (<h2>-<h6>), those all competent voters hold between two of its lines go back",
        "subheadings_no_container", "scraper.extract.body", "shown_as_subheading", lambda tree, lines: lambda text: False,
    ),
    "standfirst-blocks": Rule(
        "the standfirst shown is read as the blocks holding the description, not glued to those after it ('... Kreisstadt.Anzeige')",
        "standfirst_holder_with_ad", "scraper.extract.body", "_opening_blocks", lambda element, wanted: None,
    ),
    "caption-not-standfirst": Rule(
        "a description the page shows only as a picture's caption (in a <figure>, a class ending in 'caption') is no standfirst",
        "description_as_caption", "scraper.extract.body", "_OUTSIDE_LEAD",
        "ancestor-or-self::*[self::nav or self::footer or self::aside or self::form or self::head or self::a"
        " or contains(@class, 'comment')]",
    ),
    "amp-components": Rule(
        "AMP's ad, analytics, sharing and consent components are not read for the body ('Loading ad')",
        "amp_ad", "scraper.extract.body", "_amp_furniture", lambda tree: [],
    ),
    "headline-links": Rule(
        "a link in the headline (to the article itself) is read as the headline's text, not as another story's heading",
        "headline_linked", "scraper.extract.body", "_headline_links", lambda tree: [],
    ),
    "layout-tables": Rule(
        "a table laying out the page (a cell holds a heading or paragraphs) is read as blocks, not as one row of cells",
        "layout_table", "scraper.extract.body", "_layout_tables", lambda tree: [],
    ),
    "voters-standfirst": Rule(
        "a long sentence every competent voter holds right before the text's first line opens it (no description needed)",
        "standfirst_without_description", "scraper.extract.consensus", "MIN_LEAD_WORDS", float("inf"),
    ),
    "dialogs": Rule(
        "the page's dialogs (cookie notes, newsletter popups, lightboxes) are not read for the body",
        "dialogs", "scraper.extract.body", "_dialogs", lambda tree: [],
    ),
    "headline-not-comments": Rule(
        "a class naming comments on the headline's containers ('commentary', an opinion piece) is no comment section",
        "opinion_marked_comment", "scraper.extract.body", "_marked_as_comments", lambda tree: [],
    ),
    "standfirst": Rule(
        "the page's description opens the text where the page shows it as a paragraph",
        "standfirst", "scraper.extract.body", "shown_lead", lambda tree, description: None,
    ),
    "headline-standfirst": Rule(
        "a sentence trafilatura's balanced pass keeps between the headline and the text's first line opens it",
        "standfirst_under_headline", "scraper.extract.body", "headline_lead", lambda balanced, text, titles: None,
    ),
    "header-lines-before-standfirst": Rule(
        "short lines (a dateline, an 'Updated' label) may stand between the headline and the standfirst under it",
        "standfirst_under_updated_line", "scraper.extract.body", "MAX_HEADER_LINES", 0,
    ),
    "lines-over-headline": Rule(
        "short lines opening the text over the headline (a kicker, a section's name, a date) go with it",
        "kicker_over_headline", "scraper.extract.body", "MAX_LINES_OVER_HEADLINE", 0,
    ),
    "no-markup": Rule(
        "HTML written into the text (a JSON-LD articleBody trafilatura fell back on) is read as HTML, never kept as markup",
        "markup_in_declared_body", "scraper.extract.body", "without_markup", lambda tree, lines: lines,
    ),
    "headline-line": Rule(
        "a first line repeating the headline goes", "shown_headline", "scraper.extract.body", "_without_title", _stripped,
    ),
    "furniture-net": Rule(
        "the furniture net as a whole (phrases, leads, related blocks, comment sections, bylines)",
        "furniture_lines", "scraper.extract.body", "strip_furniture", _lines_as_given,
    ),
    "datelines": Rule(
        "a short line of one day and a label or two set apart by '|', '•' or '·' is furniture ('2021-10-16 | Politik')",
        "dateline_with_section", "scraper.extract.furniture", "is_dateline", lambda line: False,
    ),
    "furniture-leads": Rule(
        "lines that start like furniture go ('Read more: ...', 'Photo: ...')",
        "furniture_lines", "scraper.extract.furniture", "_LEAD", _NEVER,
    ),
    "caption-credits": Rule(
        "a line ending with a photo's credit is a caption and goes ('... © AFP / Jane Doe')",
        "caption_credit_ending", "scraper.extract.furniture", "_CREDIT_ENDING", _NEVER,
    ),
    "related-blocks": Rule(
        "the short teaser lines under a related-content heading go",
        "furniture_lines", "scraper.extract.furniture", "is_teaser", lambda line: False,
    ),
    "comment-sections": Rule(
        "the lines under a reader-comment heading go",
        "comment_heading", "scraper.extract.furniture", "without_comment_section", lambda lines: lines,
    ),
    "byline-lines": Rule(
        "lines naming only the article's authors go",
        "byline_analytics_tag", "scraper.extract.furniture", "is_byline", lambda line, authors: False,
    ),
    "trailing-link-list": Rule(
        "a list of 3 to 12 linked items ending the text goes",
        "trailing_links", "scraper.extract.body", "without_trailing_links", _tree_and_lines_as_given,
        alongside=("consensus",),
    ),
    "linked-ending": Rule(
        "lines ending the text that are wholly a link's text go",
        "teaser_links_ending_text", "scraper.extract.body", "without_linked_ending", _tree_and_lines_as_given,
    ),
    "pointer-ending": Rule(
        "short lines ending the text in a link that only points ('... findest Du hier.') go",
        "pointer_ending_text", "scraper.extract.body", "pointer_lines", lambda tree: set(),
    ),
    "self-promotion": Rule(
        "lines ending the text where the publisher, naming itself, speaks to the reader as we or you go",
        "self_promotion_ending", "scraper.extract.body", "without_self_promotion", lambda lines, publishers: list(lines),
    ),
    "title-dates": Rule(
        "a date set as a segment of the title is a date candidate",
        "date_in_title", "scraper.extract.article", "title_dates", lambda titles: [],
    ),
    "shown-bylines": Rule(
        "bylines read from the page's text (byline classes, 'By ...' lines near the headline)",
        "byline_related_sidebar", "scraper.extract.metadata", "_byline_names", lambda tree, elsewhere: [],
    ),
    "innermost-bylines": Rule(
        "of byline elements nested in one another only the innermost is read, not the bar around it ('AA + Small Large')",
        "byline_in_toolbar", "scraper.extract.metadata", "_innermost", lambda elements: elements,
    ),
    "listed-bylines": Rule(
        "a byline holder whose own text only lists names is read whole, not just its links ('By A, <a>B</a> and C')",
        "byline_listing_links", "scraper.extract.metadata", "_lists_names", lambda element: False,
    ),
    "genre-labels": Rule(
        "a piece's genre before the byline word is no part of the name ('Ein Kommentar von Jana Berger')",
        "byline_genre_label", "scraper.extract.authors", "_GENRE_LABEL", _NEVER,
    ),
    "headline-standfirsts": Rule(
        "a long sentence most voters hold right before the text's first line, under the page's headline, is the standfirst",
        "standfirst_most_voters", "scraper.extract.body", "under_headline", lambda tree: lambda text: False,
    ),
    "author-notes": Rule(
        "a heading naming the author with at most three lines after it, closing the text, is the writer's biography",
        "author_note_closing", "scraper.extract.furniture", "without_author_note", lambda lines, _authors: lines,
    ),
    "sign-up-boxes": Rule(
        "the lines a box around a form's e-mail field shows (its heading: 'Get the evening briefing') are not the text",
        "sign_up_box_heading", "scraper.extract.body", "without_sign_up_boxes", _tree_and_lines_as_given,
    ),
    "closing-biographies": Rule(
        "a short line opening with an author's name and a verb saying who they are, closing the text, is the writer's biography",
        "author_biography_closing", "scraper.extract.furniture", "_biography_opening", lambda authors: None,
    ),
    "byline-dashes": Rule(
        "a spaced dash after a name in a byline sets off what describes it ('Juan Pérez - Ciudad de México')",
        "byline_dash_description", "scraper.extract.authors", "_DESCRIPTION_DASH", _NEVER,
    ),
    "byline-beside-marks": Rule(
        "a byline's names are read whole with a reading time or a day set after a mark beside them ('· 6 min read')",
        "byline_reading_time", "scraper.extract.metadata", "DATELINE_MARK", _NEVER,
    ),
    "capital-bylines": Rule(
        "in a byline whose names are set in capitals the words joining and placing them are read in lower case ('A AND B, IN PARIS')",
        "byline_in_capitals", "scraper.extract.authors", "_linking_words_lowered", lambda byline: byline,
    ),
    "placing-links": Rule(
        "a byline's placing word before a link ('By Jane Doe in <a>Politics</a>') places the name: the link is no name",
        "byline_section_link", "scraper.extract.authors", "_placing_links_joined", lambda byline: byline,
    ),
    "byline-first-lines": Rule(
        "a byline set as the first line of a text broken by <br> is read as a line of its own ('By A and B<br><br>The council')",
        "byline_first_line", "scraper.extract.metadata", "_opens_text_block", lambda element: False,
    ),
    "biography-authors": Rule(
        "trafilatura's author guess goes where one of its names is a sentence (a biography: 'Sam Writer is a reporter who ...')",
        "author_biography_sentence", "scraper.extract.article", "_read_from_prose", lambda names: False,
    ),
    "byline-labels": Rule(
        "one word and a colon opening a byline is a label in any language ('Wartawan: Siti Nurhaliza')",
        "byline_label_other_language", "scraper.extract.authors", "_LABEL", _NEVER,
    ),
    "headline-containers": Rule(
        "a container holding the headline is never one of other stories, whatever its class ('site-main has-sidebar')",
        "byline_in_main_with_sidebar", "scraper.extract.metadata", "_holds_headline", lambda element: False,
    ),
    "topic-bylines": Rule(
        "a one-word byline that is one of the page's sections (stated or shown as a category link) is a topic, not a person",
        "byline_category_label", "scraper.extract.authors", "_is_topic", lambda name, topics: False,
    ),
    "fuller-shown-bylines": Rule(
        "a byline shown on the page naming everyone a meta tag names and more is taken over the meta tag",
        "byline_fuller_than_meta", "scraper.extract.authors", "_fuller_byline", lambda *arguments: None,
    ),
    "time-elements": Rule(
        "<time datetime> elements nearest the headline are date candidates",
        "date_nearest_headline", "scraper.extract.metadata", "_time_dates", lambda tree, elsewhere: [],
    ),
    "header-dates": Rule(
        "the first day shown as a short text of its own between the headline and the text is a date candidate",
        "date_shown_in_header", "scraper.extract.metadata", "_header_dates", lambda tree, elsewhere, order_known: [],
    ),
    "day-first-languages": Rule(
        "a numeric date ('11/05/2022') opens with its day on a page in any language but American English",
        "date_numeric_day_first", "scraper.extract.article", "writes_day_first", lambda language: False,
    ),
    "numeric-dates-among-words": Rule(
        "a numeric date among other words is read ('Dienstag, 12.03.2024, 10:30 Uhr', 'le 12/03/2024 à 10h30')",
        "date_numeric_among_words", "scraper.extract.dates", "_NUMERIC_DATE", _NEVER,
    ),
    "short-year-dates": Rule(
        "a dotted date with the year in two digits is read, day first ('Do 25.04.24 | 14:07 Uhr')",
        "date_dotted_short_year", "scraper.extract.dates", "_DOTTED_SHORT_DATE", _NEVER,
    ),
    "site-titles": Rule(
        "a stated title that is the site's name, a date or one word beside a shown headline names no article",
        "title_site_or_section_stated", "scraper.extract.titles", "_names_no_article", lambda title, keys, headline_shown: False,
    ),
    "logo-h1s": Rule(
        "an <h1> holding only the site's name is a logo, no headline",
        "title_logo_h1", "scraper.extract.titles", "_is_logo", lambda h1, keys: False, alongside=("logo-headings",),
    ),
    "kicker-h1s": Rule(
        "an <h1> holding the headline <title> states beside a kicker or a subtitle gives that headline",
        "title_h1_kicker", "scraper.extract.titles", "_headline_within", lambda h1, headline: None,
    ),
    "section-segments": Rule(
        "a section's one word between the headline and the site's name closing a title goes ('Headline - Politik | Site')",
        "title_section_segment", "scraper.extract.titles", "_is_section", lambda segment: False,
    ),
    "affiliate-disclosures": Rule(
        "a short note disclosing affiliate links or an advertiser's pay goes, wherever in it the disclosure stands",
        "affiliate_disclosure", "scraper.extract.furniture", "_DISCLOSURE", _NEVER,
    ),
    "site-colon-prefixes": Rule(
        "the site's name and a colon opening a title go ('Site: Headline')",
        "title_site_colon_prefix", "scraper.extract.titles", "_COLON_PREFIX", _NEVER,
    ),
    "spaced-h1s": Rule(
        "a line break (<br>) in an <h1> is a space between its words",
        "title_h1_line_break", "scraper.extract.metadata", "_spaced_text", lambda element: element.text_content(),
    ),
    "lower-case-bylines": Rule(
        "a short line of the article's scopes opening with a lower-case 'von'/'by' and nothing but full names is a byline",
        "byline_lower_case_word", "scraper.extract.metadata", "_LOWER_BYLINE", _NEVER,
    ),
    "korean-reporters": Rule(
        "a Korean byline names the reporter right before the title word (기자), after the desk's places",
        "byline_korean_reporter", "scraper.extract.authors", "_KOREAN_REPORTER", _NEVER,
    ),
    "dates-above-headline": Rule(
        "a day shown above the headline inside the <article> holding it is the article's (one outside is the masthead's)",
        "date_above_headline", "scraper.extract.metadata", "_TEXTS_BEFORE_XPATH", "self::nothing",
    ),
    "update-labels": Rule(
        "a <time> right after an 'Updated' label states a change, not the publication",
        "date_updated_label_before_time", "scraper.extract.metadata", "_after_update_label", lambda element: False,
    ),
    "header-change-dates": Rule(
        "a day the article's header shows in an element stating a change (its class, an 'Updated' label) is not the publication's",
        "date_updated_line_under_headline", "scraper.extract.metadata", "_shown_as_change", lambda text: False,
    ),
    "published-and-updated-class": Rule(
        "a <time> whose class names its publication and a change ('entry-date published updated') is the publication's",
        "date_published_and_updated_class", "scraper.extract.metadata", "_MODIFIED_XPATH",
        "ancestor-or-self::*[position() <= 2][@itemprop='dateModified' or contains(@class, 'updat')"
        " or contains(@class, 'modif') or contains(@class, 'edited')]",
    ),
    "later-stories": Rule(
        "a byline or date in an <article> with a headline of its own after the page's article (the next story) is that story's",
        "next_article_below", "scraper.extract.metadata", "_later_stories", lambda tree: [],
    ),
    "quoted-posts": Rule(
        "a date or byline inside a <blockquote> (an embedded post, a quote) is the quoted author's, not the article's",
        "date_in_embedded_post", "scraper.extract.metadata", "_ELSEWHERE_TAGS", {"aside", "nav"},
    ),
    "shown-zones": Rule(
        "a <time>'s UTC datetime is restated in the zone its text shows, so the day is the one a reader sees",
        "date_utc_shown_local", "scraper.extract.metadata", "in_shown_zone", lambda stated, shown: stated,
    ),
    "shown-comment-headings": Rule(
        "the lines ending the text that the page shows under a reader-comment heading the extractor dropped go",
        "comment_heading_dropped", "scraper.extract.body", "without_shown_comments", _tree_and_lines_as_given,
    ),
    "logo-headings": Rule(
        "an <h1> whose words all link to the site's front page is its logo, not the headline",
        "title_logo_h1_linked_home", "scraper.extract.metadata", "_logos_apart", lambda tree: None,
    ),
    "dialog-headings": Rule(
        "an <h1> in a dialog (a sign-in or newsletter popup) that shows no stated title is the dialog's, not the headline",
        "title_dialog_heading", "scraper.extract.metadata", "_dialog_headings_apart", lambda tree, titles: None,
    ),
    "h2-headlines": Rule(
        "without an <h1>, the heading a stated title holds (or the microdata's headline) is the headline",
        "headline_in_h2", "scraper.extract.metadata", "shown_headline_as_h1", lambda tree, titles: None,
    ),
    "inferred-metadata": Rule(
        "trafilatura and htmldate are asked for what the page leaves unstated",
        "date_from_url", "scraper.extract.article", "_inferred_metadata", lambda tree, url, search_date: {},
    ),
}


@contextmanager
def switched_off(rule: Rule) -> Iterator[None]:
    """The extraction without one rule, for the duration of the block."""
    module = importlib.import_module(rule.module)
    kept = getattr(module, rule.attribute)
    setattr(module, rule.attribute, rule.replacement)
    try:
        yield
    finally:
        setattr(module, rule.attribute, kept)


def extract_ours(pages: list[Page], jobs: int) -> list[Fields]:
    """Our extraction of every page, by forked workers that see the rules as switched now."""
    return [result["ours"] for result in extract_all(pages, "best", jobs, with_plain=False)]


# The figures compared, as (collection, figure) in what ``bench.quality.score`` reports.
FIGURES = [(group, key) for group, key in ROWS if group and key not in ("precision", "recall")]
FIGURE_NAMES = [f"{group}/{key}" for group, key in FIGURES]


def figures_by_split(pages: list[Page], found: list[Fields], tallies: list[Counter[str]]) -> dict[str, dict[str, float]]:
    """Every figure of :data:`FIGURES` for dev and for check, from the pages' tallies."""
    report: dict[str, dict[str, float]] = {}
    for split, chosen in split_indices(pages).items():
        scores = score([pages[index] for index in chosen], [found[index] for index in chosen], [tallies[index] for index in chosen])
        report[split] = {f"{collection}/{figure}": scores[collection][figure] for collection, figure in FIGURES if collection in scores}
    return report


def rule_gains(pages: list[Page], whole: list[Counter[str]], without: list[Counter[str]]) -> dict[str, dict[str, Interval]]:
    """Each split's gain in every figure from the rule (the whole code's figure minus the figure without it; for
    leaked, without minus with; from the pages' tallies), with its 95% interval over the split's sites drawn again."""
    gains: dict[str, dict[str, Interval]] = {}
    for split, chosen in split_indices(pages).items():
        differences = difference_intervals([pages[i] for i in chosen], [whole[i] for i in chosen], [without[i] for i in chosen])
        gains[split] = {name: as_gain(name, differences[name]) for name in FIGURE_NAMES if name in differences}
    return gains


def sites_by_split(pages: list[Page], whole: list[Counter[str]], without: list[Counter[str]]) -> dict[str, tuple[int, int]]:
    """For each split, how many sites the rule does better on in some figure, and how many worse."""
    return {
        split: sites_moved([pages[i] for i in chosen], [whole[i] for i in chosen], [without[i] for i in chosen], FIGURE_NAMES)
        for split, chosen in split_indices(pages).items()
    }


def print_table(
    whole: dict[str, dict[str, float]],
    gains: dict[str, dict[str, dict[str, Interval]]],
    sites: dict[str, dict[str, tuple[int, int]]] | None = None,
) -> None:
    # A figure one split has no pages for (a small --limit) shows as "-", not as a crash.
    names = list(dict.fromkeys(name for figures in whole.values() for name in figures))

    def cell(value: float | None, interval: Interval | None = None) -> str:
        if value is None:
            return f"{'-':>10}"
        return f"{value:+9.4f}" + ("*" if excludes_zero(interval) else " ") if interval else f"{value:9.4f} "

    def gain_cells(gain: dict[str, dict[str, Interval]]) -> str:
        return "".join(
            cell(interval[0], interval) if (interval := gain.get(split, {}).get(name)) else cell(None)
            for name in names
            for split in ("dev", "check")
        )

    def site_cells(moved: dict[str, tuple[int, int]]) -> str:
        return "".join(f"{f'{moved[split][0]}/{moved[split][1]}' if split in moved else '-':>10}" for split in ("dev", "check"))

    sites = sites or {}
    width = max(22, *(len(rule) + 2 for rule in gains))
    print(f"{'rule':{width}}" + "".join(f"{name.split('/')[1][:9]:>20}" for name in names) + f"{'sites +/-':>20}")
    print(f"{'':{width}}" + "".join(f"{'dev':>10}{'check':>10}" for _ in [*names, "sites"]))
    print(f"{'(whole code)':{width}}" + "".join(cell(whole.get(split, {}).get(name)) for name in names for split in ("dev", "check")))
    for rule, gain in gains.items():
        print(f"{rule:{width}}" + gain_cells(gain) + site_cells(sites.get(rule, {})))
    print("gain = the figure with the rule minus without it (for leaked: without minus with); positive helps;")
    print("* = its 95% interval over the split's sites drawn again holds no zero (the corpus tells with and without apart);")
    print("sites +/- = the sites the rule does better on in some figure / worse on (a gain standing on one site fits that site)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_ROOT)
    parser.add_argument("--rules", nargs="+", choices=sorted(RULES), default=list(RULES))
    parser.add_argument("--together", action="store_true", help="switch the rules off all at once: what they add as a family")
    parser.add_argument("--collections", nargs="+", choices=COLLECTIONS, default=list(COLLECTIONS))
    add_stripping_options(parser)
    parser.add_argument("--jobs", type=int, default=multiprocessing.cpu_count())
    parser.add_argument("--limit", type=int, help="at most this many pages of each collection")
    options = parser.parse_args(argv)
    check_corpus(parser, options.corpus)
    pages = load_corpus(options.corpus, tuple(options.collections), options.limit, **stripping(options))
    whole_found = extract_ours(pages, options.jobs)
    whole_tallies = page_tallies(pages, whole_found)
    whole = figures_by_split(pages, whole_found, whole_tallies)
    gains, sites = {}, {}
    # One row per rule, or with --together one row for all of them switched off at once (a family's gain).
    rows = {"together": options.rules} if options.together else {name: [name] for name in options.rules}
    for row, names in rows.items():
        with ExitStack() as switches:
            for name in names:
                switches.enter_context(switched_off(RULES[name]))
            without = page_tallies(pages, extract_ours(pages, options.jobs))
        gains[row], sites[row] = rule_gains(pages, whole_tallies, without), sites_by_split(pages, whole_tallies, without)
    print_table(whole, gains, sites)
    report = {**stripping(options), "rules": options.rules, "whole": whole, "gains": gains, "sites": sites}
    print(json.dumps(report, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
