"""A crawl's counters, kept in the crawler's stats for the crawler and for each source.

One crawler serves every source that shares its settings (``scraper.crawl.run``), and the
run summary and the ``crawls`` table need each source's own numbers: a counter made
for a source counts ``newsarchive/KEY`` and ``newsarchive/source/NAME/KEY``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

PREFIX = "newsarchive/"

Count = Callable[..., None]


def source_prefix(source: str | None) -> str:
    """Where a source's counters are kept; ``None``: the crawler's totals."""
    return f"{PREFIX}source/{source}/" if source else PREFIX


def counter(stats: Any, source: str | None) -> Count:
    """``count(key, n=1)`` for keys under ``newsarchive/``, in the totals and in the source's own."""
    own = source_prefix(source)

    def count(key: str, n: int = 1) -> None:
        stats.inc_value(key, n)
        if source:
            stats.inc_value(own + key[len(PREFIX) :], n)

    return count
