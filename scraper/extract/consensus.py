"""The body's paragraphs by agreement: independent extractors vote, and a paragraph most of them lack goes.

At the ``best`` level the text trafilatura's passes chose is checked against other
well-kept extractors built on different ideas: readability-lxml (the Readability
scoring of containers), jusText (paragraph classification by length, link density and
stop words), Resiliparse (a DOM main-content heuristic in C++; boilerpy3 voted about as
well on the dev pages at six times its CPU), and the ``articleBody`` the page declares in
JSON-LD where it declares one. Each is one vote. A voter that misses most of trafilatura's text found a
different part of the page (or nothing) and abstains. The paragraphs that a majority of
trafilatura and the remaining voters contain mark the article (a one-word line only next
to a longer one: voters hold a menu's words wherever the article uses them); in trafilatura's order,
what lies before the first of them and after the last goes (furniture extractors
disagree on: a byline box, a newsletter note, a teaser), what lies between them stays.
Between them, a sentence that trafilatura dropped and every competent voter holds goes
back in where the voters place it (trafilatura cuts a paragraph it takes for a box), and so
does a long sentence every competent voter (or most, under the page's headline) holds right
before the text's first line: the standfirst trafilatura left in the article's header. Texts are compared as word triples; in
scripts written without spaces (Chinese, Japanese, Thai) a character is a word, so a voter
that sets a link's words apart with spaces still holds the same text.
"""

from __future__ import annotations

import copy
import functools
import logging
import re
from collections import Counter
from collections.abc import Callable, Sequence

import justext
import lxml.html
import readability.readability
import trafilatura.external
from justext.core import GOOD_OR_BAD, MAX_HEADING_DISTANCE_DEFAULT, ParagraphMaker, PathInfo, classify_paragraphs, preprocessor
from justext.paragraph import Paragraph
from readability import Document
from resiliparse.extract.html2text import extract_plain_text

from scraper.extract.folding import fold
from scraper.extract.text import ends_sentence

# A paragraph is in a voter's text when this share of its word triples is.
CONTAINED_SHARE = 0.5
# A voter holding less than this share of trafilatura's word triples found something else and abstains.
COMPETENT_SHARE = 0.5
# Fewer competent voters than this, and trafilatura's text stands as it is.
MIN_VOTERS = 2
SHINGLE = 3
MAX_SHORT_SEARCHES = 100  # short paragraphs looked for in a voter's whole text before its short runs are gathered
# A paragraph the voters add has at least this many words: shorter lines are labels and buttons.
MIN_ADDED_WORDS = 6
# A subheading the voters put back has at least this many words ("Advertisement" set as a heading has one).
MIN_SUBHEADING_WORDS = 2
# A standfirst the voters put back before the text's first line is a sentence of at least this many words.
MIN_LEAD_WORDS = 20
# Block elements that end a line when a voter's HTML result is turned into text.
_BLOCKS = {
    "p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "tr", "br", "section",
    "article", "ul", "ol", "table", "figure", "figcaption", "dd", "dt", "header", "footer",
}
# The extractors log page-level complaints (empty documents, no candidates) at warning level.
for _name in ("readability", "readability.readability", "justext"):
    logging.getLogger(_name).setLevel(logging.ERROR)
# readability-lxml's cleaner rewrites every link of the page to drop "javascript:" URLs, half
# of its time here; the voter reads only text, which no link changes (same output on the
# corpus), so its cleaner skips that step.
readability.readability.html_cleaner = copy.copy(readability.readability.html_cleaner)
readability.readability.html_cleaner.javascript = False


@functools.cache
def _stop_words() -> frozenset[str]:
    """jusText's stop words of all its languages at once: pages come in any language."""
    return frozenset().union(*(justext.get_stoplist(language) for language in justext.get_stoplists()))


def readability_text(tree: lxml.html.HtmlElement, html: str) -> str:
    """What readability-lxml keeps (it prunes the tree it is given, so it gets a copy)."""
    return html_to_lines(Document(copy.deepcopy(tree)).summary(html_partial=True))


_WHITESPACE = re.compile(r"\s+")
_BREAKING_WHITESPACE = re.compile(r"\s*[\n\r]\s*")
_NON_BREAKING_WHITESPACE = re.compile(r"[^\S\n]+")


def normalize_whitespace(text: str) -> str:
    """jusText's ``normalize_whitespace`` (a run of spaces becomes one, or one line feed where it breaks
    a line) without its Python callback for every run: an eighth of the voter's time on the corpus."""
    if "\n" in text or "\r" in text:
        return _NON_BREAKING_WHITESPACE.sub(" ", _BREAKING_WHITESPACE.sub("\n", text))
    return _WHITESPACE.sub(" ", text)


class _Paragraph(Paragraph):
    """A jusText paragraph made for less: its place in the page is kept as it stands and spelled
    out only when asked, and its text is joined once.

    jusText spells out the place (two strings) of every paragraph it starts, half a million on
    the dev pages though most hold no text; and it joins and normalises the text on every read,
    a dozen reads a paragraph while classifying. Same output on every corpus page.
    """

    text = ""  # shadows the property; set once the page is read

    def __init__(self, path: PathInfo) -> None:  # jusText's, without spelling out the place
        self.place = tuple(path._elements)
        self.text_nodes: list[str] = []
        self.chars_count_in_links = 0
        self.tags_count = 0
        self.class_type = ""

    def append_text(self, text: str) -> str:
        text = normalize_whitespace(text)
        self.text_nodes.append(text)
        return text

    @property
    def dom_path(self) -> str:
        return ".".join(element[0] for element in self.place)

    @property
    def xpath(self) -> str:
        return "/" + "/".join("%s[%d]" % element[:2] for element in self.place)


class _ParagraphMaker(ParagraphMaker):
    """jusText's paragraph maker, starting a :class:`_Paragraph` for each paragraph.

    trafilatura's jusText fallback makes its paragraphs with it too (below): spelling out the
    place of every paragraph is quadratic in the page's depth (7 s for 8,000 nested elements).
    """

    @classmethod
    def make_paragraphs(cls, root: lxml.html.HtmlElement) -> list[Paragraph]:
        paragraphs = super().make_paragraphs(root)
        for paragraph in paragraphs:
            paragraph.text = normalize_whitespace("".join(paragraph.text_nodes).strip())
        return paragraphs

    def _start_new_pragraph(self) -> None:
        # jusText keeps a paragraph whose joined text is not blank (one holding only a <br>'s space is).
        if self.paragraph is not None and "".join(self.paragraph.text_nodes).strip():
            self.paragraphs.append(self.paragraph)
        self.paragraph = _Paragraph(self.path)


def justext_text(tree: lxml.html.HtmlElement, html: str) -> str:
    """The paragraphs jusText classifies as good (its preprocessor cleans a copy of the tree)."""
    paragraphs = _ParagraphMaker.make_paragraphs(preprocessor(tree))
    classify_paragraphs(paragraphs, _stop_words())
    revise_classification(paragraphs)
    return "\n".join(paragraph.text for paragraph in paragraphs if not paragraph.is_boilerplate)


def revise_classification(paragraphs: list[Paragraph], max_heading_distance: int = MAX_HEADING_DISTANCE_DEFAULT) -> None:
    """jusText's context-sensitive classification (``justext.core.revise_paragraph_classification``) in linear time.

    Its own walks from every short paragraph to the nearest long one on each side:
    quadratic in a run of short ones, 1.5 s of a page of 18,000 (and a stall on a
    hostile page of a hundred thousand). Here each side's nearest class is carried along
    one pass; the result is the same, paragraph for paragraph. trafilatura's jusText
    fallback uses it too (below).
    """
    # jusText's first pass over headings reads classes not yet copied, so it never changes one.
    for paragraph in paragraphs:
        paragraph.class_type = paragraph.cf_class
    classes = [paragraph.class_type for paragraph in paragraphs]
    before, after = _nearest(classes, GOOD_OR_BAD), _nearest(classes[::-1], GOOD_OR_BAD)[::-1]
    near_before, near_after = _nearest(classes, _NEAR), _nearest(classes[::-1], _NEAR)[::-1]
    for index, paragraph in enumerate(paragraphs):
        if classes[index] != "short":
            continue
        sides = (before[index], after[index])
        if sides in (("good", "good"), ("bad", "bad")):
            paragraph.class_type = sides[0]
        elif (sides[0] == "bad" and near_before[index] == "neargood") or (sides[1] == "bad" and near_after[index] == "neargood"):
            paragraph.class_type = "good"
        else:
            paragraph.class_type = "bad"
    # Near-good paragraphs are revised in order, each seeing the ones before it revised.
    classes = [paragraph.class_type for paragraph in paragraphs]
    after = _nearest(classes[::-1], GOOD_OR_BAD)[::-1]
    previous = "bad"
    for index, paragraph in enumerate(paragraphs):
        if paragraph.class_type == "neargood":
            paragraph.class_type = "bad" if (previous, after[index]) == ("bad", "bad") else "good"
        if paragraph.class_type in GOOD_OR_BAD:
            previous = paragraph.class_type
    _good_headings(paragraphs, max_heading_distance)


_NEAR = frozenset({"good", "bad", "neargood"})


def _nearest(classes: list[str], wanted: frozenset[str] | set[str]) -> list[str]:
    """For each position, the last of the wanted classes strictly before it ("bad" at the start)."""
    found, last = [], "bad"
    for class_type in classes:
        found.append(last)
        if class_type in wanted:
            last = class_type
    return found


def _good_headings(paragraphs: list[Paragraph], max_heading_distance: int) -> None:
    """Headings revised to bad that a good paragraph follows within jusText's distance are good."""
    for index, paragraph in enumerate(paragraphs):
        if not (paragraph.heading and paragraph.class_type == "bad" and paragraph.cf_class != "bad"):
            continue
        following, distance = index + 1, 0
        while following < len(paragraphs) and distance <= max_heading_distance:
            if paragraphs[following].class_type == "good":
                paragraph.class_type = "good"
                break
            distance += len(paragraphs[following].text)
            following += 1


# trafilatura's jusText fallback makes and classifies its paragraphs the same way: a page of many
# short paragraphs, or a deep one, no longer holds the page's worker until its time limit.
trafilatura.external.revise_paragraph_classification = revise_classification
trafilatura.external.ParagraphMaker = _ParagraphMaker


def resiliparse_text(tree: lxml.html.HtmlElement, html: str) -> str:
    """Resiliparse's main content, without comments, alt texts or link targets."""
    return extract_plain_text(html, main_content=True, alt_texts=False, links=False, noscript=False, comments=False)


VOTERS: dict[str, Callable[[lxml.html.HtmlElement, str], str]] = {
    "readability-lxml": readability_text,
    "jusText": justext_text,
    "Resiliparse": resiliparse_text,
}


def html_to_lines(fragment: str) -> str:
    """An HTML fragment's text, one line per block element; no script or style code."""
    if not fragment.strip():
        return ""
    tree = lxml.html.fromstring(fragment)
    for code in tree.xpath("//script | //style | //noscript | //template"):
        code.drop_tree()  # its tail, the text after it, stays
    for element in tree.iter():
        if isinstance(element.tag, str) and element.tag in _BLOCKS:
            element.tail = "\n" + (element.tail or "")
            if element.tag != "br":
                element.text = "\n" + (element.text or "")
    return "\n".join(" ".join(line.split()) for line in tree.text_content().split("\n") if line.strip())


def voter_texts(tree: lxml.html.HtmlElement, html: str) -> list[str]:
    """The text every voter finds in the page; a voter that fails on the page gives none."""
    texts = []
    for voter in VOTERS.values():
        try:
            texts.append(voter(tree, html) or "")
        except Exception:  # a third-party extractor failing on a hostile page costs one vote, never the page
            texts.append("")
    return texts


# Scripts written without spaces between words (Chinese, Japanese, Thai): each character is a token there.
_UNSPACED = "\u0e00-\u0e7f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKEN = re.compile(f"[{_UNSPACED}]|[^\\s{_UNSPACED}]+")
_UNSPACED_CHAR = re.compile(f"[{_UNSPACED}]")


def _words(text: str) -> list[str]:
    """The text's folded tokens: its words, and each character of a script written without spaces."""
    return _TOKEN.findall(fold(text))


def _length(words: list[str]) -> int:
    """How many words these tokens make, two characters of a script without spaces counting as one (as ``word_count``)."""
    characters = sum(1 for word in words if _UNSPACED_CHAR.fullmatch(word))
    return len(words) - characters + characters // 2


class _Votes:
    """One voter's text as a set of word triples, to ask whether it contains a paragraph."""

    def __init__(self, text: str) -> None:
        # Each paragraph's folded words, kept for placing them; together they are the text's own.
        self.paragraphs = [(paragraph, _words(paragraph)) for paragraph in text.split("\n")]
        words = [word for _, paragraph_words in self.paragraphs for word in paragraph_words]
        self.words = words
        self.triples = _triples(words)
        self.flat = f" {' '.join(words)} "
        self.short_searches = 0

    @functools.cached_property
    def short_runs(self) -> set[tuple[str, ...]]:
        """Its runs of fewer words than a triple: after ``MAX_SHORT_SEARCHES`` short paragraphs searched for in the
        whole text, a set is cheaper (a page of 6,000 teasers of three short lines each took seconds)."""
        return set().union(*(_runs(self.words, size) for size in range(1, SHINGLE)))

    def holds(self, words: list[str], triples: set[tuple[str, ...]] | None = None) -> bool:
        """Whether this text contains the paragraph of these (folded) words, whose triples may be given."""
        if len(words) < SHINGLE:
            if not words:
                return True
            self.short_searches += 1
            return tuple(words) in self.short_runs if self.short_searches > MAX_SHORT_SEARCHES else f" {' '.join(words)} " in self.flat
        triples = triples if triples is not None else _triples(words)
        return len(triples & self.triples) >= CONTAINED_SHARE * len(triples)


def _triples(words: list[str]) -> set[tuple[str, ...]]:
    if len(words) < SHINGLE:
        return {tuple(words)} if words else set()
    return _runs(words, SHINGLE)


def _runs(words: list[str], size: int) -> set[tuple[str, ...]]:
    """The runs of this many consecutive words."""
    return set(zip(*(words[offset:] for offset in range(size))))


def agreed_lines(
    lines: Sequence[str],
    voters: Sequence[str],
    wider: Sequence[str] = (),
    under_headline: Callable[[str], bool] = lambda text: False,
    subheading: Callable[[str], bool] = lambda text: False,
) -> list[str]:
    """The lines from the first to the last that a majority of trafilatura (whose lines they are)
    and the competent voters contain, with the paragraphs (and the subheadings the page shows, ``subheading``)
    inside that span which trafilatura dropped and every competent voter holds, and the standfirst
    before them that every voter holds, or most where ``under_headline`` tells it stands under
    the page's headline."""
    base = _Votes("\n".join(lines))
    if not base.triples:
        return list(lines)
    needed = COMPETENT_SHARE * len(base.triples)
    competent = [(text, votes) for text in voters if text and len((votes := _Votes(text)).triples & base.triples) >= needed]
    if len(competent) < MIN_VOTERS:
        return list(lines)
    electorate = len(competent) + 1
    folded = [(words, _triples(words)) for words in map(_words, lines)]  # each line folded once, for every voter
    agreed = [1 + sum(votes.holds(*line) for _, votes in competent) > electorate / 2 for line in folded]
    # A line of one word is in a voter's text wherever the voter uses the word (a menu's city
    # names): it marks where the article begins or ends only next to an agreed line of several.
    marks_edge = [held and len(words) > 1 for held, (words, _) in zip(agreed, folded)]
    if not any(marks_edge):
        return list(lines)
    # Only the runs at the text's edges go: furniture leaks in before and after the article
    # (bylines, boxes, related links), while a paragraph between agreed ones is the article's
    # own even where the voters split it off (a box, a list, a quote).
    first, last = marks_edge.index(True), len(marks_edge) - 1 - marks_edge[::-1].index(True)
    while first and agreed[first - 1]:
        first -= 1
    while last < len(lines) - 1 and agreed[last + 1]:
        last += 1
    kept = with_dropped_paragraphs(list(lines[first : last + 1]), competent, under_headline, subheading)
    return with_wider_lines(kept, wider, competent) if wider else kept


def with_wider_lines(lines: list[str], wider: Sequence[str], competent: Sequence[tuple[str, _Votes]]) -> list[str]:
    """The lines with those of trafilatura's wider pass between two of them that every competent voter holds.

    Its precision pass drops subheadings and closing sentences the balanced pass keeps;
    such a line goes back where the balanced pass has it. (A majority was not enough:
    the dev pages' leaks rose and check's body F1 fell.)
    """
    own = {fold(line): index for index, line in enumerate(lines)}
    added: dict[int, list[str]] = {}
    anchor, pending = None, []
    for line in wider:
        folded = fold(line)
        if folded in own:
            if anchor is not None and own[folded] > anchor:
                added.setdefault(anchor, []).extend(pending)
            anchor, pending = own[folded], []
        elif anchor is not None and _held_by_all(folded, competent):
            pending.append(line)
    if not added:
        return lines
    return [line for index, kept in enumerate(lines) for line in (kept, *added.get(index, []))]


def _held_by_all(folded: str, competent: Sequence[tuple[str, _Votes]]) -> bool:
    """Whether every competent voter holds the line of this folded text (folded once, not once per voter)."""
    words = _TOKEN.findall(folded)  # as _words(line) gives, from the fold already made
    triples = _triples(words)
    return all(votes.holds(words, triples) for _, votes in competent)


def with_dropped_paragraphs(
    lines: list[str],
    competent: Sequence[tuple[str, _Votes]],
    under_headline: Callable[[str], bool] = lambda text: False,
    subheading: Callable[[str], bool] = lambda text: False,
) -> list[str]:
    """The lines with the paragraphs trafilatura dropped from the article's middle, or as its standfirst, and every voter kept.

    A voter's paragraph missing from the lines goes in where that voter places it between
    two of them, never after the last (the edges are where furniture is) and before the
    first only when it is the voter's paragraph right before it, short lines aside ("Jane
    Roe reports."), and a long sentence (a standfirst; a teaser or a caption there is
    short). Every competent voter must hold it (a standfirst: most of them, where
    ``under_headline`` finds it under the page's headline), and it must read as a
    sentence of some length: labels, captions and teasers' headlines do not; or, between two
    of the lines, be a ``subheading`` the page shows as one.
    """
    # Which line holds each word triple: a paragraph's place is the line holding most of its triples.
    line_words = [_words(line) for line in lines]
    line_of = {triple: index for index, words in enumerate(line_words) for triple in _triples(words)}
    # The text's first line long enough to place a paragraph by: voters' short lines are skipped above it too.
    first_long = next((index for index, words in enumerate(line_words) if _length(words) >= MIN_ADDED_WORDS), 0)
    whole = _Votes("\n".join(lines))
    placed: list[tuple[int, str, str]] = []  # (line it follows, -1 before the first; folded, paragraph), in the voters' order
    for _, voter in competent:
        anchor, pending = None, []  # pending: (folded, paragraph) waiting for the article's next line
        lead: tuple[str, str] | None = None  # the paragraph right before the voter's first line of the article
        for paragraph, words in voter.paragraphs:
            short = _length(words) < MIN_ADDED_WORDS
            if short and (anchor is None or _length(words) < MIN_SUBHEADING_WORDS):
                continue
            triples = _triples(words)
            if not whole.holds(words, triples):
                if anchor is not None:
                    # Between two of the article's lines: a sentence of some length, or a subheading the page shows as
                    # one (trafilatura drops headings where it finds no article container and reads paragraphs alone).
                    sentence = not short and ends_sentence(paragraph)
                    if (sentence or subheading(paragraph)) and all(votes.holds(words, triples) for _, votes in competent):
                        pending.append((" ".join(words), paragraph))
                else:  # a standfirst: every voter holds it, or most and it stands under the headline (a voter often
                    # takes the article's header for furniture; a teaser of another story before it has no headline above)
                    # Before the voter's first line of the article only a standfirst's length is worth the vote.
                    holders = sum(votes.holds(words, triples) for _, votes in competent) if ends_sentence(paragraph) else 0
                    agreed = holders == len(competent) or (holders > len(competent) / 2 and under_headline(paragraph))
                    lead = (" ".join(words), paragraph) if _length(words) >= MIN_LEAD_WORDS and agreed else None
                continue
            if short:  # a short line places nothing
                continue
            places = Counter(line_of[triple] for triple in triples if triple in line_of)
            if not places:  # held only across two lines: no place to anchor on
                continue
            found = places.most_common(1)[0][0]
            if anchor is not None and found > anchor:  # between two of the article's lines: its own
                placed.extend((anchor, key, dropped) for key, dropped in pending)
            elif anchor is None and found <= first_long and lead:  # right before the article's first line: its standfirst
                placed.append((-1, *lead))
            anchor, pending = found, []
    added: dict[int, list[str]] = {}
    seen: set[str] = set()
    for anchor, key, dropped in placed:  # a paragraph several voters place goes where the first put it
        if key not in seen:
            seen.add(key)
            added.setdefault(anchor, []).append(dropped)
    if not added:
        return lines
    return [*added.get(-1, []), *(line for index, own in enumerate(lines) for line in (own, *added.get(index, [])))]
