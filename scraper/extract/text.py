"""Text measured and made safe alike in every script: words counted where none are spaced, sentences' ends
found, lone surrogates replaced."""

from __future__ import annotations

import re
import unicodedata

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
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
