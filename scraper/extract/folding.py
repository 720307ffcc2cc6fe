"""Comparing texts with case, width, punctuation and spacing aside."""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"\w+")


def fold(text: str) -> str:
    """Lower-case word characters, one space apart, after Unicode compatibility folding."""
    return " ".join(_WORD.findall(unicodedata.normalize("NFKC", text).casefold()))


def squashed(text: str) -> str:
    """The folded words run together: texts that differ only in their spaces ("FährenDer", "Fähren Der") match."""
    return fold(text).replace(" ", "")
