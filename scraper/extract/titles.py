"""The headline: without the site name glued to it, and the one the page shows where it can tell."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from scraper.extract.authors import BY_WORDS
from scraper.extract.folding import fold, squashed
from scraper.extract.text import word_count

# Separators between a headline and a site or section name ("Headline | Site", "Site - Headline").
_SEPARATOR = re.compile(r"\s+[|\-–—·•»/:]\s+|\s*[|｜ㅣ：_－]\s*")
_DATE_ONLY = re.compile(r"^[\d\s./-]+$")
_FULL_DATE = re.compile(r"^\s*\d{1,4}\s?[./-]\s?\d{1,2}\s?[./-]\s?\d{1,4}\s*$")
MAX_AFFIX_WORDS = 6
# "News" in the archive's common languages: a short site name with it is the site's ("NTV Haber", "BBC News").
_NEWS_WORDS = (
    "news", "haber", "haberleri", "nachrichten", "noticias", "notícias", "nieuws", "nyheter", "nyheder", "uutiset",
    "notizie", "actualités", "wiadomości", "zprávy", "новости", "뉴스", "ニュース", "新闻", "新聞",
)
# A byline set as a title's segment ("Headline | Site | by Jane Doe").
_BYLINE_SEGMENT = re.compile(rf"^\s*(?:{BY_WORDS})\s+\S+(?:\s+\S+){{0,3}}\s*$", re.IGNORECASE)
# A title opening with a name and a colon ("Harbour Herald: Council backs ..."); the name may be the site's.
_COLON_PREFIX = re.compile(r"^\s*([^:：]{2,60}?)\s*[:：]\s+(?=\S)")
# A section's name between a headline and the site's is one word; the headline before it has at least this many.
MIN_HEADLINE_WORDS = 3
MAX_SECTION_CHARS = 20


def _squash(text: str) -> str:
    """Folded, without spaces, accents or umlauts, as in host names ("Börsen-Zeitung" -> "boersenzeitung")."""
    text = squashed(text)
    for umlaut, spelled in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(umlaut, spelled)
    return "".join(char for char in unicodedata.normalize("NFKD", text) if not unicodedata.combining(char))


_NEWS_SUFFIXES = frozenset(map(_squash, _NEWS_WORDS))


def _site_keys(site_names: list[str], hosts: Sequence[str]) -> list[str]:
    """Squashed site names (short ones: a long "site name" is a misfiled title), and the hosts' names."""
    keys = [_squash(name) for name in site_names if len(name.split()) <= MAX_AFFIX_WORDS]
    keys += [re.sub(r"\W", "", host) for host in hosts]
    return [key for key in keys if len(key) >= 2]


def _is_affix(segment: str, keys: list[str]) -> bool:
    """Whether a title segment is a site name (or a bare date, or an author's byline) rather than part of the headline."""
    if _DATE_ONLY.match(segment) or _BYLINE_SEGMENT.match(segment):
        return True
    if len(segment.split()) > MAX_AFFIX_WORDS:
        return False
    squashed = _squash(segment)
    return bool(squashed) and any(
        squashed == key
        or (squashed.startswith(key) and squashed[len(key) :] in _NEWS_SUFFIXES)
        or (len(key) >= 4 and (key in squashed or squashed in key))
        for key in keys
    )


def _is_section(segment: str) -> bool:
    """Whether a title segment is a section's one word ("News", "Politik"), not a date or a headline's part."""
    segment = segment.strip()
    return " " not in segment and len(segment) <= MAX_SECTION_CHARS and segment[:1].isalpha()


def _headline_within(h1: str, headline: str) -> str | None:
    """The headline <title> states where the <h1> holds it whole beside a kicker or a subtitle
    ("Exclusive Council backs ...", "Council backs ... Work starts in spring"), else None."""
    if word_count(headline) < MIN_HEADLINE_WORDS:
        return None
    shown, stated = fold(h1), fold(headline)
    return headline if shown != stated and (shown.startswith(stated) or shown.endswith(stated)) else None


def _is_site_name(text: str, keys: list[str]) -> bool:
    """Whether a text is only the site's name, as one of these (squashed) keys spells it."""
    return _squash(text) in keys


def _is_logo(h1: str, keys: list[str]) -> bool:
    """Whether an <h1> holds only the site's name: a logo set as a heading, no headline."""
    return _is_site_name(h1, keys)


def _is_headline(text: str) -> bool:
    """Whether an <h1> reads as a headline, not a logo or a section's one word (counted as Chinese or Japanese are too)."""
    return word_count(text) > 1


def _names_no_article(title: str, keys: list[str], headline_shown: bool) -> bool:
    """Whether a stated title is the site's name or a date, or a single word beside a headline the page shows."""
    return bool(_DATE_ONLY.match(title)) or _is_site_name(title, keys) or (headline_shown and not _is_headline(title))


def title_dates(titles: list[str]) -> list[str]:
    """Dates a title carries as a segment of their own ("Headline | Site | 28.04.2023")."""
    return [piece for title in titles for piece in _SEPARATOR.split(title)[1:] if _FULL_DATE.match(piece)]


def strip_site_name(title: str, site_names: list[str], hosts: Sequence[str] = ()) -> str:
    """The title without site-name (or date) segments at its start or end; ``hosts`` as :func:`host_names` gives them."""
    return _without_affixes(title, _site_keys(site_names, hosts))


def _without_affixes(title: str, keys: list[str]) -> str:
    """The title without the segments at its start or end that are site names of these keys, or dates; without
    the section's one word between the headline and a site name closing it ("Headline | Politics | Site");
    without the site's name and a colon opening it ("Site: Headline")."""
    if (opening := _COLON_PREFIX.match(title)) and _is_site_name(opening.group(1), keys):
        title = title[opening.end() :]
    pieces = _SEPARATOR.split(title)
    separators = _SEPARATOR.findall(title)
    start, end = 0, len(pieces)
    while end - start > 1 and _is_affix(pieces[end - 1], keys):
        end -= 1
    if end < len(pieces) and end - start > 1 and _is_section(pieces[end - 1]) and word_count(pieces[start]) >= MIN_HEADLINE_WORDS:
        end -= 1
    while end - start > 1 and _is_affix(pieces[start], keys):
        start += 1
    if (start, end) == (0, len(pieces)):
        return title
    kept = pieces[start]
    for index in range(start + 1, end):
        kept += separators[index - 1] + pieces[index]
    return kept.strip()


def choose_title(
    candidates: list[str],
    h1s: list[str],
    site_names: list[str],
    hosts: Sequence[str] = (),
    structured: str | None = None,
    social: Sequence[str] = (),
    curated: bool = False,
    page_title: str | None = None,
) -> str | None:
    """The most trusted stated title (JSON-LD headline, OpenGraph, ...), else the <h1>, else <title>.

    Site names glued to it are stripped. ``page_title`` is the <title> element's text where the
    page states no other title: the page's <h1> is then preferred. The headline the page shows
    and shares (<h1> and og:title agreeing) outvotes a JSON-LD headline that differs, unless the
    JSON-LD names an alternative headline too (``curated``: its headline is then the main one by choice).
    """
    keys = _site_keys(site_names, hosts)
    shown = [h1 for h1 in h1s if _is_headline(h1) and not _is_logo(h1, keys)]
    if page_title and shown:
        # <title> is written for tabs and search results, with site and section names that no
        # og:site_name helps strip: the headline the page shows wins, the longest one <title>
        # holds, else <title>'s own headline where the <h1> holds it beside a kicker, else the first.
        inside = [h1 for h1 in shown if fold(h1) in fold(page_title)]
        if inside:
            return max(inside, key=len)
        return _headline_within(shown[0], _without_affixes(page_title, keys)) or shown[0]
    stated = [_without_affixes(title, keys) for title in candidates]
    # A stated title that is only the site's name, a date, or one word where the page shows a headline names a
    # page of the site or a section ("Politics"), not this article: a list page's title the template kept.
    stated = [title for title in stated if not _names_no_article(title, keys, bool(shown))]
    chosen = next(filter(None, stated), None)
    if chosen is None:
        return next(iter(shown), None)
    seen = {fold(h1) for h1 in shown}
    if structured and not curated and social and fold(chosen) not in seen:
        shared = _without_affixes(social[0], keys)
        if fold(shared) in seen:
            chosen = shared
    return chosen
