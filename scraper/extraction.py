"""Turn a fetched HTML page into an archived article, or decide it is not one.

Runs in extraction worker processes (see ``scraper.pool``), never on Scrapy's
event loop. ``extract_article`` is the only entry point the crawl uses.

Metadata comes from what the page states (``scraper.metadata``) before what
trafilatura and htmldate infer; the body from ``scraper.body``.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import lxml.html
from trafilatura.metadata import extract_metadata

from scraper.authors import choose_authors, is_organisation
from scraper.body import extract_body
from scraper.dates import choose_published
from scraper.metadata import Evidence, clean, gather
from scraper.parsing import parse_html
from scraper.titles import choose_title, strip_site_name, title_dates

# Below this many words, a page without article markup is a teaser or a stub.
MIN_WORDS_WITHOUT_MARKUP = 40
MIN_WORDS_WITH_MARKUP = 15
# A page declared a website (not an article), with this many headline links and little prose, lists teasers.
LISTING_HEADLINE_LINKS = 5
LISTING_MAX_WORDS = 120
# No East Asian wide character lies below U+1100: only these need looking up, not every letter.
_MAYBE_WIDE = re.compile("[\u1100-\U0010ffff]")


def extract_article(
    html: str, url: str, hints: dict[str, Any] | None = None, level: str = "best"
) -> dict[str, Any] | None:
    """The article fields of a page, or ``None`` when the page is not an article.

    ``hints`` are what discovery already knows (``published``, ``title``, ``language``
    from a feed or news sitemap); the page's own metadata wins over them, and a
    hinted date picks between dates the page states. ``level="fast"`` runs one plain
    trafilatura pass for the body and takes only the metadata the page states;
    ``"best"`` compares passes and fallbacks and asks trafilatura and htmldate for
    what the page leaves unstated.
    """
    hints = hints or {}
    tree = parse_html(html)
    if tree is None:
        return None
    evidence = gather(tree)
    marked = is_marked_article(tree, evidence)
    title = choose_title(
        evidence.titles,
        evidence.h1s,
        evidence.site_names,
        url,
        structured=clean(evidence.article.get("headline")),
        social=[title for key in ("og:title", "twitter:title") if (title := evidence.meta(key))],
        curated=bool(evidence.article.get("alternativeHeadline")),
    )
    authors = choose_authors(evidence.authors, evidence.site_names)
    named = any(not is_organisation(name, evidence.site_names) for name in authors)
    # What trafilatura and htmldate infer, only for what the page leaves unstated, and not at the fast level.
    inferred = _inferred_metadata(tree, url) if level != "fast" and not (title and named and evidence.published) else {}
    if not named and inferred.get("author"):
        # A person trafilatura finds in the byline beats an organisation the metadata names.
        authors = choose_authors([*evidence.authors, ([inferred["author"]], False)], evidence.site_names)
    titles = [*filter(None, [title]), *evidence.titles, *evidence.h1s]
    body = extract_body(tree, url, level, titles=titles, authors=authors, description=evidence.description)
    words = word_count(body.text)
    if words < (MIN_WORDS_WITH_MARKUP if marked else MIN_WORDS_WITHOUT_MARKUP):
        return None
    if is_listing(tree, evidence) and words < LISTING_MAX_WORDS:
        return None
    return {
        "canonical_url": evidence.canonical_url or clean(inferred.get("url")),
        "title": title or _inferred_title(inferred, evidence, url) or clean(hints.get("title")),
        "authors": authors,
        "published": choose_published(
            evidence.published + title_dates(evidence.titles), hints.get("published"), inferred.get("date")
        ),
        "language": _language(evidence.language or hints.get("language")),
        "description": evidence.description or clean(inferred.get("description")),
        "sitename": next(iter(evidence.site_names), None) or clean(inferred.get("sitename")),
        "tags": evidence.tags or _split_list(inferred.get("categories")) + _split_list(inferred.get("tags")),
        "image": evidence.image or clean(inferred.get("image")),
        "text": body.text,
        "comments": body.comments,
        "extractor": body.extractor,
    }


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


def word_count(text: str) -> int:
    """Words of a text; in scripts written without spaces, every two characters count as one."""
    wide = sum(1 for char in _MAYBE_WIDE.findall(text) if unicodedata.east_asian_width(char) == "W")
    return len(text.split()) + wide // 2


def _inferred_metadata(tree: lxml.html.HtmlElement, url: str) -> dict[str, Any]:
    """What trafilatura and htmldate infer; asked only when the page leaves a field unstated."""
    return extract_metadata(tree, default_url=url).as_dict()


def _inferred_title(inferred: dict[str, Any], evidence: Evidence, url: str) -> str | None:
    title = clean(inferred.get("title"))
    return strip_site_name(title, evidence.site_names, url) if title else None


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
