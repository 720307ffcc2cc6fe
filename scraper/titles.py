"""The headline: without the site name glued to it, and the one the page shows where it can tell."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from scraper.folding import fold

# Separators between a headline and a site or section name ("Headline | Site", "Site - Headline").
_SEPARATOR = re.compile(r"\s+[|\-–—·•»/:]\s+|\s*[|｜ㅣ：]\s*")
_DATE_ONLY = re.compile(r"^[\d\s./-]+$")
MAX_AFFIX_WORDS = 6


def _site_keys(site_names: list[str], url: str | None) -> list[str]:
    """Squashed site names, and the host's name without www and top-level domain."""
    keys = [fold(name).replace(" ", "") for name in site_names]
    host = urlsplit(url or "").hostname or ""
    labels = [label for label in host.split(".") if label not in ("www", "m", "amp")]
    if len(labels) >= 2:
        keys.append(re.sub(r"\W", "", labels[-2]))
    return [key for key in keys if len(key) >= 2]


def _is_affix(segment: str, keys: list[str]) -> bool:
    """Whether a title segment is a site name (or a bare date) rather than part of the headline."""
    if _DATE_ONLY.match(segment):
        return True
    if len(segment.split()) > MAX_AFFIX_WORDS:
        return False
    squashed = fold(segment).replace(" ", "")
    return bool(squashed) and any(squashed == key or (len(key) >= 4 and (key in squashed or squashed in key)) for key in keys)


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


def choose_title(candidates: list[str], h1s: list[str], site_names: list[str], url: str | None = None) -> str | None:
    """The headline the page shows in its <h1> if a stated title matches it, else the most trusted one."""
    cleaned = [strip_site_name(title, site_names, url) for title in candidates]
    cleaned = [title for title in cleaned if title]
    shown = {fold(h1) for h1 in h1s if h1}
    for title in cleaned:
        if fold(title) in shown:
            return title
    return next(iter(cleaned), None) or next((h1 for h1 in h1s if len(h1.split()) > 1), None)
