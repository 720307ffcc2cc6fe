"""Downloader middlewares of newsarchive: robots.txt, conditional listings, Retry-After,
politeness shared by all the crawlers of a run."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter, defaultdict, deque
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from time import monotonic
from typing import Any

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response
from scrapy.robotstxt import RobotParser
from scrapy.utils.asyncio import sleep
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred
from twisted.python.failure import Failure

from scraper.crawl.counts import counter, source_prefix
from scraper.crawl.faults import Fault, failure_kind
from scraper.crawl.urls import normalize_url

logger = logging.getLogger(__name__)
# Meta key of Scrapy's robots.txt request (and of redirects made of it): the site it is for.
_ROBOTS_TXT_OF = "newsarchive_robots_txt_of"

# Stats key, under a source's prefix (scraper/counts.py): the first URLs robots.txt forbade, for the summary.
ROBOTS_BLOCKED_URLS = "robots_blocked_urls"
ROBOTS_BLOCKED_URLS_KEPT = 20
# Requests for pages read for their links; only these are made conditional.
LISTING_KINDS = ("feed", "sitemap", "section")
BACKLOG_POLL = 0.05  # seconds between looks at a full extraction backlog


class SharedRobotsTxtMiddleware(RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware, with every waiting request getting the parser,
    each forbidden URL logged once and kept for the summary, and a robots.txt that
    fails obeyed as RFC 9309 says.

    In Scrapy 2.19 only the first of several requests that wait for a site's
    robots.txt receives the parser; the others receive None and are let through,
    so a disallowed URL requested at the same moment as others is fetched anyway.

    A robots.txt that answers 5xx, or cannot be reached at all, forbids the whole
    site for this crawl (RFC 9309, 2.3.1.4: the crawler "MUST assume complete
    disallow"); the next crawl asks again. Scrapy would crawl such a site as if it
    had no robots.txt. A 4xx means there is none, and is left to Scrapy, which reads
    the error page as a robots.txt without rules: everything is allowed, as the RFC says.

    The requests for such a site fail, and are counted, with the true reason: the
    robots.txt fetch's (``connection_refused``, ``dns``, ``timeout``, ``tls``), or
    ``robots_txt_http_503`` when robots.txt answered 503; never as forbidden, which
    is said only of a robots.txt that answered and forbids.
    """

    def __init__(self, crawler: Crawler):
        super().__init__(crawler)
        self._forbidden: set[str] = set()
        self._asked_by: dict[str, str | None] = {}  # site -> the source whose request fetched its robots.txt
        self._unreachable: dict[str, str] = {}  # site -> why its robots.txt failed in this crawl

    async def process_request(self, request: Request, spider: Any = None) -> None:
        netloc = urlparse_cached(request).netloc
        if request.meta.get("dont_obey_robotstxt") and netloc in self._asked_by:
            # Scrapy's own robots.txt request: its faults count for the source that asked for it.
            request.meta.setdefault("source", self._asked_by[netloc])
            if urlparse_cached(request).path == "/robots.txt":
                # Kept in the meta of the requests a redirect makes of it, wherever they lead.
                request.meta.setdefault(_ROBOTS_TXT_OF, netloc)
        await super().process_request(request)

    async def robot_parser(self, request: Request) -> RobotParser | None:
        netloc = urlparse_cached(request).netloc
        self._asked_by.setdefault(netloc, request.meta.get("source"))
        parser = await super().robot_parser(request)
        cached = self._parsers.get(netloc)
        return parser if cached is None or isinstance(cached, Deferred) else cached

    # The robots.txt request passes here after retries gave up (RetryMiddleware is at 550)
    # and redirects were followed (RFC 9309, 2.3.1.2): a robots.txt moved to a failing URL fails.
    def process_response(self, request: Request, response: Response) -> Response:
        if response.status >= 500 and _ROBOTS_TXT_OF in request.meta:
            # The site answers but does not say what it allows.
            self._fault(request, f"robots_txt_http_{response.status}")
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        if _ROBOTS_TXT_OF in request.meta and not isinstance(exception, IgnoreRequest):
            # The site was not reached at all: its pages fail as robots.txt did.
            self._fault(request, failure_kind(Failure(exception)))

    def _fault(self, request: Request, kind: str) -> None:
        self._unreachable[request.meta[_ROBOTS_TXT_OF]] = kind
        logger.warning("%s failed: %s; the site is not crawled this time (RFC 9309)", request.url, kind)

    def process_request_2(self, rp: RobotParser | None, request: Request) -> None:
        unreachable = self._unreachable.get(urlparse_cached(request).netloc)
        if unreachable:
            raise Fault(unreachable, f"{request.url}: not fetched: the site's robots.txt failed ({unreachable})")
        try:
            super().process_request_2(rp, request)
        except IgnoreRequest:
            if request.url not in self._forbidden:
                self._forbidden.add(request.url)
                logger.info("robots.txt forbids %s", request.url)
                source = request.meta.get("source")
                counter(self._stats, source)("newsarchive/robots_blocked")
                for key in {source_prefix(None) + ROBOTS_BLOCKED_URLS, source_prefix(source) + ROBOTS_BLOCKED_URLS}:
                    kept = self._stats.get_value(key, [])
                    if len(kept) < ROBOTS_BLOCKED_URLS_KEPT:
                        self._stats.set_value(key, [*kept, request.url])
            raise


class ConditionalListingMiddleware:
    """Ask for a feed, sitemap or section page only if it changed since the last crawl.

    Adds If-None-Match / If-Modified-Since from the validators the archive kept
    with the last full response, and lets a 304 reach the spider, which records
    it as ``not_modified`` without parsing anything. A request marked
    ``unconditional`` (its source's listing settings changed) is left whole.
    """

    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ConditionalListingMiddleware:
        if not crawler.settings.get("NEWSARCHIVE_ARCHIVE"):
            raise NotConfigured  # not a crawl into an archive (discover): nothing to say
        if crawler.settings.get("NEWSARCHIVE_FRONTIER"):
            raise NotConfigured  # distributed: the validators are in the writer's archive
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        meta = request.meta
        if meta.get("kind") not in LISTING_KINDS or meta.get("unconditional") or b"If-None-Match" in request.headers:
            return
        validators = self.crawler.spider.archive.validators(normalize_url(request.url))
        if validators:
            request.headers.update(validators)
            request.meta["handle_httpstatus_list"] = [*request.meta.get("handle_httpstatus_list", []), 304]


def retry_after_seconds(value: bytes | str | None) -> float | None:
    """Seconds to wait from a Retry-After header (a number of seconds or an HTTP date)."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


class RetryAfterMiddleware:
    """After a 429 or 503, send nothing more to that site for a while: as long as its
    Retry-After asks, else an exponential backoff; never longer than
    ``NEWSARCHIVE_RETRY_AFTER_MAX`` seconds. Scrapy's RetryMiddleware then retries.
    """

    # Host -> when it may be asked again (monotonic clock). Shared by every crawler in
    # the process, because one site can be crawled by several (feeds, sitemaps, sources).
    resume_at: dict[str, float] = {}
    codes = (429, 503)

    def __init__(self, crawler: Crawler):
        settings = crawler.settings
        self.stats = crawler.stats
        self.max_wait = settings.getfloat("NEWSARCHIVE_RETRY_AFTER_MAX")
        self.backoff = settings.getfloat("NEWSARCHIVE_RETRY_BACKOFF")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RetryAfterMiddleware:
        return cls(crawler)

    async def process_request(self, request: Request) -> None:
        wait = self.resume_at.get(urlparse_cached(request).hostname or "", 0) - monotonic()
        if wait > 0:
            await sleep(wait)

    def process_response(self, request: Request, response: Response) -> Response:
        if response.status not in self.codes:
            return response
        wait = retry_after_seconds(response.headers.get("Retry-After"))
        if wait is None:
            wait = self.backoff * 2 ** request.meta.get("retry_times", 0)
        else:
            counter(self.stats, request.meta.get("source"))("newsarchive/retry_after")
        wait = min(wait, self.max_wait)
        host = urlparse_cached(request).hostname or ""
        self.resume_at[host] = max(self.resume_at.get(host, 0), monotonic() + wait)
        logger.info("%s answered %s: waiting %.1fs before asking it again", host, response.status, wait)
        return response


class SharedPolitenessMiddleware:
    """Per-site concurrency and delay, and the total in flight, kept across every crawler
    of the process.

    Scrapy enforces them per crawler, but one site is often crawled by several at
    once (a source's feeds and sitemaps, revisits, two sources on one site); without
    this gate each would get the full allowance. Sits next to the downloader, so a
    request holds its place from here until its response or failure comes back.
    """

    in_flight: Counter[str] = Counter()  # host -> requests in flight, all crawlers
    total = 0
    crawlers: set[Crawler] = set()  # whose responses wait for their spider and pipelines
    next_start: dict[str, float] = {}  # host -> earliest start of its next request
    waiting: dict[str, deque[asyncio.Future]] = defaultdict(deque)  # "" waits for the total
    backlog_drained: asyncio.Future | None = None  # resolved by the one watcher of a full backlog
    backlog_watcher: asyncio.Task | None = None
    backlog_bytes = 0
    backlog_read_at = float("-inf")

    def __init__(self, crawler: Crawler):
        settings = crawler.settings
        self.per_site = settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN")
        self.max_total = settings.getint("NEWSARCHIVE_TOTAL_CONCURRENCY") or settings.getint("CONCURRENT_REQUESTS")
        # Scrapy's jitter may start a request at (1 - jitter) x DOWNLOAD_DELAY; never sooner.
        jitter = settings.getfloat("DOWNLOAD_DELAY_JITTER")
        self.interval = settings.getfloat("DOWNLOAD_DELAY") * max(0.0, 1.0 - jitter)
        self.held: dict[int, str] = {}  # id(request) -> host, for this crawler's requests
        # Back-pressure for all crawlers at once: Scrapy bounds the bytes of responses waiting
        # for the spider and pipelines (extraction) per crawler only, and a run has many.
        self.max_backlog = settings.getint("NEWSARCHIVE_MAX_BACKLOG_BYTES")
        self.crawler = crawler
        type(self).crawlers.add(crawler)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SharedPolitenessMiddleware:
        return cls(crawler)

    async def process_request(self, request: Request) -> None:
        host = urlparse_cached(request).hostname or ""
        cls = type(self)
        while True:
            wait = cls.next_start.get(host, 0.0) - monotonic()
            if wait > 0:
                await sleep(wait)
            elif cls.backlog() > self.max_backlog:
                await self._wait_for_backlog()
            elif cls.in_flight[host] >= self.per_site:
                await self._wait_for(host)
            elif cls.total >= self.max_total:
                await self._wait_for("")
            else:
                break
        cls.in_flight[host] += 1
        cls.total += 1
        cls.next_start[host] = monotonic() + self.interval
        self.held[id(request)] = host

    def process_response(self, request: Request, response: Response) -> Response:
        self._release(id(request))
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        self._release(id(request))

    def spider_closed(self) -> None:
        type(self).crawlers.discard(self.crawler)
        for key in list(self.held):  # requests dropped without a response or failure
            self._release(key)

    @classmethod
    def backlog(cls, max_age: float = BACKLOG_POLL) -> int:
        """Bytes of responses received by every crawler of the process and not yet through
        their spider and pipelines, as read at most ``max_age`` seconds ago.

        Summing over a hundred crawlers for every request cost more than the rest of
        this middleware; the limit is a bound on memory, not an exact figure.
        """
        now = monotonic()
        if now - cls.backlog_read_at >= max_age:
            # _engine: Scrapy's documented way to read the engine of a crawler that may not have started.
            slots = (crawler._engine.scraper.slot for crawler in cls.crawlers if crawler._engine)
            cls.backlog_bytes = sum(slot.active_size for slot in slots if slot is not None)
            cls.backlog_read_at = now
        return cls.backlog_bytes

    async def _wait_for_backlog(self) -> None:
        """Wait until the extraction backlog is under its limit.

        No event tells when extraction drained it, so one watcher looks again every
        BACKLOG_POLL seconds for all the waiting requests, however many there are.
        """
        cls = type(self)
        if cls.backlog_drained is None or cls.backlog_drained.done():
            cls.backlog_drained = asyncio.get_running_loop().create_future()
            cls.backlog_watcher = asyncio.create_task(cls._watch_backlog(self.max_backlog, cls.backlog_drained))
        await asyncio.shield(cls.backlog_drained)

    @classmethod
    async def _watch_backlog(cls, limit: int, drained: asyncio.Future) -> None:
        while cls.backlog(max_age=0) > limit:
            await sleep(BACKLOG_POLL)
        drained.set_result(None)

    async def _wait_for(self, key: str) -> None:
        future = asyncio.get_running_loop().create_future()
        type(self).waiting[key].append(future)
        await future

    def _release(self, key: int) -> None:
        host = self.held.pop(key, None)
        if host is None:
            return
        cls = type(self)
        cls.in_flight[host] -= 1
        if not cls.in_flight[host]:
            del cls.in_flight[host]
        cls.total -= 1
        for queue in (cls.waiting.get(host), cls.waiting.get("")):
            while queue:  # wake one live waiter; it checks the limits again
                future = queue.popleft()
                if not future.done():
                    future.set_result(None)
                    break
