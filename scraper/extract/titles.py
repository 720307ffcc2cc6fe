"""The headline: without the site name glued to it, and the one the page shows where it can tell."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from scraper.extract.folding import fold
from scraper.extract.metadata import host_name

# Separators between a headline and a site or section name ("Headline | Site", "Site - Headline").
_SEPARATOR = re.compile(r"\s+[|\-–—·•»/:]\s+|\s*[|｜ㅣ：]\s*")
# Curly quotes as straight ones, one character for one: a shared title often has the other kind.
_STRAIGHT_QUOTES = str.maketrans("‘’‚‛“”„‟", "''''\"\"\"\"")
_BAR_BEFORE = re.compile(r"\s*[|｜ㅣ]\s*$")
_DATE_ONLY = re.compile(r"^[\d\s./-]+$")
_FULL_DATE = re.compile(r"^\s*\d{1,4}\s?[./-]\s?\d{1,2}\s?[./-]\s?\d{1,4}\s*$")
MAX_AFFIX_WORDS = 6
# JSON-LD headline, og:title and twitter:title stating one title alike.
AGREEING_SOURCES = 3


def _squash(text: str) -> str:
    """Folded, without spaces, accents or umlauts, as in host names ("Börsen-Zeitung" -> "boersenzeitung")."""
    text = fold(text).replace(" ", "")
    for umlaut, spelled in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(umlaut, spelled)
    return "".join(char for char in unicodedata.normalize("NFKD", text) if not unicodedata.combining(char))


def _site_keys(site_names: list[str], url: str | None) -> list[str]:
    """Squashed site names (short ones: a long "site name" is a misfiled title), and the host's name."""
    keys = [_squash(name) for name in site_names if len(name.split()) <= MAX_AFFIX_WORDS]
    if host := host_name(url):
        keys.append(re.sub(r"\W", "", host))
    return [key for key in keys if len(key) >= 2]


def _is_affix(segment: str, keys: list[str]) -> bool:
    """Whether a title segment is a site name (or a bare date) rather than part of the headline."""
    if _DATE_ONLY.match(segment):
        return True
    if len(segment.split()) > MAX_AFFIX_WORDS:
        return False
    squashed = _squash(segment)
    return bool(squashed) and any(squashed == key or (len(key) >= 4 and (key in squashed or squashed in key)) for key in keys)


def title_dates(titles: list[str]) -> list[str]:
    """Dates a title carries as a segment of their own ("Headline | Site | 28.04.2023")."""
    return [piece for title in titles for piece in _SEPARATOR.split(title)[1:] if _FULL_DATE.match(piece)]


def strip_site_name(title: str, site_names: list[str], url: str | None = None) -> str:
    """The title without site-name (or date) segments at its start or end."""
    keys = _site_keys(site_names, url)
    pieces = _SEPARATOR.split(title)
    separators = _SEPARATOR.findall(title)
    start, end = 0, len(pieces)
    while end - start > 1 and _is_affix(pieces[end - 1], keys):
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
    url: str | None = None,
    structured: str | None = None,
    social: Sequence[str] = (),
    curated: bool = False,
) -> str | None:
    """The most trusted stated title (JSON-LD headline, OpenGraph, ..., <title>), else the <h1>.

    Site names glued to it are stripped, and a title that starts with the headline the
    <h1> shows is cut to it ("Headline | Section | Site" -> "Headline"), unless the JSON-LD
    headline (``structured``) and both ``social`` titles (og:, twitter:) state it alike.
    The headline the page shows and shares (<h1> and og:title agreeing) outvotes a JSON-LD
    headline that differs, unless the JSON-LD names an alternative headline too (``curated``:
    its headline is then the main one by choice). When the <h1> shows a kicker before the
    headline, the stated title carrying the kicker wins.
    """
    shown = [h1 for h1 in h1s if len(h1.split()) > 1]
    stated_alike = [title for title in (structured, *social) if title]
    agreed = {title for title in stated_alike if stated_alike.count(title) >= AGREEING_SOURCES}
    stated = []
    for title in candidates:
        stripped = strip_site_name(title, site_names, url)
        stated.append(stripped if title in agreed else _cut_at_shown(stripped, shown))
    chosen = next(filter(None, stated), None)
    if chosen is None:
        return next(iter(shown), None)
    seen = {fold(h1) for h1 in shown}
    if structured and not curated and social and social[0] not in agreed and fold(chosen) not in seen:
        shared = _cut_at_shown(strip_site_name(social[0], site_names, url), shown)
        if fold(shared) in seen:
            chosen = shared
    return next((title for title in stated if _with_shown_kicker(title, chosen, shown)), chosen)


def _with_shown_kicker(title: str, chosen: str, shown: list[str]) -> bool:
    """Whether a title is the chosen headline behind a kicker, as the <h1> shows it.

    Compared without spaces and punctuation: pages set the kicker in a <span> of the
    <h1> with no space before the headline ("Nationale DemoDer 9. Juli naht").
    """
    squashed = _squash(title)
    return len(squashed) > len(_squash(chosen)) and squashed.endswith(_squash(chosen)) and any(squashed == _squash(h1) for h1 in shown)


def _cut_at_shown(title: str, shown: list[str]) -> str:
    """A title cut to the <h1> it holds between separators ("Label | Headline | Section" -> "Headline").

    Before the headline only a bar sets a label apart: "Kicker: Headline" and "Kicker - Headline"
    are how a headline is written with its kicker.
    """
    plain_title = title.translate(_STRAIGHT_QUOTES)
    for h1 in shown:
        start = plain_title.find(h1.translate(_STRAIGHT_QUOTES))
        if start < 0 or len(h1) >= len(title):
            continue
        opens = start == 0 or _BAR_BEFORE.search(title[:start]) is not None
        if opens and (start + len(h1) == len(title) or _SEPARATOR.match(title, start + len(h1))):
            return h1
    return title
