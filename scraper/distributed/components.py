"""Scrapy components of distributed mode, on scrapy-redis.

With ``frontier: redis://...`` in the config, every crawler of every
``newsarchive crawl`` and ``newsarchive worker`` process takes its requests from
one Redis queue per source and discovery mode, filters duplicates in one Redis
set per run, asks Redis (not the local archive) which URLs are already archived,
and hands its extracted pages to a Redis list that ``newsarchive writer`` drains.

What scrapy-redis 0.9.1 gives here, and what it lacks on Scrapy 2.19:

- its ``Scheduler`` (Redis connection from settings, a queue and a duplicate
  filter per spider, ``SCHEDULER_PERSIST``) works and is subclassed; but its
  queues pop destructively, so the requests a killed worker held were lost:
  :class:`LeasedQueue` leases them instead (see ``scraper/frontier.py``), and
  its stats calls pass the ``spider`` argument Scrapy 2.19 deprecates;
- its ``RFPDupeFilter`` fingerprints are kept, scoped to the run: one set for
  ever would stop the revisits that later runs are meant to make;
- its ``RedisPipeline`` is not used: it uses the deprecated ``spider`` argument,
  returns a Deferred, and a consumer cannot acknowledge what it popped;
- its default serializer is pickle, which runs code named by whoever writes to
  Redis: ``SCHEDULER_SERIALIZER`` is ``scraper/distributed/wire.py`` (data only),
  and :class:`LeasedQueue` moves an entry that is not ours aside instead of
  decoding it;
- its ``RedisStatsCollector`` is not used: it breaks Scrapy's LogStats on close
  (``get_value`` of a missing key raises), and its ``RedisSpider`` replaces
  discovery we keep in our spiders.
"""

from __future__ import annotations

import asyncio
import logging
import time
import weakref
from collections import deque
from collections.abc import AsyncIterator
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.settings import Settings
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler
from twisted.internet.task import LoopingCall

from scraper.config import Config, Source, parse_duration
from scraper.crawl.items import PageItem
from scraper.crawl.pipelines import record_fields
from scraper.crawl.urls import normalize_url
from scraper.distributed import wire
from scraper.distributed.frontier import DEAD_LETTER, REDIS_ERRORS, Frontier, queue_keys

logger = logging.getLogger(__name__)


def frontier_source(spider: Any) -> str:
    """The one source a distributed spider serves: the frontier keeps a queue per source and mode."""
    (name,) = spider.sources
    return name


def apply_frontier(settings: Settings, config: Config, source: Source, mode: str) -> None:
    """Point one spider's scheduler, duplicate filter and item output at the frontier."""
    pipelines = settings.getdict("ITEM_PIPELINES")
    pipelines.update({"scraper.crawl.pipelines.ArchivePipeline": None, "scraper.distributed.components.FrontierPipeline": 800})
    middlewares = settings.getdict("SPIDER_MIDDLEWARES")
    middlewares["scraper.distributed.components.WorkerStartMiddleware"] = 10
    values = {
        "NEWSARCHIVE_FRONTIER": config.frontier,
        "NEWSARCHIVE_FRONTIER_TIMEOUT": parse_duration(config.frontier_timeout).total_seconds(),
        "REDIS_URL": config.frontier,
        # Credentials the URL leaves out come from the environment, and stay out of the settings Scrapy logs.
        "REDIS_PARAMS": {"redis_cls": "scraper.distributed.frontier.FrontierRedis"},
        "SCHEDULER_SERIALIZER": "scraper.distributed.wire",
        "SCHEDULER": "scraper.distributed.components.FrontierScheduler",
        "SCHEDULER_QUEUE_CLASS": "scraper.distributed.components.LeasedQueue",
        "SCHEDULER_QUEUE_KEY": queue_keys(source.name, mode)[0],
        "SCHEDULER_PERSIST": True,  # the queue is shared: a closing worker must not clear it
        "DUPEFILTER_CLASS": "scraper.distributed.components.RunDupeFilter",
        "ITEM_PIPELINES": pipelines,
        "SPIDER_MIDDLEWARES": middlewares,
    }
    settings.setdict(values, priority="spider")


def frontier_of(settings: Settings, client: Any = None) -> Frontier:
    return Frontier(settings["NEWSARCHIVE_FRONTIER"], settings.getfloat("NEWSARCHIVE_FRONTIER_TIMEOUT"), client)


BAD_ENTRIES_PER_POP = 100  # moved aside in one pop before the scheduler gets its turn back


class LeasedQueue(PriorityQueue):
    """scrapy-redis's priority queue, whose pop leases a request instead of removing it.

    A popped request stays in Redis, in flight, until Scrapy lets go of it: the
    engine holds every request it works on until its response has been scraped,
    its items have left the pipelines and the requests it led to (links,
    retries, redirects) are scheduled, so when the request object is freed all
    it produced is safe in Redis and it is acknowledged. (Scrapy sends no signal
    when a request is done; a weak reference is how we learn it.) Leases are
    renewed while the worker lives; a killed worker's go back to the queue.
    """

    def __init__(self, server: Any, spider: Any, key: str, serializer: Any = None):
        super().__init__(server, spider, key, serializer)
        self.frontier = frontier_of(spider.settings, server)
        self.source, self.mode = frontier_source(spider), spider.mode
        self.name = f"{self.source}/{self.mode}"
        self.leased: set[int] = set()
        self.finished: deque[int] = deque()  # appended to by weakref callbacks, at any moment
        self.next_upkeep = 0.0

    def pop(self, timeout: int = 0) -> Request | None:
        for _ in range(BAD_ENTRIES_PER_POP):
            leased = self.frontier.lease(self.source, self.mode)
            if leased is None:
                return None
            token, data = leased
            try:
                request = self._decode_request(data)
            except wire.BadEntry as exc:
                logger.error(
                    "%s: a queued request that is not newsarchive data (%s) moved aside to %s, never run", self.name, exc, DEAD_LETTER
                )
                self.frontier.dead_letter_request(self.source, self.mode, token, data)
                continue
            self.leased.add(token)
            weakref.finalize(request, self.finished.append, token).atexit = False
            return request
        return None

    def _decode_request(self, encoded_request: bytes) -> Request:
        return wire.request_of(encoded_request, self.spider)

    def settle(self) -> None:
        """Acknowledge finished requests; now and then renew leases and take back expired ones."""
        done = [self.finished.popleft() for _ in range(len(self.finished))]
        try:
            self.frontier.acknowledge(self.source, self.mode, done)
        except REDIS_ERRORS:
            self.finished.extend(done)
            raise
        self.leased.difference_update(done)
        if time.monotonic() >= self.next_upkeep:
            self.next_upkeep = time.monotonic() + self.frontier.timeout / 4
            self.frontier.renew(self.source, self.mode, self.leased)
            taken_back = self.frontier.requeue_expired(self.source, self.mode)
            if taken_back:
                logger.warning("%s: %d requests of a worker that stopped answering went back to the queue", self.name, taken_back)

    def give_back(self) -> int:
        """Return the leases still held (a worker stopping) to the queue at once."""
        self.settle()
        returned = self.frontier.requeue(self.source, self.mode, self.leased)
        self.leased.clear()
        return returned


class RunDupeFilter(RFPDupeFilter):
    """scrapy-redis's duplicate filter, one set per run, shared by all workers."""

    @classmethod
    def from_spider(cls, spider: Any) -> RunDupeFilter:
        dupefilter = super().from_spider(spider)
        dupefilter.frontier = frontier_of(spider.settings, dupefilter.server)
        dupefilter.source = frontier_source(spider)
        return dupefilter

    def request_seen(self, request: Request) -> bool:
        run = self.frontier.run_of(self.source)
        # Requests go to the URL as published; two spellings of one archive key are one request.
        keyed = request.replace(url=normalize_url(request.url))
        return self.frontier.seen_request(run, self.request_fingerprint(keyed))


class FrontierScheduler(Scheduler):
    """scrapy-redis's scheduler on a :class:`LeasedQueue`, riding out Redis outages.

    While Redis is away, new requests wait in memory and the engine is told
    there is nothing to download; both resume when Redis is back.
    """

    queue: LeasedQueue

    def open(self, spider: Any) -> None:
        super().open(spider)
        self.unsent: list[Request] = []
        self.upkeep = LoopingCall(self.keep_up)
        self.upkeep.start(1.0, now=False)

    def close(self, reason: str) -> None:
        if self.upkeep.running:
            self.upkeep.stop()
        try:
            self.flush_unsent()
            returned = self.queue.give_back()
        except REDIS_ERRORS as exc:
            logger.warning("%s: Redis unreachable at close (%s); held requests go back after the timeout", self.queue.name, exc)
        else:
            if returned:
                logger.info("%s: %d unfinished requests went back to the queue", self.queue.name, returned)
        super().close(reason)

    def enqueue_request(self, request: Request) -> bool:
        try:
            if not request.dont_filter and self.df.request_seen(request):
                self.df.log(request, self.spider)
                return False
            self.queue.push(request)
        except REDIS_ERRORS as exc:
            self.queue.frontier.outage.failed(exc)
            self.unsent.append(request)
        if self.stats:
            self.stats.inc_value("scheduler/enqueued/redis")
        return True

    def next_request(self) -> Request | None:
        try:
            request = self.queue.pop()
        except REDIS_ERRORS as exc:
            self.queue.frontier.outage.failed(exc)
            return None
        self.queue.frontier.outage.ok()
        if request is not None and self.stats:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def has_pending_requests(self) -> bool:
        try:
            return bool(self.unsent) or len(self.queue) > 0
        except REDIS_ERRORS:
            return True

    def flush_unsent(self) -> None:
        while self.unsent:
            self.queue.push(self.unsent[0])
            self.unsent.pop(0)

    def keep_up(self) -> None:
        try:
            self.flush_unsent()
            self.queue.settle()
        except REDIS_ERRORS as exc:
            self.queue.frontier.outage.failed(exc)
        else:
            self.queue.frontier.outage.ok()


class FrontierPipeline:
    """Hand each extracted page to ``newsarchive writer`` through Redis."""

    def __init__(self, frontier: Frontier):
        self.frontier = frontier

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FrontierPipeline:
        if not crawler.settings.get("NEWSARCHIVE_FRONTIER"):
            raise NotConfigured
        return cls(frontier_of(crawler.settings))

    async def process_item(self, item: PageItem) -> PageItem:
        fields = record_fields(item)
        while True:
            try:
                self.frontier.push_page(fields)
            except REDIS_ERRORS as exc:
                self.frontier.outage.failed(exc)
                await asyncio.sleep(1)
            else:
                self.frontier.outage.ok()
                break
        item.body = None
        return item


class WorkerStartMiddleware:
    """Workers leave discovery to ``newsarchive crawl``: they only take requests from the frontier."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WorkerStartMiddleware:
        if not crawler.settings.getbool("NEWSARCHIVE_WORKER"):
            raise NotConfigured
        return cls()

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        return
        yield  # an async generator that yields nothing: start() is never iterated


class SeenState:
    """Answers the spiders' ``known_urls`` from Redis, where the writer publishes what
    the archive holds; waits while Redis is away rather than fetch everything again."""

    def __init__(self, frontier: Frontier):
        self.frontier = frontier

    def known_urls(self, urls: Any) -> set[str]:
        urls = list(urls)
        while True:
            try:
                known = self.frontier.known_urls(urls)
            except REDIS_ERRORS as exc:
                self.frontier.outage.failed(exc)
                time.sleep(1)
            else:
                self.frontier.outage.ok()
                return known


class Unclaimed(set):
    """The ``claimed`` set of a distributed spider: it keeps nothing, because a
    long-lived worker must not skip a URL in later runs; the run's duplicate
    filter in Redis claims URLs instead."""

    def add(self, url: str) -> None:
        pass
