"""What a page states about itself: JSON-LD, OpenGraph, ``article:*``, Dublin Core, <time>.

This module only gathers evidence, in order of trust; ``titles``, ``authors`` and
``dates`` decide between the candidates it finds. It changes the tree in three ways, each
so that the rules after it find what the page shows: a page's headline is marked as its
<h1> where the page shows it in another element, a logo or a dialog's heading set as an
<h1> is made a <div> (every rule reading the article's header starts from the headline),
and a byline set as the first line of a text broken by <br> is put in a <span> of its own
(a byline is read from an element).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import lxml.etree
import lxml.html
from courlan import extract_domain

from scraper.extract.authors import BY_WORDS, BYLINE_LABELS, AuthorSource, is_organisation, lists_only_names, people_listed, without_place
from scraper.extract.dates import UPDATED_WORDS, in_shown_zone, moment, names_a_day, normalise_date
from scraper.extract.folding import fold
from scraper.extract.furniture import DATELINE_MARK, is_furniture
from scraper.extract.text import word_count
from scraper.extract.titles import MIN_HEADLINE_WORDS

# JSON-LD types that mean "this page is one article".
ARTICLE_TYPES = {
    "Article",
    "NewsArticle",
    "ReportageNewsArticle",
    "AnalysisNewsArticle",
    "OpinionNewsArticle",
    "BackgroundNewsArticle",
    "ReviewNewsArticle",
    "AskPublicNewsArticle",
    "SatiricalArticle",
    "BlogPosting",
    "LiveBlogPosting",
    "Report",
    "ScholarlyArticle",
    "TechArticle",
}
ORGANISATION_TYPES = {"Organization", "NewsMediaOrganization", "Corporation", "WebSite", "Brand"}

# Meta keys, most trusted first, for each field.
TITLE_KEYS = ("og:title", "twitter:title", "dc.title", "dcterms.title", "title")
AUTHOR_KEYS = (
    "author",
    "article:author",
    "dc.creator",
    "dcterms.creator",
    "parsely-author",
    "sailthru.author",
    "byl",
    "citation_author",
    "cxenseparse:author",  # Piano cXense analytics tags name the byline too
    "article:author_name",
    "article_author",
)
PUBLISHED_KEYS = (
    "article:published_time",
    "og:published_time",
    "datepublished",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "dcterms.date",
    "dcterms.created",
    "parsely-pub-date",
    "sailthru.date",
    "pubdate",
    "publishdate",
    "publish-date",
    "date",
    "citation_publication_date",
    "cxenseparse:publishtime",
    "og:article:published_time",
    "article:published",
    "article.published",
    "og:pubdate",
    "article_date_original",
)
MODIFIED_KEYS = (
    "article:modified_time", "og:updated_time", "datemodified", "last-modified", "og:article:modified_time",
    "article:modified", "article.updated", "article_date_updated", "updated-date", "date.updated",
)
SITE_NAME_KEYS = ("og:site_name", "application-name", "publisher", "dc.publisher", "dcterms.publisher", "sitename", "twitter:site")
_TAG = re.compile(r"<[^>]+>")
# Links to the category an article is filed under, as blog and news systems mark them (WordPress: rel="category tag").
_CATEGORY_LINKS = "//a[contains(concat(' ', normalize-space(@rel), ' '), ' category ')]"


@dataclass
class Evidence:
    """The candidates a page offers for each field, most trusted first."""

    article: dict[str, Any]  # the JSON-LD article node, {} when there is none
    metas: dict[str, list[str]]
    titles: list[str] = field(default_factory=list)
    title_tag_only: str | None = None  # the <title> element's text where no other title is stated (JSON-LD, OpenGraph, ...)
    h1s: list[str] = field(default_factory=list)
    authors: list[AuthorSource] = field(default_factory=list)
    published: list[str] = field(default_factory=list)
    site_names: list[str] = field(default_factory=list)
    canonical_url: str | None = None
    language: str | None = None
    description: str | None = None
    tags: list[str] = field(default_factory=list)
    image: str | None = None
    categories: list[str] = field(default_factory=list)  # the texts of the category links the page shows (rel="category")

    def sections(self) -> list[str]:
        """The section names the page states (JSON-LD ``articleSection``, ``article:section``) and shows as category links."""
        stated = self.article.get("articleSection")
        return _present(*(stated if isinstance(stated, list) else [stated]), *self.metas.get("article:section", []), *self.categories)

    def meta(self, *keys: str) -> str | None:
        """The first value of the first of these meta keys that the page has."""
        return next((self.metas[key][0] for key in keys if self.metas.get(key)), None)


def clean(value: Any) -> str | None:
    """A string with entities decoded (JSON-LD often double-escapes), tags dropped and spaces collapsed."""
    if not isinstance(value, str):
        return None
    value = " ".join(_TAG.sub(" ", html.unescape(value)).split())
    return value or None


def _spaced_text(element: lxml.html.HtmlElement) -> str:
    """An element's text as a reader sees it: a line break (<br>) between two words is a space, not nothing, and so
    is the edge of an element between a word's end and a capital ("<span>Nationale Demo</span>Der 9. Juli naht":
    a kicker set on a line of its own)."""
    pieces: list[str] = []
    for event, node in lxml.etree.iterwalk(element, events=("start", "end")):  # not recursive: a deep page is no stall
        if event == "start" and isinstance(node.tag, str):
            piece = " " if node.tag == "br" else node.text or ""
        elif event == "end" and node is not element:
            piece = node.tail or ""
        else:
            continue
        if pieces and pieces[-1][-1:].islower() and piece[:1].isupper():
            pieces.append(" ")
        if piece:
            pieces.append(piece)
    return "".join(pieces)


def gather(tree: lxml.html.HtmlElement) -> Evidence:
    """Every piece of metadata the page states, sorted by field (the headline marked as the <h1> where the page
    shows it in another element, :func:`shown_headline_as_h1`; a byline opening a text of <br> lines put in a
    <span>, :func:`_first_line_apart`)."""
    nodes = json_ld_nodes(tree)
    by_id = {node["@id"]: node for node in nodes if isinstance(node.get("@id"), str)}
    evidence = Evidence(article={}, metas=_metas(tree))
    article = evidence.article = _main_article([node for node in nodes if _types(node) & ARTICLE_TYPES], tree, evidence)
    metas = evidence.meta
    stated = _present(clean(article.get("headline")) or _shown_microdata(tree, "headline"), *(metas(key) for key in TITLE_KEYS))
    title_tag = _title_tag(tree)
    evidence.titles = _present(*stated, title_tag)
    evidence.title_tag_only = None if stated else clean(title_tag)
    _logos_apart(tree)
    _dialog_headings_apart(tree, stated or evidence.titles)
    shown_headline_as_h1(tree, stated or evidence.titles)
    evidence.h1s = _present(*map(_spaced_text, tree.iter("h1")))
    ld_people = [_resolve(item, by_id) for item in _as_items(article.get("author"))]
    if ld_names := [name for item in ld_people if (name := _ld_name(item))]:
        evidence.authors.append(AuthorSource(ld_names, organisations=all(_types(item) & ORGANISATION_TYPES for item in ld_people)))
    for key in AUTHOR_KEYS:
        values = [value for value in evidence.metas.get(key, []) if not value.startswith(("http://", "https://"))]
        if values:
            evidence.authors.append(AuthorSource(values, tagged=True))
    elsewhere = _elsewhere(tree)  # one judgement of the page's containers, for its bylines and its dates
    if bylines := _byline_names(tree, elsewhere):
        evidence.authors.append(AuthorSource(bylines, shown=True))
    modified_metas = (value for key in MODIFIED_KEYS for value in evidence.metas.get(key, []))
    modified = {moment(value) for value in _present(clean(article.get("dateModified")), *modified_metas)} - {None}
    evidence.language = clean(tree.get("lang")) or clean(article.get("inLanguage")) or metas("og:locale", "dc.language", "language")
    evidence.published = _present(
        clean(article.get("datePublished")),
        *(metas(key) for key in PUBLISHED_KEYS),
        *_itemprop_dates(tree),
        clean(article.get("dateCreated")),
        # A <time> showing the stated modified moment is the change's, not the publication's.
        *(stamp for stamp in _time_dates(tree, elsewhere) if moment(stamp) not in modified),
        *_labelled_dates(tree, elsewhere),
        *_header_dates(tree, elsewhere, order_known=evidence.language is not None),
    )
    publisher = _resolve(article.get("publisher"), by_id)
    evidence.site_names = _present(
        *(metas(key) for key in SITE_NAME_KEYS if key != "twitter:site"),
        _ld_name(publisher),
        *(node.get("name") for node in nodes if _types(node) & {"WebSite", "NewsMediaOrganization"}),
        (metas("twitter:site") or "").lstrip("@"),
    )
    canonical = next((link.get("href") for link in tree.iter("link") if (link.get("rel") or "").lower() == "canonical"), None)
    evidence.canonical_url = clean(canonical) or metas("og:url")
    evidence.description = (
        clean(article.get("description"))
        or metas("og:description", "description", "twitter:description")
        or _shown_microdata(tree, "description")
    )
    evidence.tags = (
        _keywords(article.get("keywords")) or evidence.metas.get("article:tag", []) or _keywords(metas("keywords", "news_keywords"))
    )
    evidence.image = metas("og:image", "twitter:image") or _ld_image(article.get("image"))
    evidence.categories = [text for link in tree.xpath(_CATEGORY_LINKS) if (text := clean(link.text_content()))]
    return evidence


def host_name(url: str | None) -> str | None:
    """The site's name as its address spells it: the registered domain's first label ("bbc" for www.bbc.co.uk)."""
    domain = extract_domain(url or "") if url else None
    return domain.split(".")[0] if domain else None


def host_names(url: str | None, evidence: Evidence) -> list[str]:
    """The site's name as the fetched address and the address the page states for itself spell it.

    A page fetched from a mirror, an archive or a replay server is away from its site;
    its canonical address still names the publisher.
    """
    return list(dict.fromkeys(filter(None, (host_name(url), host_name(evidence.canonical_url)))))


def _main_article(articles: list[dict[str, Any]], tree: lxml.html.HtmlElement, evidence: Evidence) -> dict[str, Any]:
    """The JSON-LD article the page is about.

    Where a page declares several (its own and related stories), the one whose URL is
    the page's, whose headline the page shows, or that holds the body; else the first.
    """
    if len(articles) < 2:
        return next(iter(articles), {})
    canonical = [link.get("href") for link in tree.iter("link") if (link.get("rel") or "").lower() == "canonical"]
    page_urls = {url.rstrip("/") for url in (evidence.meta("og:url"), *canonical) if url}
    shown = {" ".join(element.text_content().split()) for element in tree.iter("h1")}

    def weight(node: dict[str, Any]) -> int:
        entity = node.get("mainEntityOfPage")
        named = (node.get("url"), entity.get("@id") if isinstance(entity, dict) else entity)
        urls = {value.rstrip("/") for value in named if isinstance(value, str)}
        return 2 * bool(urls & page_urls) + 2 * (clean(node.get("headline")) in shown) + bool(node.get("articleBody"))

    return max(articles, key=weight)  # max keeps the first of equals


def json_ld_nodes(tree: lxml.html.HtmlElement) -> list[dict[str, Any]]:
    """Every JSON-LD object of the page, ``@graph`` members included, in page order."""
    nodes: list[dict[str, Any]] = []
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text, strict=False)
        except (ValueError, RecursionError):  # nested past the parser's depth: a hostile page, not an article's data
            continue
        nodes.extend(_flatten(data))
    return nodes


# Lists and @graph objects nested deeper than this hold no article data worth reading.
MAX_JSON_LD_DEPTH = 8


def _flatten(data: Any, depth: int = 0) -> list[dict[str, Any]]:
    if depth > MAX_JSON_LD_DEPTH:
        return []
    if isinstance(data, list):
        return [node for item in data for node in _flatten(item, depth + 1)]
    if isinstance(data, dict):
        return [data, *_flatten(data.get("@graph", []), depth + 1)]
    return []


def _types(node: Any) -> set[str]:
    if not isinstance(node, dict):
        return set()
    types = node.get("@type")
    return {t for t in (types if isinstance(types, list) else [types]) if isinstance(t, str)}


def _resolve(item: Any, by_id: dict[str, dict[str, Any]]) -> Any:
    """A ``{"@id": ...}`` reference replaced by the node it points to in the page's graph."""
    if isinstance(item, dict) and "name" not in item and isinstance(reference := item.get("@id"), str) and reference in by_id:
        return by_id[reference]
    return item


def _as_items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value] if value else []


def _ld_name(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        return clean(value.get("name")) if isinstance(value.get("name"), str) else None
    return clean(value)


def _ld_image(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        return clean(value.get("url") or value.get("contentUrl"))
    return clean(value)


def _metas(tree: lxml.html.HtmlElement) -> dict[str, list[str]]:
    metas: dict[str, list[str]] = {}
    for element in tree.iter("meta"):
        key = (element.get("property") or element.get("name") or element.get("itemprop") or "").strip().lower()
        value = clean(element.get("content"))
        if key and value:
            metas.setdefault(key, []).append(value)
    return metas


# A shown element holding a property of the article's microdata (not an author's, an image's or a video's).
_SHOWN_MICRODATA_XPATH = (
    "//body//*[@itemprop=$name][not(self::meta)]"
    '[ancestor::*[@itemscope][1][contains(@itemtype, "Article") or contains(@itemtype, "BlogPosting")]]'
)


def _shown_microdata(tree: lxml.html.HtmlElement, name: str) -> str | None:
    """The text of a property the page marks in its text with an article's microdata (``itemprop="description"``)."""
    shown = tree.xpath(_SHOWN_MICRODATA_XPATH, name=name)
    return clean(" ".join(_spaced_text(shown[0]).split())) if shown else None


# Where a page shows its headline when it has no <h1>: a lower heading, or an element marked as the headline.
_HEADLINE_CANDIDATES_XPATH = (
    "//body//*[self::h2 or self::h3 or @itemprop='headline' or contains(concat(' ', normalize-space(@class), ' '), ' headline ')]"
    "[not(ancestor-or-self::a)]"
)
MAX_KICKER_WORDS = 6  # the words a heading may add to a stated title it shows whole ("Kicker - Headline")


def shown_headline_as_h1(tree: lxml.html.HtmlElement, titles: list[str]) -> None:
    """Where a page has no <h1>, the element showing its headline (an <h2>, an ``itemprop="headline"``) is made its <h1>.

    Every rule that finds the article's header, byline and dates from the headline reads
    the page's <h1>; a page showing its headline lower (its <h1> is none, or its logo's
    was left out) would otherwise lose them all. ``titles`` are the titles the page states
    (JSON-LD, OpenGraph; <title> only where it states no other, as <title> also names the
    site). The headline is the element whose text shows one of them (a part of it, or all of
    it beside a kicker; the longest such, not a site's name in a heading), else the first
    the page's article microdata marks as its headline.
    """
    if tree.find(".//h1") is not None:
        return
    stated = _folded_titles(titles)
    held: list[tuple[int, lxml.html.HtmlElement]] = []
    marked = None
    for element in tree.xpath(_HEADLINE_CANDIDATES_XPATH):
        text = fold(_spaced_text(element))
        words = word_count(text)
        if words >= MIN_HEADLINE_WORDS and _shows_a_title(text, stated):
            held.append((words, element))
        elif marked is None and element.get("itemprop") == "headline" and element.xpath("ancestor::*[@itemscope]"):
            marked = element
    # The longest text a title holds: "Headline | Section | Site" holds the site's name in a heading of its own too.
    headline = max(held, key=lambda candidate: candidate[0])[1] if held else marked
    if headline is not None:
        headline.tag = "h1"


# A dialog over the page: a newsletter's or a sign-in popup, a cookie note, a lightbox, another story opened.
DIALOG = "[@role='dialog' or @role='alertdialog' or @aria-modal='true']"


def _dialog_headings_apart(tree: lxml.html.HtmlElement, titles: list[str]) -> None:
    """An <h1> in a dialog that shows none of the titles the page states is the dialog's own ("Sign in to your
    account"): it is made a <div>, so that neither the title nor the rules reading the header start from it, and
    the body drops the dialog as it drops any without the headline."""
    stated = _folded_titles(titles)
    for heading in list(tree.iter("h1")):  # few: asking each for its dialog costs less than searching the page
        if heading.xpath(f"ancestor::*{DIALOG}") and not _shows_a_title(fold(_spaced_text(heading)), stated):
            heading.tag = "div"


# A link to the site's front page: its path is the root, or the root's index file.
_FRONT_PAGE_PATH = re.compile(r"^\.?/?(?:index\.\w+)?$")


def _logos_apart(tree: lxml.html.HtmlElement) -> None:
    """An <h1> whose words are all a link to the site's front page (``<h1><a href="/">Site</a></h1>``) is the
    site's logo set as a heading, whatever name it shows: it is made a <div>, so that the headline, an <h1>
    after it or a lower heading, is the one every rule reading the header starts from."""
    for heading in list(tree.iter("h1")):
        words = "".join(heading.itertext()).strip()
        linked = "".join("".join(link.itertext()) for link in heading.iter("a") if _to_front_page(link.get("href"))).strip()
        if words and linked == words:
            heading.tag = "div"


def _to_front_page(href: str | None) -> bool:
    href = (href or "").strip()
    address = urlsplit(href)
    return bool(href) and not href.startswith("#") and not address.query and bool(_FRONT_PAGE_PATH.match(address.path))


def _folded_titles(titles: list[str]) -> list[tuple[str, int]]:
    """The titles folded, each with its count of words, as :func:`_shows_a_title` compares them."""
    return [(fold(title), word_count(title)) for title in titles]


def _shows_a_title(text: str, stated: list[tuple[str, int]]) -> bool:
    """Whether a heading's (folded) text shows one of the (folded) stated titles."""
    words = word_count(text)
    return any(_shows_title(text, words, title, length) for title, length in stated)


def _shows_title(text: str, words: int, title: str, title_words: int) -> bool:
    """Whether a heading's (folded) text shows a (folded) stated title: a part of it ("Headline" of "Headline | Site"),
    or all of it beside a kicker ("Kicker - Headline")."""
    return text in title or (title in text and words <= title_words + MAX_KICKER_WORDS)


def _title_tag(tree: lxml.html.HtmlElement) -> str | None:
    element = tree.find(".//title")
    return element.text_content() if element is not None else None


def _present(*values: str | None) -> list[str]:
    """The cleaned, non-empty values, without repeats, in order."""
    seen: dict[str, None] = {}
    for value in values:
        if (cleaned := clean(value)) and cleaned not in seen:
            seen[cleaned] = None
    return list(seen)


def _keywords(value: Any) -> list[str]:
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list):
        return []
    return _present(*(item for item in value if isinstance(item, str)))


def _itemprop_dates(tree: lxml.html.HtmlElement) -> list[str]:
    return [
        element.get("datetime") or element.get("content") or element.text_content()
        for element in tree.xpath('//*[@itemprop="datePublished"]')
    ]


# A label the page sets before the day it published the article ("Publié le 18 juil. 2024", "Veröffentlicht am ...").
_PUBLISHED_LABEL = re.compile(
    r"^\s*(?:published(?:\s+on)?|posted(?:\s+on)?|publié\s+le|publicado(?:\s+el)?|publicada(?:\s+el)?|pubblicato(?:\s+il)?"
    r"|veröffentlicht(?:\s+am)?|erschienen(?:\s+am)?|gepubliceerd(?:\s+op)?|opublikowano|publikováno|publicerad|publisert"
    r"|publiceret|julkaistu|yayınlanma(?:\s+tarihi)?|опубликовано)\s*:?\s+(?=\d)",
    re.IGNORECASE,
)
MAX_LABELLED_DATE_CHARS = 80
# Short texts holding a digit: the only ones a label and a day can make (XPath sifts them without Python).
_LABELLED_DATE_XPATH = f"//body//text()[string-length() <= {MAX_LABELLED_DATE_CHARS}][translate(., '0123456789', '') != .]"


def _labelled_dates(tree: lxml.html.HtmlElement, elsewhere: Callable[[lxml.html.HtmlElement], bool]) -> list[str]:
    """The first day the page's text states after a "published" label, outside other stories' containers."""
    for text in tree.xpath(_LABELLED_DATE_XPATH):
        if _PUBLISHED_LABEL.match(text):
            stated = _PUBLISHED_LABEL.sub("", " ".join(text.split()))
            if normalise_date(stated) and not elsewhere(text.getparent()):
                return [stated]
    return []


# The article's header: the texts after the headline, up to the first of this length (the text has begun) or this many.
MIN_TEXT_CHARS = 150
MAX_HEADER_TEXTS = 40
_TEXTS_AFTER_XPATH = f"following::text()[normalize-space()][position() <= {MAX_HEADER_TEXTS}]"
# The texts before the headline nearest it (XPath's reverse axis counts positions backwards; lxml returns them in
# document order).
_TEXTS_BEFORE_XPATH = f"preceding::text()[normalize-space()][position() <= {MAX_HEADER_TEXTS}]"
_CHANGE_WORD = re.compile(rf"\b(?:{UPDATED_WORDS})\b", re.IGNORECASE)


def _header_dates(tree: lxml.html.HtmlElement, elsewhere: Callable[[lxml.html.HtmlElement], bool], order_known: bool) -> list[str]:
    """The first day shown as a short text of its own in the article's header, between the headline and the text
    (a numeric one that reads both ways only where the page's language tells the order: ``order_known``).

    Where the page states its date nowhere else (no metadata, no <time>, no label), the
    header still shows it to the reader ("12 March 2024", "2024年3月12日"), while a search
    of the whole page finds the dates of other stories and events first.
    """
    headline = tree.find(".//h1")
    if headline is None:
        return []
    for text in headline.xpath(_TEXTS_AFTER_XPATH):
        if len(text.strip()) >= MIN_TEXT_CHARS:
            break
        if _shows_day(text, elsewhere, order_known):
            return [" ".join(text.split())]
    # An article's header may set its date above the headline, inside the <article> that holds both; a date
    # above the headline outside it is the site's masthead showing today's.
    article = next(headline.iterancestors("article"), None)
    if article is not None:
        for text in reversed(headline.xpath(_TEXTS_BEFORE_XPATH)):
            if article not in text.getparent().iterancestors() or len(text.strip()) >= MIN_TEXT_CHARS:
                break
            if _shows_day(text, elsewhere, order_known):
                return [" ".join(text.split())]
    return []


def _shows_day(text: str, elsewhere: Callable[[lxml.html.HtmlElement], bool], order_known: bool) -> bool:
    """Whether a short text of the article's header shows a day, not a change's, outside other stories' containers."""
    if len(text) > MAX_LABELLED_DATE_CHARS or _CHANGE_WORD.search(text) or elsewhere(text.getparent()):
        return False
    return not _shown_as_change(text) and names_a_day(text, order_known)


def _shown_as_change(text: lxml.etree._ElementUnicodeResult) -> bool:
    """Whether the element showing a text states a change (by its class or the label before it), as a <time> may:
    "<p class="updated">Updated <time>3 December</time></p>", "<span>Updated:</span> 3 December"."""
    holder = text.getparent()
    if text.is_tail:  # the text after an element: that element is the label before it, its parent holds both
        parent = holder.getparent()
        return bool(_UPDATED_LABEL.search(holder.text_content()[-40:])) or bool(parent is not None and parent.xpath(_MODIFIED_XPATH))
    return _states_change(holder)


# A <time> that states when the article was changed, not when it was published (WordPress marks the publication
# of a post never changed "entry-date published updated": a class naming both is the publication's).
_MODIFIED_XPATH = (
    "ancestor-or-self::*[position() <= 2][@itemprop='dateModified' or ((contains(@class, 'updat')"
    " or contains(@class, 'modif') or contains(@class, 'edited')) and not(contains(@class, 'publish')))]"
)


# A label set right before a <time> that states a change ("Updated", "Aktualisiert am", "Mis à jour le").
_UPDATED_LABEL = re.compile(rf"(?:{UPDATED_WORDS})(?:\s+(?:on|at|am|le|el|il|op|den))?\s*:?\s*$", re.IGNORECASE)


def _states_change(element: lxml.html.HtmlElement) -> bool:
    """Whether an element states when the article was changed: by its class (or its parent's), or the label before it."""
    return bool(element.xpath(_MODIFIED_XPATH)) or _after_update_label(element)


def _after_update_label(element: lxml.html.HtmlElement) -> bool:
    """Whether the text right before an element (its preceding sibling's tail, or its parent's text) labels a change."""
    before, parent = element.getprevious(), element.getparent()
    if before is not None:
        text = before.tail
    else:
        text = parent.text if parent is not None else None
    return bool(_UPDATED_LABEL.search((text or "")[-40:]))


# The zone a <time>'s UTC datetime was shown in is read from the nearest few: one restates the page's UTC dates.
ZONED_TIMES = 3


def _time_dates(tree: lxml.html.HtmlElement, elsewhere: Callable[[lxml.html.HtmlElement], bool]) -> list[str]:
    """<time> elements (their datetime, restated in the zone their text shows where it is UTC, else their text)
    nearest the headline first, none that states a change (by its class or the label before it) or stands in
    another story's teaser.

    Without a headline (<h1>), the article's header first (pubdate, or inside <article> or
    <header>), else the page's first <time>. ``elsewhere`` tells an element inside other stories' containers.
    """
    times = [
        element
        for element in tree.xpath("//time[@datetime or normalize-space()]")
        if not _states_change(element) and not elsewhere(element)
    ]
    headline = tree.find(".//h1")
    if headline is not None and times:
        times = _by_distance(tree, headline, times)
    else:
        marked = [time for time in times if time.get("pubdate") is not None or time.xpath("ancestor::article or ancestor::header")]
        times = marked or times[:1]
    dates = []
    for index, element in enumerate(times):
        stated = element.get("datetime")
        if not stated:
            dates.append(element.text_content())
        else:
            dates.append(in_shown_zone(stated, element.text_content()) if index < ZONED_TIMES else stated)
    return dates


def _by_distance(
    tree: lxml.html.HtmlElement, anchor: lxml.html.HtmlElement, elements: list[lxml.html.HtmlElement]
) -> list[lxml.html.HtmlElement]:
    """The elements nearest the anchor first: those sharing its deepest container, then nearest in page order.

    A rail of other stories can stand a few elements before the headline in page order
    while the article's own date or byline shares a block with it.
    """
    depth_of = {ancestor: depth for depth, ancestor in enumerate(reversed([anchor, *anchor.iterancestors()]))}
    wanted = {anchor, *elements}
    position = {element: index for index, element in enumerate(tree.iter()) if element in wanted}

    def shared_depth(element: lxml.html.HtmlElement) -> int:
        return next((depth_of[ancestor] for ancestor in (element, *element.iterancestors()) if ancestor in depth_of), 0)

    return sorted(
        elements,
        key=lambda element: (-shared_depth(element), abs(position[element] - position[anchor]), position[element] < position[anchor]),
    )


# Byline containers: rel=author links, itemprop=author (its itemprop=name when it has one),
# classes named for bylines, and links to an author's profile page. One pass over the page
# finds the candidates (a union of five paths took five); _is_byline keeps the containers.
_BYLINE_CANDIDATES_XPATH = (
    '//*[@rel="author" or @itemprop="author" or @itemprop="name" or contains(@class, "byline") or contains(@class, "uthor")'
    ' or contains(@class, "autor") or contains(@class, "auteur") or contains(@class, "writer")'
    ' or (self::a and (contains(@href, "uthor") or contains(@href, "/autor") or contains(@href, "/redakte")'
    ' or contains(@href, "/journalist") or contains(@href, "team/") or contains(@href, "/staff/")'
    " or @title or @aria-label))]"
)
_BYLINE_CLASSES = ("byline", "author-name", "authorName", "author__name")
# A class token that is only the word "author" (or "writer"), in the languages that name the byline so ("author
# vcard", not "author-bio").
_AUTHOR_CLASSES = {"author", "autor", "auteur", "autore", "writer"}
# The path of an author's profile page: /author/jane-doe, /autoren/..., /redakteure/..., /meet-the-team/...
# (the candidates' XPath above only lets through links whose href names one of these).
_PROFILE_PATH = re.compile(
    r"/(?:authors?|autor(?:en|zy|es|i|e)?|redakteur(?:e|innen)?|journalist(?:s|en|er)?|[\w-]*team|staff)/[^/?#]+",
    re.IGNORECASE,
)


# A link's label naming the author whose articles it lists ("Alle Inhalte von Jane Doe", "Se alla artiklar av ...").
_PROFILE_LABEL = re.compile(r"\b(?:by|von|av|af|de|di|door|par|por)\s+(\w.*?)(?:\s+anzeigen)?\s*$", re.IGNORECASE)


def _is_byline(element: lxml.html.HtmlElement) -> bool:
    classes = element.get("class") or ""
    if element.get("rel") == "author" or _AUTHOR_CLASSES & set(classes.split()) or any(c in classes for c in _BYLINE_CLASSES):
        return True
    if element.tag == "a" and (_PROFILE_PATH.search(urlsplit(element.get("href") or "").path) or _labels_author(element)):
        return True
    prop = element.get("itemprop")
    if prop == "name":
        return bool(element.xpath('ancestor::*[@itemprop="author"]'))
    return prop == "author" and not element.xpath('.//*[@itemprop="name"]')


def _labels_author(link: lxml.html.HtmlElement) -> bool:
    """Whether a link's label says it lists one author's articles and its text shows that author's name."""
    label = next(filter(None, (link.get("title"), link.get("aria-label"))), "")
    named = _PROFILE_LABEL.search(" ".join(label.split()))
    return bool(named) and named.group(1) in " ".join(link.text_content().split())


# Where short lines opening like a byline ("By ...", "Von ...", "Par ...") are looked for:
# the article, its main part, the headline's block.
_BYLINE_SCOPES_XPATH = "//article | //main | (//h1)[1]/ancestor::*[3]"
_BYLINE_LINE_TAGS = ("p", "div", "span", "address", "li")  # <address>: HTML's element for an article's author; <li>: a
# line of the header's list of facts ("Von: ...", "3 Minuten Lesezeit")
MAX_BYLINE_LINE_CHARS = 120
# The word opening a byline (perhaps with a colon, "Von:"; perhaps after a verb, "Written by") and a space, or a label
# naming its author and a colon ("Autor:", "Text:", "Автор:").
_BYLINE_WORDS = (
    r"^\s*(?:(?:(?:Written|Words|Reported|Story|Text|Posted|Escrito|Escrita|Écrit|Geschrieben|Scritto) (?:by|von|par|por|di)"
    rf"|By|BY|Von|VON|Par|PAR|Por|POR|Door|Di|Av|Af|Oleh|OLEH|โดย)(?:\s*:)?(?=\s|$)|(?i:{BYLINE_LABELS})\s*:)"
)
_BYLINE_START = re.compile(_BYLINE_WORDS + r"\s*(\w)")  # the word and the name's first letter
_BYLINE_WORD = re.compile(_BYLINE_WORDS)  # the word, the name perhaps in the next element
# The word in lower case, as some pages set it before the names ("von Manuela Conrad").
_LOWER_BYLINE = re.compile(rf"^\s*(?:{BY_WORDS})\s+(\S.*)$", re.DOTALL)
MAX_BYLINE_LINES = 200
_XPATH_SPACES = re.compile(r"[ \t\r\n]+")  # the white space XPath's normalize-space() collapses


# Containers of other stories (related lists, teasers, sidebars) and of what the article quotes (an embedded post
# in a <blockquote>, with its author and day): the bylines and dates inside are not the article's.
_ELSEWHERE_TAGS = {"aside", "nav", "blockquote"}
_ELSEWHERE_CLASSES = ("comment", "related", "teaser", "recommend", "sidebar", "promo", "most-read", "more-stories")


def _holds_headline(element: lxml.html.HtmlElement) -> bool:
    """A container holding the headline is the article's own, whatever its class says ("site-main has-sidebar")."""
    return element.find(".//h1") is not None


def _elsewhere(tree: lxml.html.HtmlElement) -> Callable[[lxml.html.HtmlElement], bool]:
    """A test of whether an element of the page lies inside a container of other stories.

    Each ancestor is judged once for the whole page: asked of each byline candidate in
    turn (an XPath ``ancestor::`` test each), a hostile page of 40,000 author links
    nested 200 deep took 20 s.
    """
    inside: dict[lxml.html.HtmlElement, bool] = dict.fromkeys(_later_stories(tree), True)  # such a container or in one
    headline = tree.find(".//h1")
    headline_holders = set() if headline is None else set(headline.iterancestors())

    def test(element: lxml.html.HtmlElement) -> bool:
        unknown, node = [], element.getparent()
        while node is not None and node not in inside:
            unknown.append(node)
            node = node.getparent()
        verdict = node is not None and inside[node]
        for ancestor in reversed(unknown):
            verdict = inside[ancestor] = verdict or _is_elsewhere(ancestor, headline_holders)
        return verdict

    return test


# Lines of text (a paragraph, a line between <br>s) of this length and count: the article's own text.
MIN_OWN_LINE_CHARS = 80
MIN_OWN_LINES = 2
_PROSE = "text()[normalize-space()][not(ancestor::script or ancestor::style)]"
_OWN_LINES_XPATH = f".//{_PROSE}"
_LINES_AFTER_XPATH = f"following::{_PROSE}[not(ancestor::article)][position() <= {4 * MIN_OWN_LINES}]"
# An outermost <article> with a headline of its own is a story (a reader's comment set as an <article> has none).
_LATER_STORIES_XPATH = "following::article[not(ancestor::article)][.//h2 or .//h3 or .//h4]"


def _later_stories(tree: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    """The outermost <article>s with a headline of their own after the page's article: after the <article> holding
    its headline and text, or after the lines of text that follow its headline outside every <article>. They are
    other stories (the next article of an endless page, teaser cards): their bylines and dates are theirs."""
    headline = tree.find(".//h1")
    if headline is None or tree.find(".//article") is None or not headline.xpath(_LATER_STORIES_XPATH):
        return []
    own = next(reversed([*headline.iterancestors("article")]), None)
    lines = own.xpath(_OWN_LINES_XPATH) if own is not None else headline.xpath(_LINES_AFTER_XPATH)
    long = [line for line in lines if len(line.strip()) >= MIN_OWN_LINE_CHARS][:MIN_OWN_LINES]
    if len(long) < MIN_OWN_LINES:
        return []
    return (own if own is not None else long[-1].getparent()).xpath(_LATER_STORIES_XPATH)


def _is_elsewhere(element: lxml.html.HtmlElement, headline_holders: set[lxml.html.HtmlElement]) -> bool:
    classes = element.get("class") or ""
    if element.tag in _ELSEWHERE_TAGS or any(word in classes for word in _ELSEWHERE_CLASSES):
        return not _holds_headline(element)
    # An <article> inside another is a composition of its own (HTML's meaning): a teaser card, a comment,
    # whatever headings it holds, unless it holds the page's headline.
    nested = element.tag == "article" and next(element.iterancestors("article"), None) is not None
    return nested and element not in headline_holders


# Byline elements within this many levels above the one nearest the headline belong to the same byline.
BYLINE_BLOCK_LEVELS = 2


def _opens_byline(text: str) -> bool:
    """Whether a line opens like a byline: "By" and a name, not "By providing your email ...", or is one in lower
    case: "von" and nothing but full names ("von Manuela Conrad"), not "von Berlin nach Hamburg"."""
    if start := _BYLINE_START.match(text):
        return not start.group(1).islower()
    lower = _LOWER_BYLINE.match(text)
    return bool(lower) and bool(people_listed(lower.group(1)))


# A link holding this many characters more than the byline in it is a teaser of another story (headline and byline).
TEASER_LINK_SURPLUS = 40


def _in_teaser_link(element: lxml.html.HtmlElement, text: str) -> bool:
    link = next(element.iterancestors("a"), None)
    return link is not None and len(" ".join(link.text_content().split())) > len(text) + TEASER_LINK_SURPLUS


def _byline_names(tree: lxml.html.HtmlElement, elsewhere: Callable[[lxml.html.HtmlElement], bool]) -> list[str]:
    """Texts of the article's byline: the byline element nearest the headline, with those beside it.

    Bylines in related-story lists, teasers, sidebars and comment sections are never
    the article's; without a headline (<h1>) every remaining byline counts, in page order.
    """
    opening = _byline_lines(tree)
    found = [
        element
        for element in [*filter(_is_byline, tree.xpath(_BYLINE_CANDIDATES_XPATH)), *opening]
        if element.tag not in ("meta", "link", "script", "style") and not elsewhere(element)
    ]
    found = [
        element
        for element in found
        if (text := clean(element.text_content())) and len(text) <= 120 and not _in_teaser_link(element, text)
    ]
    # The block is measured from the byline itself, not from a holder around it: two levels above
    # a holder of the byline and its photo can be the whole article, teaser cards' bylines and all.
    found = _innermost(found)
    headline = tree.find(".//h1")
    if headline is not None and found:
        found = _nearest_block(tree, headline, found)
    return _present(*map(_byline_text, found))[:6]


def only_in_other_stories(tree: lxml.html.HtmlElement, name: str) -> bool:
    """Whether every place the page shows this name is inside another story's container or teaser link.

    For a byline found by another tool (trafilatura's), which reads related-story cards too.
    A name the page does not show as written (the tool reworded it) is not judged.
    """
    elsewhere = _elsewhere(tree)
    holders = [text.getparent() for text in tree.xpath("//body//text()[contains(., $name)]", name=name)]
    return bool(holders) and all(elsewhere(holder) or _in_teaser_link(holder, name) for holder in holders)


def _innermost(elements: list[lxml.html.HtmlElement]) -> list[lxml.html.HtmlElement]:
    """The elements that hold none of the others: a byline, not the bar around it with its text-size and share buttons.

    A holder whose own text only lists names ("By A, <a>B</a> and C") is the byline
    itself: read alone, its links would lose the names set without one.
    """
    holders = {ancestor for element in elements for ancestor in element.iterancestors()}
    lists = {element for element in elements if element in holders and _lists_names(element)}
    return [
        element
        for element in elements
        if (element not in holders or element in lists) and not any(ancestor in lists for ancestor in element.iterancestors())
    ]


def _lists_names(element: lxml.html.HtmlElement) -> bool:
    """Whether an element's own text, outside the elements it holds and after a byline word, only lists names (and
    perhaps, after a mark, what a page sets beside them: "· 5 min read", "| 12 March 2024", "| World News"; or the
    place they write from: "in Brussels")."""
    pieces = [_BYLINE_WORD.sub("", element.text or ""), *(child.tail or "" for child in element)]
    # Any piece: what is set beside the names may stand before an element (a writer's "Follow" button).
    for at, piece in enumerate(pieces):
        names, *beside = DATELINE_MARK.split(piece)
        if beside and all(is_furniture(part) or names_a_day(part, True) or is_organisation(part, []) for part in beside):
            pieces[at] = names
        pieces[at] = without_place(pieces[at])
    return lists_only_names(pieces)


def _byline_lines(tree: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    """Short <p>, <div>, <span>, <address> and <li> elements in the byline's scopes whose text opens like a byline, in page order
    (a text's first line set apart by a <br> is first put in a <span>: :func:`_first_line_apart`).

    Found from the text that opens them: measuring every element's text instead costs
    time in the page's size times its depth (0.7 s on a page of 10,000 elements).
    """
    scopes = set(tree.xpath(_BYLINE_SCOPES_XPATH))
    lines: list[lxml.html.HtmlElement] = []
    seen: set[lxml.html.HtmlElement] = set()
    for text in tree.xpath("//text()"):
        if not (_BYLINE_WORD.match(text) or _LOWER_BYLINE.match(text)):
            continue
        holder = text.getparent()
        if text.is_tail:
            holder = holder.getparent()
        if holder is None:
            continue
        if not text.is_tail and _opens_text_block(holder):
            holder = _first_line_apart(holder)
        ancestry = [holder, *holder.iterancestors()]
        # Elements below the outermost scope among them are inside a scope.
        outermost = max((index for index, element in enumerate(ancestry) if element in scopes), default=-1)
        chain = []  # the holder and its ancestors that open with this text and are short, innermost first
        for index, element in enumerate(ancestry):
            if element in seen or (content := _short_text(element)) is None:
                break
            if element.tag in _BYLINE_LINE_TAGS and index < outermost and _opens_byline(content):
                chain.append(element)
        seen.update(chain)
        lines.extend(reversed(chain))
        if len(lines) >= MAX_BYLINE_LINES:
            break
    return lines[:MAX_BYLINE_LINES]


def _opens_text_block(element: lxml.html.HtmlElement) -> bool:
    """Whether an element's own text is a first line set apart by a <br> from a text too long for a byline's line
    ("By Ann Able<br><br>The council voted ..."): a template setting the text as lines, not paragraphs."""
    return bool(element.text and element.text.strip()) and len(element) > 0 and element[0].tag == "br" and _short_text(element) is None


def _first_line_apart(element: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """The element's first line moved into a <span> of its own, the line a byline's element would hold."""
    line = lxml.html.Element("span")
    line.text, element.text = element.text, None
    element.insert(0, line)
    return line


def _short_text(element: lxml.html.HtmlElement) -> str | None:
    """The element's text where, spaces collapsed as XPath's normalize-space() does, it is shorter than a byline's
    limit; else None, read no further than that (the page's <body> may hold all of its text)."""
    pieces, length, checked = [], 0, MAX_BYLINE_LINE_CHARS
    for piece in element.itertext():
        pieces.append(piece)
        length += len(piece)
        if length >= checked:  # measured again each time the raw text doubles
            if _collapsed_length("".join(pieces)) >= MAX_BYLINE_LINE_CHARS:
                return None
            checked = 2 * length
    content = "".join(pieces)
    return content if _collapsed_length(content) < MAX_BYLINE_LINE_CHARS else None


def _collapsed_length(text: str) -> int:
    return len(_XPATH_SPACES.sub(" ", text).strip(" \t\r\n"))


def _byline_text(element: lxml.html.HtmlElement) -> str:
    """A byline's texts, one per element it holds, set apart by "|" and without furniture ("Listen", "Share", "Photo: ...").

    Set apart, a name is not run together with the job title, the time or the button
    beside it ("Jane Doe Political Editor", "Jane Doe Listen").
    """
    # An icon's <svg><title> ("chevron-right") names a drawing, not a person.
    pieces = (" ".join(piece.split()) for piece in element.xpath(".//text()[not(ancestor::svg)]"))
    return " | ".join(piece for piece in pieces if piece and (_opens_byline(piece) or not is_furniture(piece)))


def _nearest_block(
    tree: lxml.html.HtmlElement, headline: lxml.html.HtmlElement, found: list[lxml.html.HtmlElement]
) -> list[lxml.html.HtmlElement]:
    """The byline element nearest the headline in page order, and the byline elements of its block.

    The block reaches no higher than the container the byline shares with the headline: above
    it (a page's <main> or <body>) stand other stories' cards.
    """
    block = _by_distance(tree, headline, found)[0]
    shared = {headline, *headline.iterancestors()}
    for _ in range(BYLINE_BLOCK_LEVELS):
        if block in shared or block.getparent() is None:
            break
        block = block.getparent()
    wanted = set(found)
    return [element for element in block.iter() if element in wanted]
