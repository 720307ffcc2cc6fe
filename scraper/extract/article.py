"""The extraction library's one call: a fetched page in, an :class:`Article` out, or why there is none.

The crawl runs it in worker processes, never on Scrapy's event loop; ``reextract``,
``newsarchive extract``, the benchmarks and the tests call it directly.

Metadata comes from what the page states (``scraper.extract.metadata``) before what
trafilatura and htmldate infer; the body from ``scraper.extract.body``.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

import lxml.html
from trafilatura.metadata import extract_metadata

from scraper.extract.authors import MAX_NAME_WORDS, AuthorSource, choose_authors, has_name_shape, is_organisation, without_noise
from scraper.extract.body import extract_body
from scraper.extract.charset import decode_html
from scraper.extract.dates import choose_published, normalise_date, url_date, writes_day_first
from scraper.extract.metadata import Evidence, clean, gather, host_names, only_in_other_stories
from scraper.extract.parsing import parse_html
from scraper.extract.text import as_shown, shown_text, without_surrogates, word_count
from scraper.extract.titles import choose_title, strip_site_name, title_dates

# Below this many words, a page without article markup is a teaser or a stub.
MIN_WORDS_WITHOUT_MARKUP = 40
MIN_WORDS_WITH_MARKUP = 15
# A page declared a website (not an article), with this many headline links and little prose, lists teasers.
LISTING_HEADLINE_LINKS = 5
LISTING_MAX_WORDS = 120
# The fields holding addresses, taken as they are written.
_ADDRESSES = frozenset({"url", "canonical_url", "image"})
# A sentence's verbs and pronouns, never a name's words: a biography's ("is a reporter", "she joined", "ist Redakteurin").
_SENTENCE_WORDS = frozenset("is was are were has have had who she he they joined covers writes ist war est es è".split())


@dataclass
class Article:
    """What one page yields. Every field's meaning is written down once, in
    ``archive.schema`` (the ``articles`` table), where the archive keeps them."""

    url: str
    not_article: str | None = None  # why the page is not an article; None when it is one
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    language: str | None = None
    description: str | None = None
    sitename: str | None = None
    tags: list[str] = field(default_factory=list)
    image: str | None = None
    canonical_url: str | None = None
    text: str = ""
    comments: str | None = None
    extractor: str | None = None

    def __post_init__(self) -> None:
        # JSON-LD may escape half a character; what the archive stores must encode as UTF-8. Invisible characters
        # splitting words go from what is read and searched, not from addresses.
        for name, value in vars(self).items():
            stored = without_surrogates if name in _ADDRESSES else shown_text
            if isinstance(value, str):
                setattr(self, name, stored(value))
            elif isinstance(value, list):
                setattr(self, name, [stored(item) if isinstance(item, str) else item for item in value])

    @property
    def is_article(self) -> bool:
        return self.not_article is None

    def record(self) -> dict[str, Any]:
        """The fields the archive stores for an article (``url`` and the verdict are the page's)."""
        fields = asdict(self)
        del fields["url"], fields["not_article"]
        return fields


def extract(
    html: bytes | str,
    url: str,
    *,
    level: str = "best",
    hints: dict[str, Any] | None = None,
    content_type: str | None = None,
) -> Article:
    """The article of a page, or an :class:`Article` whose ``not_article`` says why there is none.

    ``html`` as fetched (bytes, decoded by what the page and ``content_type`` declare)
    or already decoded. ``hints`` are what discovery already knows (``published``,
    ``title``, ``language`` from a feed or news sitemap); the page's own metadata wins
    over them, and a hinted date picks between dates the page states. ``level="fast"``
    runs one plain trafilatura pass for the body and takes only the metadata the page
    states; ``"best"`` compares passes and fallbacks and asks trafilatura and htmldate
    for what the page leaves unstated.
    """
    if isinstance(html, bytes):
        html = decode_html(html, content_type)
    hints = hints or {}
    html = as_shown(html)
    tree = parse_html(html)
    if tree is None:
        return Article(url, not_article="empty page")
    evidence = gather(tree)
    marked = is_marked_article(tree, evidence)
    hosts = host_names(url, evidence)
    title = choose_title(
        evidence.titles,
        evidence.h1s,
        evidence.site_names,
        hosts,
        structured=clean(evidence.article.get("headline")),
        social=[title for key in ("og:title", "twitter:title") if (title := evidence.meta(key))],
        curated=bool(evidence.article.get("alternativeHeadline")),
        page_title=evidence.title_tag_only,
    )
    sections = evidence.sections()
    # The site's own name as its addresses spell it counts too: "NDR" credited on ndr.de is the newsroom.
    publishers = [*evidence.site_names, *hosts]
    authors = choose_authors(evidence.authors, publishers, sections)
    named = any(not is_organisation(name, publishers) for name in authors)
    # What trafilatura and htmldate infer, only for what the page leaves unstated, and not at the fast level.
    dated = any(map(normalise_date, evidence.published)) or url_date(url) is not None
    inferred = _inferred_metadata(tree, url, search_date=not dated) if level != "fast" and not (title and named and dated) else {}
    if not named and (inferred_authors := _inferred_authors(tree, inferred)):
        # A person trafilatura finds in the byline beats an organisation the metadata names.
        authors = choose_authors([*evidence.authors, AuthorSource(inferred_authors, shown=True)], publishers, sections)
    if not authors and not evidence.article and (site := evidence.meta("og:site_name")):
        # No byline and no article data (a page saved without its scripts): the publisher is credited.
        authors = [site]
    titles = [*filter(None, [title]), *evidence.titles, *evidence.h1s]
    declared = evidence.article.get("articleBody")
    body = extract_body(
        tree,
        url,
        level,
        titles=titles,
        authors=authors,
        description=evidence.description,
        html=html,
        declared_body=declared if isinstance(declared, str) else None,
        publishers=publishers,
    )
    words = word_count(body.text)
    least = MIN_WORDS_WITH_MARKUP if marked else MIN_WORDS_WITHOUT_MARKUP
    if words < least:
        return Article(url, not_article=f"{words} words of text, fewer than an article's {least}")
    if is_listing(tree, evidence) and words < LISTING_MAX_WORDS:
        return Article(url, not_article="a list of headlines with little text")
    language = evidence.language or hints.get("language")
    return Article(
        url,
        canonical_url=evidence.canonical_url or clean(inferred.get("url")),
        title=title or _inferred_title(inferred, evidence, hosts) or clean(hints.get("title")),
        authors=authors,
        published=choose_published(
            evidence.published + title_dates(evidence.titles),
            hints.get("published"),
            inferred.get("date"),
            url,
            day_first=writes_day_first(language),
        ),
        language=_language(language),
        description=evidence.description or clean(inferred.get("description")),
        sitename=next(iter(evidence.site_names), None) or clean(inferred.get("sitename")),
        tags=evidence.tags or _split_list(inferred.get("categories")) + _split_list(inferred.get("tags")),
        image=evidence.image or clean(inferred.get("image")),
        text=body.text,
        comments=body.comments,
        extractor=body.extractor,
    )


def is_marked_article(tree: lxml.html.HtmlElement, evidence: Evidence) -> bool:
    """Whether the page declares itself an article (JSON-LD, og:type or an <article> element)."""
    return bool(evidence.article) or evidence.meta("og:type") == "article" or tree.find(".//article") is not None


def is_listing(tree: lxml.html.HtmlElement, evidence: Evidence) -> bool:
    """Whether the page declares itself a website (og:type) without article data and shows many headline links."""
    return (
        evidence.meta("og:type") == "website"
        and not evidence.article
        and len(tree.xpath("//h2//a | //h3//a")) >= LISTING_HEADLINE_LINKS
    )


def _inferred_metadata(tree: lxml.html.HtmlElement, url: str, search_date: bool) -> dict[str, Any]:
    """What trafilatura and htmldate infer; asked only when the page leaves a field unstated.

    htmldate's extensive search (dateparser over the page's text, the costliest step of
    all on some pages) runs only when neither the page nor its URL states a date.
    """
    return extract_metadata(tree, default_url=url, extensive=search_date).as_dict()


def _inferred_authors(tree: lxml.html.HtmlElement, inferred: dict[str, Any]) -> list[str]:
    """The names trafilatura finds, but one it finds only on a related story's card or teaser link (that story's);
    none where it read them from a sentence (:func:`_read_from_prose`)."""
    names = [name for name in (inferred.get("author") or "").split("; ") if name]
    if _read_from_prose(names):
        return []
    # Judged as trafilatura wrote it and without the words it ran on from a button or a link ("Jane Doe Follow").
    return [name for name in names if not any(only_in_other_stories(tree, shown) for shown in {name, without_noise(name)})]


def _read_from_prose(names: list[str]) -> bool:
    """Whether one of trafilatura's names is a sentence: it read a biography ("Sam Writer is a reporter who covers
    transport and the city council"), and split at its "and" the other parts are no names either.

    trafilatura capitalises every word it reads as a name ("Sam Writer Is A Reporter"), so a
    sentence's verb or pronoun among them tells it too."""
    return any(
        len(words := name.split()) > MAX_NAME_WORDS
        and (not has_name_shape(words[:MAX_NAME_WORDS]) or not _SENTENCE_WORDS.isdisjoint(map(str.lower, words)))
        for name in names
    )


def _inferred_title(inferred: dict[str, Any], evidence: Evidence, hosts: list[str]) -> str | None:
    title = clean(inferred.get("title"))
    return strip_site_name(title, evidence.site_names, hosts) if title else None


def _split_list(value: Any) -> list[str]:
    if not value:
        return []
    if isinstance(value, str):
        value = value.split(",")
    return [item.strip() for item in value if isinstance(item, str) and item.strip()]


def _language(value: str | None) -> str | None:
    """The ISO 639-1 part of a language tag or locale (``de-CH``, ``en_GB``)."""
    if not value:
        return None
    code = re.split(r"[-_]", value.strip())[0].lower()
    return code if re.fullmatch(r"[a-z]{2}", code) else None
