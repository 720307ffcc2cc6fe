"""Text every UTF-8 encoder takes: a lone surrogate becomes U+FFFD, as a browser shows a broken character."""

from __future__ import annotations

import re

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def without_surrogates(text: str) -> str:
    """The text with each lone surrogate as U+FFFD.

    A decoded page holds none, but a JSON escape of half a character ("\\ud800" in JSON-LD)
    and a command-line byte that is not UTF-8 make them, and no UTF-8 encoder (SQLite's, a
    terminal's) takes them.
    """
    return _LONE_SURROGATE.sub("\ufffd", text)
