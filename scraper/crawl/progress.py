"""A crawl's progress while it runs: a live line on a terminal, plain lines elsewhere."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable
from typing import Any

from rich.console import Console
from rich.live import Live
from rich.text import Text
from twisted.internet import task

from scraper.crawl.pipelines import crawl_counts


class CrawlProgress:
    """Pages, articles, errors and rate summed over the crawlers of one run.

    On a terminal a rich line is redrawn twice a second; when stderr is a file
    or a pipe (cron, systemd, the scheduler) a plain line is printed every
    ``every`` seconds instead, so logs stay readable.
    """

    def __init__(self, crawlers: Iterable[Any], every: float = 10.0, console: Console | None = None):
        self.crawlers = list(crawlers)
        self.console = console or Console(stderr=True)
        self.every = every
        self.started = time.monotonic()
        self._live: Live | None = None
        self._loop: task.LoopingCall | None = None

    def start(self) -> None:
        """Begin reporting; call once the crawlers are created, before the reactor runs."""
        if self.console.is_terminal:
            self._live = Live(Text(""), console=self.console, auto_refresh=False, transient=True)
            self._live.start()
            interval = 0.5
        else:
            interval = self.every
        self._loop = task.LoopingCall(self.update)
        self._loop.start(interval, now=False)

    def stop(self) -> None:
        if self._loop is not None and self._loop.running:
            self._loop.stop()
        if self._live is not None:
            self._live.stop()

    def line(self) -> str:
        totals: dict[str, int] = dict.fromkeys(("pages", "new", "updated", "unchanged", "errors"), 0)
        for crawler in self.crawlers:
            counts = crawl_counts(crawler.stats.get_stats() if crawler.stats else {})
            for key in totals:
                totals[key] += counts[key]
        elapsed = max(time.monotonic() - self.started, 1e-6)
        articles = totals["new"] + totals["updated"] + totals["unchanged"]
        return (
            f"{totals['pages']} pages, {articles} articles ({totals['new']} new, {totals['updated']} updated, "
            f"{totals['unchanged']} unchanged), {totals['errors']} errors, "
            f"{totals['pages'] / elapsed:.1f} pages/s, {elapsed:.0f}s"
        )

    def update(self) -> None:
        if self._live is not None:
            self._live.update(Text(f"crawling: {self.line()}"), refresh=True)
        else:
            print(f"progress: {self.line()}", file=sys.stderr, flush=True)
