"""The article body: trafilatura's precision or balanced result, or its fallback extractors when
that result is clearly truncated or holds far less text; the article's later containers when
the page split it; the standfirst the page shows; then the furniture safety net and a list of
related links ending the text. The page's dialogs (cookie notes, popups) are never read for it,
nor the lines of a sign-up box around an e-mail field.

Reader comments are always extracted apart (``include_comments=True`` makes trafilatura
cut the comment section out of the body) and returned separately, never in the text.
"""

from __future__ import annotations

import copy
import functools
import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import lxml.etree
import lxml.html
import trafilatura

from scraper.extract.consensus import agreed_lines, html_to_lines, voter_texts
from scraper.extract.folding import fold, squashed
from scraper.extract.furniture import MIN_CHARS_BEFORE_COMMENTS, is_comments_heading, strip_furniture, without_self_promotion
from scraper.extract.metadata import DIALOG
from scraper.extract.text import ends_sentence, word_count

TRAFILATURA = f"trafilatura {trafilatura.__version__}"
# The precision result wins unless it kept less than this share of the balanced one.
PRECISION_SHARE = 0.85
# A body shorter than this share of the page's long paragraphs was cut short.
TRUNCATED_SHARE = 0.4
MIN_PARAGRAPH_CHARS = 80
MIN_PAGE_PROSE_CHARS = 1000
# A fallback result with more than this share of debris lines was padded with page source.
PADDED_SHARE = 0.2
# A fallback result this many times longer found article text the fast passes missed.
FALLBACK_GAIN = 1.6
# A voter's text this many times longer than the fast passes' is worth asking trafilatura's fallbacks for.
FALLBACK_GATE = 0.8 * FALLBACK_GAIN
# A description of fewer words is a tagline, not a standfirst; the shown text may run this much longer.
MIN_LEAD_WORDS = 8
MAX_HEADER_LINES = 3  # short lines (dateline, labels) between the headline and a standfirst under it
# A text may open with this many short lines over the headline: a kicker, a section's name, a date.
MAX_LINES_OVER_HEADLINE = 3
MAX_WORDS_OVER_HEADLINE = 5
# A text is found in the page by its first words: a voter may have set the rest of it apart (links, line breaks).
MAX_OPENING_WORDS = 8
LEAD_SLACK = 1.5
# A run of this many linked list items ends the text after its prose: related stories.
MIN_TRAILING_LINKS = 3
MAX_TRAILING_LINKS = 12
_LIST_ITEM = "- "  # how trafilatura writes a list item
# A pointer to another page is a short line; a longer one is the article's own sentence with a link.
MAX_POINTER_WORDS = 16
MAX_POINTER_ELEMENTS = 12
# An article split into containers: at most this many, each later one with this many long paragraphs.
MAX_CONTAINERS = 4
MIN_CONTINUATION_PARAGRAPHS = 2
# A tag of the elements an article's HTML is written with, opening or closing.
_MARKUP = re.compile(
    r"</?(?:p|div|span|a|b|i|u|em|strong|br|hr|img|iframe|video|audio|source|figure|figcaption|picture|blockquote"
    r"|h[1-6]|ul|ol|li|table|tr|td|th|script|style|noscript|section|article)(?:\s[^<>]*)?/?>",
    re.IGNORECASE,
)
_DEBRIS = re.compile(r"^\s*https?://\S*\s*$|^[\W\d_]*$|^\s*\d{4}-\d\d-\d\dT[\d:.+-]+\s*$")
_NOT_PROSE = {"script", "style", "noscript", "template", "svg", "head", "title"}
# The text a reader sees: none of the page's code (scripts, so a JSON-LD articleBody).
_SHOWN_TEXT = "//body//text()[not(" + " or ".join(f"ancestor::{tag}" for tag in sorted(_NOT_PROSE)) + ")]"
# A table laying out the page: one of its own cells (not a nested table's) holds a heading or paragraphs of text.
_LAYOUT_TABLES_XPATH = (
    "//table[(./tr/td | ./*/tr/td)[.//h1 or .//h2 or .//h3 or count(.//p[string-length(normalize-space()) > 80]) >= 3]]"
)
# A table's own rows and cells, not those of a table nested in one of them.
_OWN_TABLE_PARTS = "./thead | ./tbody | ./tfoot | ./tr | ./*/tr | ./tr/td | ./tr/th | ./*/tr/td | ./*/tr/th"
# The headings below a page's headline: its subheadings, and the heading that may open its reader comments.
_SUBHEADINGS = ("h2", "h3", "h4", "h5", "h6")
# Elements a standfirst is set in; a description shown as a heading (<h2>) is the headline's subtitle.
_LEAD_XPATH = (
    "//*[self::p or self::div or self::span or self::strong or self::section or self::header]"
    "[string-length(normalize-space()) <= $longest][starts-with(normalize-space(), $first)]"
)
_OUTSIDE_LEAD = (
    "ancestor-or-self::*[self::nav or self::footer or self::aside or self::form or self::head or self::a"
    " or self::figure or self::figcaption or contains(@class, 'comment') or contains(concat(@class, ' '), 'caption ')]"
)
_OUTSIDE_PROSE = "ancestor-or-self::*[self::nav or self::footer or self::form or contains(@class, 'comment')]"


@dataclass
class Body:
    """Paragraphs of the article, the reader comments, and what produced them."""

    text: str
    comments: str | None
    extractor: str


def _run(tree: lxml.html.HtmlElement, url: str, **options: Any) -> tuple[str, str]:
    """Text and comments of one trafilatura pass (trafilatura copies the tree it is given)."""
    document = trafilatura.bare_extraction(
        tree, url=url, include_comments=True, include_tables=True, with_metadata=False, **options
    )
    if document is None:
        return "", ""
    return document.text or "", document.comments or ""


def page_prose_chars(tree: lxml.html.HtmlElement) -> int:
    """Characters of long runs of text in the page, outside scripts, navigation and comments.

    Counts the text an element holds directly (not its children's), so prose in
    <div>s and between <br>s counts as well as prose in <p>s: what a body can hold.
    """
    total = 0
    for element in tree.iter():
        if not isinstance(element.tag, str) or element.tag in _NOT_PROSE:
            continue
        own = len((element.text or "").strip()) + sum(len((child.tail or "").strip()) for child in element)
        if own >= MIN_PARAGRAPH_CHARS and not element.xpath(_OUTSIDE_PROSE):
            total += own
    return total


def looks_padded(text: str) -> bool:
    """Whether many lines are markup debris: bare URLs, timestamps, no letters at all.

    Blank lines do not count: the fallback extractors leave them between paragraphs.
    """
    lines = [line for line in text.split("\n") if line.strip()]
    junk = sum(1 for line in lines if _DEBRIS.match(line))
    return junk > PADDED_SHARE * len(lines)


# Dialogs in the page's body (a newsletter's or a cookie note's popup, a lightbox, another story opened over
# the page) are not the article; one holding the headline is the article opened as a dialog, and a <body>
# marked as one is still the page.
_DIALOGS_XPATH = f"//body//*{DIALOG}[not(.//h1)]"
# AMP pages' components that are never text: ads (their placeholders say "Loading ad"), analytics, share buttons,
# consent and notification boxes. trafilatura reads an unknown element's text as any <div>'s.
_AMP_FURNITURE = (
    "amp-ad", "amp-embed", "amp-sticky-ad", "amp-auto-ads", "amp-analytics", "amp-pixel", "amp-social-share", "amp-consent",
    "amp-user-notification",
)
# A sign-up box: a field asking for an e-mail address (a newsletter's, a sign-in's, a comment form's) and the few
# short lines around it, up to this many characters and elements beside it at each level (its heading: "Get the
# morning briefing"). Only the page's first few such fields are looked at: each is measured up its containers.
MAX_SIGN_UP_BOX_CHARS = 300
MAX_SIGN_UP_BOX_CHILDREN = 20
MAX_SIGN_UP_FIELDS = 10
# Class words naming comments ("commentary", "comment-piece"), which trafilatura's comment search takes for a
# comment section wherever they stand.
_COMMENT_CLASS = re.compile(r"comment", re.IGNORECASE)


def readable_page(tree: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """The page as its body is read: without its dialogs and AMP's ads, without class words naming comments on its
    headline's containers, its layout tables as blocks, its headline's links as text. A copy where it has any of
    these (the metadata still reads the page as it is), else the page.

    News sites mark an opinion piece's container "commentary"; asked for the comments apart,
    trafilatura then takes the article for them and the readers' comments for the text. A
    container holding the headline is the article's, whatever its class says.
    """
    if not any(found(tree) for found in (_dialogs, _amp_furniture, _marked_as_comments, _layout_tables, _headline_links)):
        return tree
    tree = copy.deepcopy(tree)
    for link in _headline_links(tree):
        link.drop_tag()
    for dialog in [*_dialogs(tree), *_amp_furniture(tree)]:
        dialog.drop_tree()  # a dialog inside another one goes from a subtree already out of the page: harmless
    for container in _marked_as_comments(tree):  # the dialogs gone held no headline: it is the same one
        container.set("class", " ".join(word for word in container.get("class", "").split() if not _COMMENT_CLASS.search(word)))
    for table in _layout_tables(tree):
        for part in [table, *table.xpath(_OWN_TABLE_PARTS)]:
            part.tag = "div"
    return tree


def _headline_links(tree: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    """Links in the headline (to the article itself): trafilatura reads a heading that is a link as another story's."""
    headline = tree.find(".//h1")
    return [] if headline is None else list(headline.iter("a"))


def _layout_tables(tree: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    """Tables setting out the page, not data: a cell of theirs holds a headline or a subheading, or several paragraphs.

    trafilatura reads a table as rows of cells, so an article laid out in one came out as a
    single line ("| Headline Text ... |"); read as the blocks they are, its paragraphs stay apart.
    """
    return tree.xpath(_LAYOUT_TABLES_XPATH)


def _dialogs(tree: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    return tree.xpath(_DIALOGS_XPATH)


def _amp_furniture(tree: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    return list(tree.iter(*_AMP_FURNITURE))  # by tag name: a page without them is passed over at once


def _marked_as_comments(tree: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    """The headline's containers whose class names comments."""
    headline = tree.find(".//h1")
    if headline is None:
        return []
    return [element for element in headline.iterancestors() if _COMMENT_CLASS.search(element.get("class") or "")]


def extract_body(
    tree: lxml.html.HtmlElement,
    url: str,
    level: str = "best",
    titles: Sequence[str] = (),
    authors: Sequence[str] = (),
    description: str | None = None,
    html: str | None = None,
    declared_body: str | None = None,
    publishers: Sequence[str] = (),
) -> Body:
    """The body of the page; ``level="fast"`` is one plain trafilatura pass without fallbacks.

    ``titles`` and ``authors`` are what the page states, so the text does not repeat them;
    the ``description`` it states opens the text when the page shows it as a standfirst.
    At the ``best`` level the paragraphs are put to the vote of other extractors (they
    read ``html``, the page as text) and of the ``declared_body`` (JSON-LD ``articleBody``),
    and the text's closing pitch by the site (named by ``publishers``) to its reader goes.
    """
    if level != "fast" and (readable := readable_page(tree)) is not tree:
        tree, html = readable, None if html is None else lxml.html.tostring(readable, encoding="unicode")
    balanced, comments = _run(tree, url, fast=True)
    text, extractor, options = balanced, f"{TRAFILATURA} (fast)", {"fast": True}
    if level != "fast":
        precise, _ = _run(tree, url, fast=True, favor_precision=True)
        if len(precise) >= PRECISION_SHARE * len(balanced):
            text, extractor, options = precise, f"{TRAFILATURA} (precision)", {"fast": True, "favor_precision": True}
        voters = voter_texts(tree, html) if html is not None else []
        truncated = len(text) < TRUNCATED_SHARE * max(page_prose_chars(tree), MIN_PAGE_PROSE_CHARS)
        # Let trafilatura compare with its fallback extractors; their result wins when the
        # fast passes were clearly truncated or it holds far more text, unless it is padded.
        # Its fallbacks are readability and jusText again: it is asked only when the voters
        # (the same algorithms) found far more text, or the fast passes were cut short.
        if truncated or not voters or max(map(len, voters)) > FALLBACK_GATE * len(text):
            rescued, rescued_comments = _run(tree, url, fast=False)
            if len(rescued) > len(text) and not looks_padded(rescued) and (truncated or len(rescued) > FALLBACK_GAIN * len(text)):
                text, comments, extractor, options = rescued, rescued_comments or comments, f"{TRAFILATURA} (fallback)", {"fast": False}
        if group := continuations(tree, text):
            joined, _ = _run(joined_containers(tree, group), url, **options)
            if len(joined) > len(text):
                text, extractor = joined, f"{extractor} (joined)"
        if html is not None:
            # The vote comes before the standfirst: extractors leave the article's header out.
            lines = [line for line in text.split("\n") if line.strip()]
            wider = [line for line in balanced.split("\n") if line.strip()] if text is precise else ()
            agreed = agreed_lines(lines, [*voters, declared_body or ""], wider, under_headline(tree), shown_as_subheading(tree, lines))
            if agreed != lines:
                text, extractor = "\n".join(agreed), f"{extractor} (consensus)"
        if (lead := shown_lead(tree, description) or headline_lead(balanced, text, titles)) and not _holds(text, lead):
            text = f"{lead}\n{text}"
    lines = text.split("\n") if level == "fast" else without_markup(tree, text.split("\n"))
    lines = strip_furniture(_without_title(lines, titles), authors)
    if level != "fast":
        lines = without_trailing_links(tree, without_shown_comments(tree, without_sign_up_boxes(tree, lines)))
        lines = without_self_promotion(without_linked_ending(tree, lines), publishers)
    return Body("\n\n".join(lines), comments.strip() or None, extractor)


def under_headline(tree: lxml.html.HtmlElement) -> Callable[[str], bool]:
    """A test of whether a text opens with words the page shows after its (first) headline (never, without a
    headline); the page's text after the headline is read once, at the first question (most pages ask none)."""
    headline = tree.find(".//h1")
    if headline is None:
        return lambda text: False

    @functools.cache
    def shown_after() -> str:
        return " ".join(" ".join(headline.xpath("following::text()")).split())

    return lambda text: " ".join(text.split()[:MAX_OPENING_WORDS]) in shown_after()


def shown_as_subheading(tree: lxml.html.HtmlElement, lines: Sequence[str]) -> Callable[[str], bool]:
    """A test of whether a text is one the page shows as a heading below its headline (<h2> to <h6>), where the
    ``lines`` hold none of them: trafilatura then read the paragraphs alone, without the headings between them,
    rather than judging one heading furniture. The page's headings are read once, at the first question."""

    @functools.cache
    def headings() -> frozenset[str]:
        shown = frozenset(fold(" ".join(heading.text_content().split())) for heading in tree.iter(*_SUBHEADINGS))
        return frozenset() if any(fold(line) in shown for line in lines) else shown

    return lambda text: fold(" ".join(text.split())) in headings()


def shown_lead(tree: lxml.html.HtmlElement, description: str | None) -> str | None:
    """The standfirst: the page's description where the page shows it as a paragraph of its own.

    Extractors often drop it (it sits in the article's header, beside the headline),
    yet it is the article's first paragraph. A truncated description ("...") matches
    the start of the shown text; a description shown only as a heading is a subtitle.
    """
    if not description or len(description.split()) < MIN_LEAD_WORDS:
        return None
    wanted = fold(description)
    # XPath narrows the elements to short ones opening with the description's first word.
    shown = tree.xpath(_LEAD_XPATH, first=description.split()[0], longest=int(LEAD_SLACK * len(description)))
    texts = {element: " ".join(element.text_content().split()) for element in shown}
    holders = [element for element in shown if fold(texts[element]).startswith(wanted)]
    outside = {holder for holder in holders if holder.xpath(_OUTSIDE_LEAD)}
    # An element around one showing the description in a caption is that picture's box, not a standfirst.
    boxes = {ancestor for holder in outside for ancestor in holder.iterancestors()}
    lead = next((element for element in holders if element not in outside and element not in boxes), None)
    return None if lead is None else _opening_blocks(lead, wanted) or texts[lead]


def _opening_blocks(element: lxml.html.HtmlElement, wanted: str) -> str | None:
    """The element's first blocks that hold this folded text, without the blocks after them (an ad's label, a
    picture's caption) that its text would glue on ("... Festland.Advertisement")."""
    lines: list[str] = []
    for line in html_to_lines(lxml.html.tostring(element, encoding="unicode", with_tail=False)).split("\n"):
        lines.append(line)
        if fold(" ".join(lines)).startswith(wanted):
            return " ".join(lines)
    return None


def headline_lead(balanced: str, text: str, titles: Sequence[str]) -> str | None:
    """The standfirst set between the headline and the text's first line in trafilatura's balanced pass.

    Where the page states no description, nothing names the standfirst; the other
    extractors leave the article's header out, and the vote cuts it. A sentence the
    balanced pass keeps right under the headline and right before the text's first
    line is the header's own paragraph: the standfirst (a kicker or a byline there
    is short, or ends without a sentence's mark). Such short lines may stand between the
    headline and the standfirst too (a dateline, an "Updated" label whose time was dropped).
    """
    lines = [line.strip() for line in balanced.split("\n") if line.strip()]
    first = next((fold(line) for line in text.split("\n") if line.strip()), None)
    headlines = {fold(title) for title in titles}
    at = next((index for index, line in enumerate(lines) if fold(line) in headlines), None)
    if first is None or at is None:
        return None
    opening = next((index for index in range(at + 2, min(at + 3 + MAX_HEADER_LINES, len(lines))) if fold(lines[index]) == first), None)
    if opening is None or any(_reads_as_lead(line) for line in lines[at + 1 : opening - 1]):
        return None
    lead = lines[opening - 1]
    return lead if _reads_as_lead(lead) else None


def _reads_as_lead(line: str) -> bool:
    return word_count(line) >= MIN_LEAD_WORDS and ends_sentence(line)


def without_markup(tree: lxml.html.HtmlElement, lines: list[str]) -> list[str]:
    """The lines with HTML written into their text read as HTML: its text, a line per block, no embed code.

    Where the page's own text eludes it, trafilatura falls back on the JSON-LD articleBody,
    which some sites fill with HTML (paragraphs, an infographic's <iframe>); a reader
    must never find that markup in the archive. Markup the page shows as text (an
    article quoting a tag) is the article's own and stays.
    """
    read: list[str] = []
    shown: str | None = None  # the page's text outside scripts, read once a line holds markup
    for line in lines:
        tags = _MARKUP.findall(line)
        if tags and shown is None:
            shown = " ".join(tree.xpath(_SHOWN_TEXT))
        if not tags or all(tag in shown for tag in tags):
            read.append(line)
            continue
        try:
            read.extend(part for part in html_to_lines(line).split("\n") if part)
        except (lxml.etree.ParserError, ValueError):  # a lone closing tag, a control character: no document
            read.extend(filter(None, [" ".join(_MARKUP.sub(" ", line).split())]))
    return read


def without_sign_up_boxes(tree: lxml.html.HtmlElement, lines: list[str]) -> list[str]:
    """The lines without those a sign-up box shows: trafilatura drops a form but keeps the heading over it ("Get the
    morning briefing"). Taken out of the text, not the page: a page without the box may read otherwise.
    """
    boxes = _sign_up_boxes(tree)
    shown = {" ".join(element.text_content().split()) for box in boxes for element in box.iter() if isinstance(element.tag, str)}
    shown.discard("")
    return [line for line in lines if " ".join(line.split()) not in shown] if shown else lines


def _sign_up_boxes(tree: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    """A form's field for an e-mail address, with the outermost of its containers that holds little more (the
    form's buttons, a heading, a line of pitch) and not the headline. A form wrapping the whole page (as ASP.NET's
    do) is no box."""
    fields = list(itertools.islice((field for field in tree.iter("input") if _asks_for_email(field)), MAX_SIGN_UP_FIELDS))
    if not fields:  # most pages: nothing more to read
        return []
    headline_holders = {holder for headline in tree.iter("h1") for holder in headline.iterancestors()}
    boxes = []
    for field in fields:
        box = field
        for container in field.iterancestors():
            if container.tag in ("body", "html") or container in headline_holders or not _holds_little_else(container, box):
                break
            box = container
        boxes.append(box)
    return boxes


def _asks_for_email(field: lxml.html.HtmlElement) -> bool:
    return field.get("type") == "email" or any("email" in (field.get(name) or "").lower() for name in ("name", "placeholder"))


def _holds_little_else(container: lxml.html.HtmlElement, box: lxml.html.HtmlElement) -> bool:
    """Whether a container holds, besides the ``box`` within it, only a few short lines (a heading, a label, a
    line of pitch), none as long as a paragraph: a standfirst beside a sign-up form is the article's.

    Each element beside the box is measured once as the box grows, so a field is measured in
    the page's size at most."""
    if len(container) > MAX_SIGN_UP_BOX_CHILDREN:
        return False
    pieces = [container.text or ""]
    for child in container:
        shown = child.text_content() if isinstance(child.tag, str) and child is not box else ""
        pieces += [shown, child.tail or ""]
    lengths = [len(" ".join(piece.split())) for piece in pieces]
    return max(lengths) < MIN_PARAGRAPH_CHARS and sum(lengths) <= MAX_SIGN_UP_BOX_CHARS


def without_trailing_links(tree: lxml.html.HtmlElement, lines: list[str]) -> list[str]:
    """The lines without a list of links ending them: related stories whose heading the extractor dropped.

    The list is a run of list items after the article's last paragraph, each one an
    <li> of the page holding a link; a longer run is the page's own content (an index).
    """
    run = 0
    while run < len(lines) - 1 and lines[-1 - run].startswith(_LIST_ITEM):
        run += 1
    if not MIN_TRAILING_LINKS <= run <= MAX_TRAILING_LINKS:
        return lines
    items = {fold(item.text_content()): item for item in tree.iter("li")}
    for line in lines[-run:]:
        item = items.get(fold(line[len(_LIST_ITEM) :]))
        if item is None or not item.xpath(".//a[@href]"):
            return lines
    return lines[:-run]


# The blocks a line of text is read from below a heading.
_BLOCKS_AFTER_XPATH = "following::*[self::p or self::li or self::blockquote or self::dd or self::div[not(p or div or ul or ol)]]"
_BLOCKS_BEFORE_XPATH = _BLOCKS_AFTER_XPATH.replace("following::", "preceding::")


def without_shown_comments(tree: lxml.html.HtmlElement, lines: list[str]) -> list[str]:
    """The lines without those ending the text that the page shows under a reader-comment heading the extractor dropped.

    The heading is what sets the comments apart, and trafilatura keeps it on one path
    through a page and drops it on another (a container's class decides), so it is looked
    for in the page too: the lines ending the text that the page shows only after the
    heading go, when enough text comes before them to be the article.
    """
    heading = next((element for element in tree.iter(*_SUBHEADINGS) if is_comments_heading(element.text_content())), None)
    if heading is None:
        return lines
    after = {fold(block.text_content()) for block in heading.xpath(_BLOCKS_AFTER_XPATH)}
    if not lines or fold(lines[-1]) not in after:
        return lines  # the text ends before the comments (most pages): the page before the heading needs no reading
    after -= {fold(block.text_content()) for block in heading.xpath(_BLOCKS_BEFORE_XPATH)}
    end = len(lines)
    while end > 0 and fold(lines[end - 1]) in after:
        end -= 1
    if end == len(lines) or sum(len(line) for line in lines[:end]) < MIN_CHARS_BEFORE_COMMENTS:
        return lines
    return lines[:end]


def without_linked_ending(tree: lxml.html.HtmlElement, lines: list[str]) -> list[str]:
    """The lines without those ending the text that are wholly a link's text: teasers of other pages.

    Only the end: before the article, a linked line is a section's kicker or a dateline,
    which people count as the article's as often as not. (Dropping the short line left
    above such links, their heading, cut check's F1.)
    """
    links = {fold(link.text_content()) for link in tree.iter("a") if (link.get("href") or "#")[0] != "#"} - {""}
    links |= pointer_lines(tree)
    end = len(lines)
    while end > 1 and " " in (text := fold(lines[end - 1].removeprefix(_LIST_ITEM))) and text in links:
        end -= 1
    return lines[:end]


# A link's whole text when it only points ("Alles über Wanderschuhe findest Du hier.", "listen back here").
_POINTER = re.compile(
    r"\W*(?:here|hier|ici|aquí|aqui|qui|qua|tutaj|zde|tady|här|her|täällä|itt|aici|burada|здесь|тут|εδώ|هنا)\W*",
    re.IGNORECASE,
)
_POINTER_LINKS_XPATH = "//a[@href][string-length(normalize-space()) <= 8]"
# The elements a pointer's paragraph is (a table's cell, not its row: consensus's line-breaking blocks differ).
_BLOCK_TAGS = frozenset({"p", "li", "div", "td", "dd", "blockquote", "section", "article", "h2", "h3", "h4", "h5", "h6"})


def pointer_lines(tree: lxml.html.HtmlElement) -> set[str]:
    """The (folded) short paragraphs that end in a link whose text only points ("here"): a pointer to another page.

    Ending the text, such a line sends the reader elsewhere (a guide, a podcast, the
    site's methods): it is the site's, not the article's.
    """
    found = set()
    for link in tree.xpath(_POINTER_LINKS_XPATH):
        if not _POINTER.fullmatch(link.text_content()):
            continue
        block = next((element for element in link.iterancestors() if element.tag in _BLOCK_TAGS), None)
        # A paragraph has few elements; a container of many is no line (and reading each one's text for each of
        # its links would be quadratic on a hostile page of nested blocks).
        if block is None or next(itertools.islice(block.iter(), MAX_POINTER_ELEMENTS, None), None) is not None:
            continue
        text = " ".join(block.text_content().split())
        if word_count(text) <= MAX_POINTER_WORDS and fold(text).endswith(fold(link.text_content())):  # fold drops the punctuation
            found.add(fold(text))
    return found


def _holds(text: str, lead: str) -> bool:
    """Whether the text already holds the lead (its first words, spacing and punctuation aside)."""
    return " ".join(fold(lead).split()[:MIN_LEAD_WORDS]) in fold(text)


def _long_paragraphs(element: lxml.html.HtmlElement) -> list[str]:
    """Texts of the paragraphs an element holds directly that are long enough to be prose (pages set them in <p>s,
    in <div>s, or in <p>s each wrapped in a <div>)."""
    texts = (paragraph.text_content() for child in element if (paragraph := _paragraph(child)) is not None)
    return [text for text in texts if len(text.strip()) >= MIN_PARAGRAPH_CHARS]


def _paragraph(element: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    """The paragraph an element is: a <p>, a <div> holding no block, or the one <p> a <div> wraps."""
    if element.tag == "p":
        return element
    if element.tag != "div":
        return None
    wrapped = None
    for child in element:  # stops at the first block that is not the one wrapped <p> (pages have many <div>s)
        if child.tag in _BLOCK_TAGS:
            if wrapped is not None or child.tag != "p":
                return None
            wrapped = child
    return element if wrapped is None else wrapped


def continuations(tree: lxml.html.HtmlElement, text: str) -> list[lxml.html.HtmlElement]:
    """The body's container and its continuations, when the article is split into several.

    Pages break a long article into containers of the same tag and class (numbered
    tokens aside: "block-3") with advertisements between them; trafilatura keeps the first. The container is the
    element whose paragraphs the text holds most of. The split is clean when every
    other element of its kind comes after it and holds several long paragraphs, none
    of them in the text; a page with many such elements lists teasers instead.
    """
    extracted = {fold(line) for line in text.split("\n")}
    best, best_found = None, 0
    kinds: dict[tuple[str, str], list[lxml.html.HtmlElement]] = {}
    for element in tree.iter():
        if not isinstance(element.tag, str) or not element.get("class"):
            continue
        if (paragraphs := _long_paragraphs(element)) and not element.xpath(_OUTSIDE_PROSE):
            kinds.setdefault(_kind(element), []).append(element)
            found = sum(fold(paragraph) in extracted for paragraph in paragraphs)
            if found > best_found:
                best, best_found = element, found
    if best is None:
        return []
    group = kinds[_kind(best)]
    rest = group[group.index(best) + 1 :]
    if group[0] is not best or not rest or len(group) > MAX_CONTAINERS:
        return []
    for element in rest:
        paragraphs = _long_paragraphs(element)
        if len(paragraphs) < MIN_CONTINUATION_PARAGRAPHS or any(fold(paragraph) in extracted for paragraph in paragraphs):
            return []
    return group


def _kind(element: lxml.html.HtmlElement) -> tuple[str, str]:
    """An element's tag and class, without the class tokens that number it among its kind ("block-3", "u17")."""
    tokens = element.get("class", "").split()
    named = [token for token in tokens if not any(char.isdigit() for char in token)]
    return element.tag, " ".join(sorted(named or tokens))


def joined_containers(tree: lxml.html.HtmlElement, group: list[lxml.html.HtmlElement]) -> lxml.html.HtmlElement:
    """A copy of the page where the children of every container of the group are moved into the first."""
    index = {element: position for position, element in enumerate(tree.iter())}
    joined = copy.deepcopy(tree)
    copied = list(joined.iter())
    first, *rest = (copied[index[element]] for element in group)
    for element in rest:
        if first in element.iterancestors() or element in first.iterancestors():
            continue
        first.extend(list(element))
        element.getparent().remove(element)
    return joined


def _without_title(lines: list[str], titles: Sequence[str]) -> list[str]:
    """The lines without a leading repeat of the headline (the title has its own field), also where a line
    break (<br>) in the headline set it on two lines or a kicker in it was glued to its first word, or
    short lines over it (a kicker, a section's name, a date) came first: over the headline, they are its
    header's, never the article's sentences."""
    lines = [line.strip() for line in lines if line.strip()]
    headlines = {squashed(title) for title in titles}
    for at in range(min(MAX_LINES_OVER_HEADLINE, len(lines) - 1) + 1):
        if at and word_count(lines[at - 1]) > MAX_WORDS_OVER_HEADLINE:
            break
        if squashed(lines[at]) in headlines:
            return lines[at + 1 :]
        if at + 1 < len(lines) and squashed(f"{lines[at]} {lines[at + 1]}") in headlines:
            return lines[at + 2 :]
    return lines
