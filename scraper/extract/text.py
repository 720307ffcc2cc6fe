"""Text measured and made safe alike in every script: words counted where none are spaced, sentences' ends
found, lone surrogates replaced, invisible characters that split words dropped."""

from __future__ import annotations

import re
import unicodedata

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
# Characters a reader never sees that split a word for search: a soft hyphen (German sites set them in long words,
# "Bundes\u00adregierung"), a zero-width space, a word joiner, a byte order mark. Not the zero-width joiners, which
# shape Indic and Persian words and emoji.
_INVISIBLE_CHARACTERS = "\u00ad\u200b\u2060\ufeff"
_INVISIBLE = re.compile(f"[{_INVISIBLE_CHARACTERS}]")
# Spaces that only keep words on one line (no-break, narrow no-break, figure spaces): a reader sees a space, and the
# rules reading a byline's or a furniture line's words look for one ("By&nbsp;Jane&nbsp;Doe").
_NO_BREAK_SPACES = "\u00a0\u2007\u202f"
_INVISIBLE_OR_NO_BREAK = re.compile(f"[{_INVISIBLE_CHARACTERS}{_NO_BREAK_SPACES}]")
# Their entities in a page's HTML ("&shy;", "&ZeroWidthSpace;"; the first group), the no-break spaces' ("&nbsp;");
# apart from the characters, so the search skips to each "&" (one pass each, 0.8 ms a page).
_ENTITY = re.compile(
    "&(?:(shy|#173|#x0*ad|zerowidthspace|#8203|#x0*200b|nobreak|#8288|#x0*2060|#65279|#x0*feff)"
    "|nbsp|#160|#x0*a0|nonbreakingspace|#8239|#x0*202f|#8199|#x0*2007);",
    re.IGNORECASE,
)
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


def as_shown(html: str) -> str:
    """A page's HTML without the invisible characters :func:`shown_text` drops and with its no-break spaces as spaces,
    as characters or entities: so read, the headline, the stated title and the text compare as a reader sees them."""
    html = _INVISIBLE_OR_NO_BREAK.sub(lambda found: " " if found.group() in _NO_BREAK_SPACES else "", html)
    return _ENTITY.sub(lambda found: "" if found.group(1) else " ", html)
