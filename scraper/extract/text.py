"""Text measured and made safe alike in every script: words counted where none are spaced, sentences' ends
found, lone surrogates replaced, invisible characters that split words dropped."""

from __future__ import annotations

import re
import unicodedata

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
# Characters a reader never sees that split a word for search: a soft hyphen (German sites set them in long words,
# "Bundes\u00adregierung"), a zero-width space, a word joiner, a byte order mark. Not the zero-width joiners, which
# shape Indic and Persian words and emoji.
_INVISIBLE = re.compile("[\u00ad\u200b\u2060\ufeff]")
# Their entities in a page's HTML ("&shy;", "&#173;", "&ZeroWidthSpace;"); apart from the characters, so the search
# skips to each "&" (0.6 ms a page, not 1.6).
_INVISIBLE_ENTITY = re.compile("&(?:shy|#173|#x0*ad|zerowidthspace|#8203|#x0*200b|nobreak|#8288|#x0*2060|#65279|#x0*feff);", re.IGNORECASE)
# No East Asian wide character lies below U+1100: only these need looking up, not every letter.
_MAYBE_WIDE = re.compile("[\u1100-\U0010ffff]")
# A sentence's mark, then any closing quotes or brackets.
_SENTENCE_END = re.compile(r"[.!?…][\"'”’»)]*\s*$")


def word_count(text: str) -> int:
    """Words of a text; in scripts written without spaces (Chinese, Japanese), every two characters count as one."""
    wide = sum(1 for char in _MAYBE_WIDE.findall(text) if unicodedata.east_asian_width(char) == "W")
    return len(text.split()) + wide // 2


def ends_sentence(text: str) -> bool:
    """Whether the text ends as a sentence does (a label, a caption's credit or a headline mostly does not)."""
    return bool(_SENTENCE_END.search(text))


def without_surrogates(text: str) -> str:
    """The text with each lone surrogate as U+FFFD.

    A decoded page holds none, but a JSON escape of half a character ("\\ud800" in JSON-LD)
    and a command-line byte that is not UTF-8 make them, and no UTF-8 encoder (SQLite's, a
    terminal's) takes them.
    """
    return _LONE_SURROGATE.sub("\ufffd", text)


def shown_text(text: str) -> str:
    """The text as a reader sees it and a search should find it: lone surrogates as U+FFFD (:func:`without_surrogates`)
    and without the invisible characters that split words (a soft hyphen, a zero-width space).

    SQLite's full-text index reads a soft hyphen as a space between two words, so an archive
    of a site that sets them found no "Bundesregierung" where the page showed it.
    """
    return _INVISIBLE.sub("", without_surrogates(text))


def without_invisible_characters(html: str) -> str:
    """A page's HTML without the invisible characters :func:`shown_text` drops, as characters or entities: taken out
    before the page is read, the headline, the stated title and the text compare as a reader sees them."""
    return _INVISIBLE_ENTITY.sub("", _INVISIBLE.sub("", html))
