"""The scheduler's request queue: a share in memory, the rest on disk (scraper/queues.py)."""

from __future__ import annotations

from pathlib import Path

import scrapy
from scrapy.utils.test import get_crawler

from scraper.crawl.queues import SpillingQueue


class QueueSpider(scrapy.Spider):
    name = "queue"

    def parse_article(self, response):
        yield from ()

    def on_error(self, failure):
        pass


def crawler_with(settings: dict):
    crawler = get_crawler(QueueSpider, settings)
    crawler.spider = QueueSpider.from_crawler(crawler)
    return crawler


def requests(spider: QueueSpider, count: int) -> list[scrapy.Request]:
    return [
        scrapy.Request(
            f"http://example.com/news/{number}.html",
            callback=spider.parse_article,
            errback=spider.on_error,
            meta={"kind": "article", "hints": {"title": f"Story {number}"}},
        )
        for number in range(count)
    ]


def test_requests_past_the_share_in_memory_wait_on_disk_and_come_back_whole(tmp_path: Path):
    crawler = crawler_with({"NEWSARCHIVE_QUEUE_DIR": str(tmp_path), "NEWSARCHIVE_QUEUE_IN_MEMORY": 5})
    queue = SpillingQueue.from_crawler(crawler, "/example.com/0")
    sent = requests(crawler.spider, 30)
    for request in sent:
        queue.push(request)
    assert len(queue) == 30
    assert len(queue.memory) == 5
    assert crawler.stats.get_value("newsarchive/queued_on_disk") == 25
    assert [path for path in tmp_path.rglob("*") if path.is_file()]  # the 25 are in a file

    assert queue.peek().url == sent[4].url  # last in, first out: memory first
    back = [queue.pop() for _ in range(30)]
    assert queue.pop() is None and len(queue) == 0
    assert sorted(request.url for request in back) == sorted(request.url for request in sent)
    from_disk = back[-1]
    assert from_disk.url == sent[5].url
    assert from_disk.callback.__name__ == "parse_article" and from_disk.errback.__name__ == "on_error"
    assert from_disk.meta["hints"] == {"title": "Story 5"}
    queue.close()
    assert not [path for path in tmp_path.rglob("*") if path.is_file()]  # an emptied queue leaves no file


def test_without_a_folder_every_request_stays_in_memory():
    crawler = crawler_with({"NEWSARCHIVE_QUEUE_IN_MEMORY": 5})
    queue = SpillingQueue.from_crawler(crawler, "/example.com/0")
    for request in requests(crawler.spider, 30):
        queue.push(request)
    assert len(queue.memory) == 30 and queue.disk is None
    queue.close()
