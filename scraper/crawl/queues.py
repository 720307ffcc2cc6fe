"""The scheduler's request queue: the first requests in memory, the rest on disk.

A sitemap may queue 100,000 requests, so they cannot all wait in memory; but
pickling every request to disk costs the event loop more than anything else
Scrapy does for a page (``Request.to_dict`` looks the callback up among all the
spider's members), and most queues never hold more than a few dozen. So each
queue keeps ``NEWSARCHIVE_QUEUE_IN_MEMORY`` requests in memory and spills the
rest to one of Scrapy's pickling disk queues under ``NEWSARCHIVE_QUEUE_DIR``
(a folder of the run, removed with it). Without a folder it stays in memory.
"""

from __future__ import annotations

from collections import deque
from pathlib import Path

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.squeues import PickleLifoDiskQueue


class SpillingQueue:
    """A last-in first-out request queue that spills to disk past its share of memory."""

    def __init__(self, crawler: Crawler, key: str):
        self.crawler = crawler
        folder = crawler.settings.get("NEWSARCHIVE_QUEUE_DIR")
        # key: "/<download slot>/<priority>" from Scrapy's priority queues.
        self.path = Path(folder, key.strip("/")) if folder else None
        self.limit = crawler.settings.getint("NEWSARCHIVE_QUEUE_IN_MEMORY") if self.path else None
        self.memory: deque[Request] = deque()
        self.disk: PickleLifoDiskQueue | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler, key: str) -> SpillingQueue:
        return cls(crawler, key)

    def push(self, request: Request) -> None:
        if self.limit is None or len(self.memory) < self.limit:
            self.memory.append(request)
            return
        if self.disk is None:
            self.disk = PickleLifoDiskQueue.from_crawler(self.crawler, str(self.path))
        self.disk.push(request)
        self.crawler.stats.inc_value("newsarchive/queued_on_disk")

    def pop(self) -> Request | None:
        if self.memory:
            return self.memory.pop()
        return self.disk.pop() if self.disk is not None else None

    def peek(self) -> Request | None:
        if self.memory:
            return self.memory[-1]
        return self.disk.peek() if self.disk is not None else None

    def close(self) -> None:
        if self.disk is not None:
            self.disk.close()  # deletes its files once empty

    def __len__(self) -> int:
        return len(self.memory) + (len(self.disk) if self.disk is not None else 0)
