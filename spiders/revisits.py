"""Fetch archived articles again when their revisit is due, to catch corrections and silent edits."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import scrapy

from archive.queries import due_revisits
from scraper.config import Source
from scraper.crawl.counts import counter
from spiders.base import NewsSpider


class RevisitSpider(NewsSpider):
    """Requests its sources' archived articles whose revisit is due (all of them with ``refresh``).

    Due is decided by the ``revisit`` steps (ages since an article was first
    seen); the archive streams the due URLs in batches. These requests bypass the
    "already archived" skip of discovery; the archive records a revision when
    the words changed.
    """

    name = "revisits"
    mode = "revisits"

    def __init__(self, *args: Any, refresh: bool | str = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        # `scrapy crawl revisits -a refresh=1` passes a string.
        self.refresh = refresh if isinstance(refresh, bool) else refresh.lower() in ("1", "true", "yes")

    def discover(self, source: Source) -> Iterable[scrapy.Request]:
        steps = self.config.revisit_steps(source)
        count = counter(self.crawler.stats, source.name)
        for row in due_revisits(self.archive.db, source.name, steps, everything=self.refresh):
            if row["url"] in self.claimed:
                continue
            self.claimed.add(row["url"])
            count("newsarchive/revisits")
            yield scrapy.Request(
                # As published: the key may be a normalised form the site does not serve.
                row["fetched_from"] or row["url"],
                callback=self.parse_article,
                errback=self.on_error,
                # What the archive knows stays the fallback if the page stops saying it.
                meta={
                    "kind": "article",
                    "source": source.name,
                    "hints": {"title": row["title"], "published": row["published"]},
                },
                dont_filter=True,
            )
