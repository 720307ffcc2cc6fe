"""What every discovery spider shares: config, article requests, failures.

A spider crawls its sources in one way (feeds, sitemaps, sections, urls). It
yields requests for candidate article URLs through :meth:`NewsSpider.article_requests`,
which skips URLs already archived or already claimed in this run, and turns every
response or failure into a :class:`~scraper.crawl.items.PageItem` for the pipelines.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from datetime import datetime, timezone
from itertools import islice
from typing import Any, Protocol

import scrapy
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from archive.store import Archive, acquire_shared, release_shared
from scraper.config import Config, ConfigError, Source, load_config
from scraper.crawl.configure import apply_config, crawl_settings
from scraper.crawl.counts import counter
from scraper.crawl.faults import count_fault, failure_kind
from scraper.crawl.items import PageItem
from scraper.crawl.urls import normalize_url, request_url, url_problem


class SeenLookup(Protocol):
    """What discovery asks of what is archived already: the archive, or distributed mode's Redis."""

    def known_urls(self, urls: Iterable[str]) -> set[str]: ...

# Candidate URLs looked up in the archive at once.
KNOWN_BATCH = 500



def parse_date(value: Any) -> datetime | None:
    """A timezone-aware datetime from an ISO 8601 string; naive dates count as UTC."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


class NewsSpider(scrapy.Spider):
    """Base of the discovery spiders; subclasses implement :meth:`discover` for one source.

    One spider serves every source that shares its crawl settings. Each request
    carries its source's name in ``meta["source"]``, and each page is recorded
    under that source's crawl.
    """

    mode = ""  # the source key this spider reads: feeds, sitemaps, sections or urls

    def __init__(
        self,
        sources: list[Source],
        config: Config,
        crawl_ids: dict[str, int] | None = None,
        claimed: set[str] | None = None,
        read_in_full: Iterable[str] = (),
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        self.sources = {source.name: source for source in sources}
        self.config = config
        # The crawls row of each source; None until `scrapy crawl` opens one (ArchivePipeline).
        self.crawl_ids: dict[str, int | None] = {name: (crawl_ids or {}).get(name) for name in self.sources}
        # URLs this run already requested, shared by every spider of the run.
        self.claimed = claimed if claimed is not None else set()
        # Feeds, sitemaps and section pages this crawler requested in this run: each is read once,
        # so sitemap indexes that list themselves or each other cannot loop.
        self.listed: set[str] = set()
        # Sources whose listings are read without conditional requests (their settings changed).
        self.read_in_full = set(read_in_full)
        now = datetime.now(timezone.utc)
        self.not_before = {source.name: now - source.since_delta if source.since else None for source in sources}

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> NewsSpider:
        config = kwargs.pop("config", None)
        if not isinstance(config, Config):
            # `scrapy crawl feeds -a source=NAME[,NAME...] [-a config=PATH]`
            config = load_config(config or crawler.settings.get("NEWSARCHIVE_CONFIG"))
        sources = kwargs.pop("sources", None)
        if sources is None:
            names = kwargs.pop("source", None)
            if not names:
                raise ConfigError(f"name a source: -a source=NAME ({', '.join(s.name for s in config.sources)})")
            sources = config.select(names.split(","))
        # The sources of one crawler share its settings: `newsarchive crawl` groups them so.
        if any(crawl_settings(config, source) != crawl_settings(config, sources[0]) for source in sources):
            raise ConfigError(f"{', '.join(s.name for s in sources)}: sources crawled together need the same crawl settings")
        apply_config(crawler.settings, config, sources[0])
        queue_dir = kwargs.pop("queue_dir", None)
        # The seam of distributed mode: it hands over what is archived already (from Redis)
        # and has pointed the crawler's settings at its frontier; alone, the archive says.
        seen = kwargs.pop("seen", None)
        if seen is None:
            if config.frontier:
                raise ConfigError("distributed mode: crawl with `newsarchive crawl` or `newsarchive worker`")
            if queue_dir:
                # A sitemap may queue 100,000 requests: past a few hundred, they wait on disk.
                crawler.settings.set("NEWSARCHIVE_QUEUE_DIR", queue_dir, priority="spider")
            seen = acquire_shared(config.archive_path)
            crawler.signals.connect(lambda: release_shared(config.archive_path), signal=scrapy.signals.spider_closed, weak=False)
        crawler.settings.set("NEWSARCHIVE_ARCHIVE", str(config.archive_path), priority="spider")
        spider = super().from_crawler(crawler, *args, sources=sources, config=config, **kwargs)
        spider.archive = seen
        return spider

    archive: Archive | SeenLookup  # what is archived already: the archive, or Redis when distributed

    # -- discovery --------------------------------------------------------------

    async def start(self) -> AsyncIterator[Any]:
        for source in self.sources.values():
            for request in self.discover(source):
                yield request

    def discover(self, source: Source) -> Iterable[scrapy.Request]:
        """The first requests of this way of finding the source's articles."""
        raise NotImplementedError

    def listing_request(self, source: str, url: str, kind: str, callback: Any, **meta: Any) -> scrapy.Request | None:
        """A request for a feed, sitemap or section page of ``source``, conditional when the archive
        has validators (unless the source's listings are read in full); ``callback`` parses it
        unless it is unchanged (304). None when this run requested the listing already."""
        key = normalize_url(url)
        if key in self.listed:
            self.logger.info("%s: %s was read in this run already", source, url)
            return None
        self.listed.add(key)
        if source in self.read_in_full:
            meta["unconditional"] = True
        return scrapy.Request(
            url,
            callback=self.parse_listing,
            # By name: a request must pickle (a queue spilled to disk, the distributed frontier), a bound method does not.
            cb_kwargs={"parse": callback.__name__},
            errback=self.on_error,
            meta={"kind": kind, "source": source, **meta},
            dont_filter=True,
        )

    def parse_listing(self, response: Response, parse: str) -> Iterator[Any]:
        yield self.page_item(response, response.meta["kind"])
        if response.status != 304:
            yield from getattr(self, parse)(response)

    def article_requests(self, source: str, candidates: Iterable[tuple[str, dict[str, Any]]]) -> Iterator[scrapy.Request]:
        """Requests for the source's candidate article URLs that are new, recent enough and not yet claimed.

        Candidates are checked against the archive a batch at a time, so memory does
        not grow with the size of a sitemap or of the archive.
        """
        count = counter(self.crawler.stats, source)
        fresh = self._recent_unclaimed(source, candidates, count)
        while batch := dict(islice(fresh, KNOWN_BATCH)):
            known = self.archive.known_urls(batch)
            count("newsarchive/skipped_known", len(known))
            for key, (url, hints) in batch.items():
                # Checked only for the URLs about to be fetched: most of a big sitemap is known already.
                if key in known or key in self.claimed or self.unrequestable(source, url):
                    continue
                self.claimed.add(key)
                yield scrapy.Request(
                    url,
                    callback=self.parse_article,
                    errback=self.on_error,
                    meta={"kind": "article", "source": source, "hints": hints},
                    # Locally `claimed` de-duplicates them, and Scrapy's filter would only keep a second
                    # copy of each (100,000 fingerprints for a big sitemap); distributed, the frontier's
                    # filter in Redis is what de-duplicates them across workers.
                    dont_filter=not self.config.frontier,
                )

    def _recent_unclaimed(
        self, source: str, candidates: Iterable[tuple[str, dict[str, Any]]], count: Callable[..., Any]
    ) -> Iterator[tuple[str, tuple[str, dict[str, Any]]]]:
        """(key, (URL as published, hints)) of the candidates worth looking up in the archive."""
        for url, hints in candidates:
            if not url.startswith(("http://", "https://")):
                continue
            if self.too_old(source, hints):
                continue
            key = normalize_url(url)
            if key in self.claimed:
                # Fetched in this run already, for this or another source: known, not missing.
                count("newsarchive/skipped_known")
            else:
                yield key, (request_url(url), hints)

    def unrequestable(self, source: str, url: str) -> bool:
        """Whether a listed URL cannot be requested at all: said in one line and counted as ``bad_url``."""
        if (problem := url_problem(url)) is None:
            return False
        self.logger.warning("%s: %s listed, not a URL that can be requested: %s", source, url[:300], problem)
        count_fault(counter(self.crawler.stats, source), "bad_url")
        return True

    def own_urls(self, source: str | None = None) -> list[str]:
        """The configured URLs of a source (None: of every source of the spider): their
        origins may be fetched even when they are not public."""
        sources = self.sources.values() if source is None else [self.sources[source]] if source in self.sources else []
        return [str(url) for each in sources for url in (*each.feeds, *each.sitemaps, *each.sections, *each.urls)]

    def too_old(self, source: str, hints: dict[str, Any]) -> bool:
        """Whether discovery dates the entry before the source's ``since`` window (counted as ``skipped_old``)."""
        not_before = self.not_before[source]
        date = not_before and parse_date(hints.get("published") or hints.get("lastmod"))
        if date and date < not_before:
            counter(self.crawler.stats, source)("newsarchive/skipped_old")
            return True
        return False

    # -- responses --------------------------------------------------------------

    def page_item(self, response: Response, kind: str, **fields: Any) -> PageItem:
        redirects = response.meta.get("redirect_urls")
        source = response.meta["source"]
        return PageItem(
            redirected_from=normalize_url(redirects[0]) if redirects else None,
            url=normalize_url(response.url),
            fetched_url=response.url,
            source=source,
            kind=kind,
            status=response.status,
            crawl_id=self.crawl_ids[source],
            headers={key.decode("latin-1"): b", ".join(values).decode("latin-1") for key, values in response.headers.items()},
            body=response.body,
            **fields,
        )

    def parse_article(self, response: Response) -> Iterator[PageItem]:
        hints = response.meta.get("hints") or {}
        if isinstance(response, HtmlResponse) or (
            isinstance(response, TextResponse) and b"<html" in response.body[:2048].lower()
        ):
            yield self.page_item(response, "article", html=True, hints=hints)
        else:
            self.logger.warning("%s: %s failed: not_html", response.meta["source"], response.url)
            yield self.page_item(response, "article", error="not_html")

    def on_error(self, failure: Failure) -> Iterator[PageItem]:
        if failure.check(IgnoreRequest) and not failure.check(HttpError):
            return  # robots.txt and offsite: counted by Scrapy's own stats
        request = failure.request
        source = request.meta["source"]
        kind = failure_kind(failure)
        status = failure.value.response.status if failure.check(HttpError) else 0
        logging.getLogger(self.name).warning("%s: %s failed: %s", source, request.url, kind)
        yield PageItem(
            url=normalize_url(request.url),
            source=source,
            kind=request.meta.get("kind", "article"),
            status=status,
            crawl_id=self.crawl_ids[source],
            error=kind,
        )
