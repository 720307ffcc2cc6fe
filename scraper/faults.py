"""Faults of the hostile web, counted by kind in the run's record."""

from __future__ import annotations

from scrapy.statscollectors import StatsCollector


class Fault(Exception):
    """A request refused, or a response dropped, for a reason the run counts as ``kind``."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind


def count_fault(stats: StatsCollector, kind: str) -> None:
    """Count one failure of this kind in the crawl's stats (and so in ``crawls.error_kinds``)."""
    stats.inc_value("newsarchive/errors")
    stats.inc_value(f"newsarchive/error_kinds/{kind}")
