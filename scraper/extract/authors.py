"""Author names from bylines as pages state them: split, stripped of noise, people first."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from scraper.extract.folding import fold

# "By", "Von", "Par", ... and "Author:"-style labels in front of a byline.
_PREFIX = re.compile(
    r"^(?:(?:written|reported|text|words|story|interview|posted|published)\s+)?"
    r"(?:by|von|vom|par|por|di|da|door|av|af|przez|od|от|autor(?:in|a)?|author|text|texto|redaktion|bearbeitet von)\b\s*:?\s*",
    re.IGNORECASE,
)
# The same words inside a byline, capitalised as only a byline word is ("Von", not "von der").
_INNER_PREFIX = re.compile(r"\s(?:By|Von|Par|Por|Door|Av|Af)\s+")
# Lists of names: semicolons, bars, slashes, commas, ampersands and the word "and" in many languages.
_SEPARATORS = re.compile(
    r"\s*(?:[;|/,&·•\n]|\s(?:and|und|et|y|e|og|och|en|i|és|ve|и)\s)\s*",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"\S+@\S+\.\w+")
_URL = re.compile(r"https?://\S+|www\.\S+")
_BRACKETS = re.compile(r"\s*[(\[{][^)\]}]*[)\]}]")
_DATE = re.compile(
    r"\b(?:\d{1,4}[./-]\d{1,2}[./-]\d{1,4}|\d{1,2}:\d{2}(?:\s*[ap]\.?m\.?)?|"
    r"(?:updated|published|aktualisiert|veröffentlicht|publié|mis à jour)\b.*)",
    re.IGNORECASE,
)
# Words that are never part of a person's name in a byline.
_NOISE = re.compile(
    r"\b(?:staff(?: writer| reporter)?|email the author|e-mail|follow|contributor|correspondent|reporter|"
    r"senior|editor(?:-at-large)?|columnist|redakteur(?:in)?|korrespondent(?:in)?|journalist(?:in)?|"
    r"more articles|view all posts|all articles|about the author|autorenprofil|mehr von)\b.*|\s*(?:기자|특파원|記者|特派員)$",
    re.IGNORECASE,
)
# Words that make a name an organisation's (a newsroom, an agency, a site).
_ORGANISATION_WORDS = re.compile(
    r"\b(?:news|nachrichten|online|redaktion|newsroom|desk|staff|media|press|presse|agency|agencies|agentur|zeitung|"
    r"times|post|digital|tv|radio|group|verlag|editorial|magazin|magazine|journal|gazette|herald|tribune)\b",
    re.IGNORECASE,
)
# Leading articles of site names ("The Times", "Der Spiegel"): not distinctive.
_ARTICLES = {"the", "der", "die", "das", "le", "la", "les", "el", "il", "de", "het"}
_DOMAIN = re.compile(r"\w\.(?:[a-z]{2,3}|info|online|news)$", re.IGNORECASE)
MAX_NAME_WORDS = 5


def split_byline(byline: str) -> list[str]:
    """The names of one byline string, noise removed, in order."""
    byline = _URL.sub(" ", _EMAIL.sub(" ", _BRACKETS.sub("", byline)))
    byline = _INNER_PREFIX.split(byline)[-1]  # "Capital Von Jemima Kelly": the names follow the word
    names = []
    for part in _SEPARATORS.split(byline):
        name = _clean_name(part)
        if name:
            names.append(name)
    return names


def _clean_name(part: str) -> str | None:
    part = part.strip(" \t-–—:|")
    previous = None
    while previous != part:  # "Text und Fotos: Von ..." has more than one prefix
        previous, part = part, _PREFIX.sub("", part).strip()
    part = _NOISE.sub("", _DATE.sub("", part)).strip(" \t-–—:|,.")
    words = part.split()
    if not words or len(words) > MAX_NAME_WORDS or any(char.isdigit() for char in part):
        return None
    if not any(char.isalpha() for char in part) or (len(words) == 1 and len(part) < 3 and not _is_short_credit(part)):
        return None
    return " ".join(words)


def _is_short_credit(text: str) -> bool:
    """Whether a name of one or two characters is still one: CJK, or an agency's capitals ("AP")."""
    return any(unicodedata.east_asian_width(char) == "W" for char in text) or (len(text) == 2 and text.isupper())


def is_organisation(name: str, site_names: list[str]) -> bool:
    """Whether a name is the site's own, a domain, or a newsroom's rather than a person's."""
    folded = fold(name)
    squashed = folded.replace(" ", "")
    for site in site_names:
        site_folded = fold(site).replace(" ", "")
        if len(site_folded) > 3 and (site_folded in squashed or (len(squashed) > 3 and squashed in site_folded)):
            return True
    return bool(_DOMAIN.search(name.strip()) or _ORGANISATION_WORDS.search(name) or _names_site_first(name, site_names))


def _names_site_first(name: str, site_names: list[str]) -> bool:
    """Whether a name opens with the site's own first word: a desk or account ("MDR THÜRINGEN", "Ilanga D")."""
    words = fold(name).split()
    site_firsts = {fold(site).split()[0] for site in site_names if fold(site)}
    return len(words) > 1 and words[0] in site_firsts and len(words[0]) >= 3 and words[0] not in _ARTICLES


def choose_authors(candidates: list[tuple[list[str], bool]], site_names: list[str]) -> list[str]:
    """The first source's names that include a person; an organisation only when no source names one.

    ``candidates`` are (bylines, stated as organisations) from the most trusted source down.
    """
    fallback: list[str] = []
    for bylines, organisations in candidates:
        names = _unique(name for byline in bylines for name in split_byline(byline))
        if not names:
            continue
        people = [] if organisations else [name for name in names if not is_organisation(name, site_names)]
        if people:
            # Keep an agency credited beside the people ("…, dpa") but not the site's own name.
            return [name for name in names if name in people or not _is_site(name, site_names)]
        fallback = fallback or names
    return fallback


def _is_site(name: str, site_names: list[str]) -> bool:
    squashed = fold(name).replace(" ", "")
    return bool(_DOMAIN.search(name.strip())) or _names_site_first(name, site_names) or any(
        squashed and squashed in fold(site).replace(" ", "") for site in site_names
    )


def _unique(names: Iterable[str]) -> list[str]:
    seen: dict[str, str] = {}
    for name in names:
        seen.setdefault(fold(name), name)
    return list(seen.values())
