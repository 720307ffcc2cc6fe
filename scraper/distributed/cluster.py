"""Crawling on many machines: the Python API behind `newsarchive crawl` in distributed
mode and `newsarchive worker`.

A crawl claims its sources in Redis (so discovery runs once per source even when
several schedulers fire), starts their discovery into the shared frontier, works
on the frontier like any worker, and ends when nothing of its sources is queued
or in flight and the writer has archived every page it produced. Workers run one
crawler per source and mode of the config, take requests from the frontier and
never discover; they run until stopped.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

from scrapy import signals
from scrapy.crawler import CrawlerProcess
from scrapy.exceptions import DontCloseSpider
from twisted.internet.task import LoopingCall

from archive.store import FINISHED_STATUSES, crawl_status
from scraper.config import Config, Source
from scraper.crawl.logs import quiet_expected_faults
from scraper.crawl.pipelines import crawl_counts
from scraper.crawl.pool import shutdown_pools
from scraper.crawl.run import CrawlReport, SourceReport, project_settings
from scraper.distributed.components import SeenState, Unclaimed, apply_frontier
from scraper.distributed.frontier import REDIS_ERRORS, Frontier
from spiders import SPIDERS

logger = logging.getLogger(__name__)


def run_distributed_crawl(config: Config, sources: list[Source], log_level: str = "WARNING") -> CrawlReport:
    """Crawl the sources once through the frontier; returns when their pages are archived."""
    frontier = Frontier.from_config(config)
    frontier.check()
    wait_for_writer(frontier)
    run = uuid.uuid4().hex[:12]
    crawled = []
    for source in sources:
        holder = frontier.claim(source.name, run)
        if holder:
            logger.warning("%s: run %s is crawling it already; not discovering it again", source.name, holder)
        else:
            crawled.append(source)
    names = [source.name for source in crawled]
    spiders = [(source.name, mode) for source in crawled for mode in source.modes()]

    def hold_until_done() -> None:
        try:
            done = frontier.run_done(run, spiders)
        except REDIS_ERRORS as exc:
            frontier.outage.failed(exc)
            done = False
        if not done:
            raise DontCloseSpider

    def keep_claims() -> None:
        try:
            frontier.keep_claims(names, run)
        except REDIS_ERRORS as exc:
            frontier.outage.failed(exc)

    try:
        stopped = threading.Event()
        crawlers = []
        if crawled:
            process = start_crawlers(config, crawled, hold_until_done, worker=False, log_level=log_level)
            crawlers = list(process.crawlers)
            observe_stop_signals(stopped)
            claims = LoopingCall(keep_claims)
            claims.start(frontier.timeout / 4, now=False)
            process.start()
        # Scrapy puts its own handlers in place once its reactor runs: a signal after that closes
        # the spiders with reason "shutdown" (a second one before they close), as in a local crawl.
        interrupted = stopped.is_set() or any(c.stats.get_value("finish_reason") in (None, "shutdown") for c in crawlers)
        # Scrapy's handlers outlive its reactor and would swallow a signal: from here on, Ctrl-C or
        # SIGTERM ends the wait for the writer (the pages stay queued for it in Redis).
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.default_int_handler)
        reports = []
        for source in crawled:
            counts = crawl_counts(frontier.counts(run, source.name))
            frontier.push_finish(run, source.name, counts, interrupted)
            reports.append(SourceReport(source.name, "interrupted" if interrupted else crawl_status(counts), counts))
        if not interrupted:  # a stopped crawl does not wait for the writer: its pages stay queued for it
            # Report the status the writer gave each crawls row (Archive.finish_crawl: `empty` for a
            # source with no article yet), as a local crawl does; what counts alone say only when a
            # writer did not publish one.
            recorded = wait_for_statuses(frontier, run)
            for report in reports:
                report.status = recorded.get(report.source, report.status)
        return CrawlReport(run, reports)
    finally:
        shutdown_pools()
        frontier.release(names, run)


def run_worker(config: Config, sources: list[Source], log_level: str = "WARNING") -> None:
    """Work on the frontier's requests of these sources until stopped (SIGINT/SIGTERM)."""
    frontier = Frontier.from_config(config)
    frontier.check()

    def never_idle() -> None:
        raise DontCloseSpider

    try:
        start_crawlers(config, sources, never_idle, worker=True, log_level=log_level).start()
    finally:
        shutdown_pools()


def start_crawlers(
    config: Config, sources: list[Source], on_idle: Callable[[], None], worker: bool, log_level: str = "WARNING"
) -> CrawlerProcess:
    """One crawler per source and discovery mode, on the frontier, ready to start."""
    process = CrawlerProcess(project_settings(log_level))
    quiet_expected_faults()
    for source in sources:
        for mode in source.modes():
            crawler = process.create_crawler(SPIDERS[mode])
            crawler.settings.set("NEWSARCHIVE_WORKER", worker, priority="cmdline")
            crawler.signals.connect(on_idle, signal=signals.spider_idle, weak=False)
            # The seam: the frontier's scheduler and sink in the settings, Redis for what is archived.
            apply_frontier(crawler.settings, config, source, mode)
            seen = SeenState(Frontier.from_config(config))
            process.crawl(crawler, sources=[source], config=config, claimed=Unclaimed(), seen=seen)
    return process


def observe_stop_signals(stopped: threading.Event) -> None:
    """Set ``stopped`` when SIGINT or SIGTERM arrives before Scrapy's reactor runs (Scrapy's handlers
    replace these once it does), then let the handler in place stop the crawl."""
    for signum in (signal.SIGINT, signal.SIGTERM):
        handler = signal.getsignal(signum)

        def observe(number: int, frame: Any, handler: Any = handler) -> None:
            stopped.set()
            if callable(handler):
                handler(number, frame)

        signal.signal(signum, observe)


def wait_for_writer(frontier: Frontier) -> None:
    """Discovery needs to know what the archive holds: wait until a writer has published it."""
    wait_for(frontier.seen_ready, frontier, "`newsarchive writer` to publish the archive's seen-state in Redis")


def wait_for_statuses(frontier: Frontier, run: str) -> dict[str, str]:
    """Wait until the writer has archived every page of the run and closed its crawls rows;
    returns the status it gave each (source -> status)."""
    statuses: dict[str, str] = {}

    def closed() -> bool:
        if frontier.pending(run):
            return False
        statuses.update(frontier.take_statuses(run))
        return True

    wait_for(closed, frontier, "the writer to close the crawls rows")
    # What Redis holds is not trusted: a status no crawls row can have is left out (the counts then say it).
    if strange := {source: status for source, status in statuses.items() if status not in FINISHED_STATUSES}:
        logger.warning("ignored crawl statuses in Redis that no crawls row can have: %s", ", ".join(map(repr, strange)))
    return {source: status for source, status in statuses.items() if source not in strange}


def wait_for(condition: Callable[[], bool], frontier: Frontier, what: str) -> None:
    """Poll until the condition holds, saying once what we wait for when it takes a while."""
    started = time.monotonic()
    announced = False
    while True:
        try:
            if condition():
                return
        except REDIS_ERRORS as exc:
            frontier.outage.failed(exc)
        if not announced and time.monotonic() - started > 2:
            logger.warning("waiting for %s", what)
            announced = True
        time.sleep(0.2)
