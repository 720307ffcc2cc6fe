"""Which crawlers a run builds: one per way of finding articles, shared by the sources
whose crawl settings match (scraper/crawl.py)."""

from __future__ import annotations

import pytest
from scrapy.utils.test import get_crawler

from scraper.config import Config, ConfigError
from scraper.crawl.configure import crawl_settings
from scraper.crawl.run import crawler_groups
from spiders.sitemaps import SitemapSpider


def config(*sources: dict) -> Config:
    return Config.model_validate({"sources": list(sources)})


def names(groups):
    return [(mode, [source.name for source in group]) for mode, group in groups]


def test_sources_with_the_same_settings_share_one_crawler_per_mode():
    cfg = config(
        {"name": "a", "feeds": ["http://a.example/rss"], "sitemaps": ["http://a.example/sitemap.xml"]},
        {"name": "b", "sitemaps": ["http://b.example/sitemap.xml"]},
        {"name": "c", "feeds": ["http://c.example/rss"], "urls": ["http://c.example/story.html"]},
    )
    assert names(crawler_groups(cfg, cfg.sources, due=set())) == [
        ("feeds", ["a", "c"]),
        ("sitemaps", ["a", "b"]),
        ("urls", ["c"]),
    ]


def test_a_source_with_its_own_settings_gets_its_own_crawlers():
    cfg = config(
        {"name": "a", "feeds": ["http://a.example/rss"]},
        {"name": "slow", "feeds": ["http://slow.example/rss"], "delay": 10},
        {"name": "b", "feeds": ["http://b.example/rss"]},
        {"name": "rude", "feeds": ["http://rude.example/rss"], "user_agent": "other/1.0"},
    )
    groups = crawler_groups(cfg, cfg.sources, due=set())
    assert names(groups) == [("feeds", ["a", "b"]), ("feeds", ["slow"]), ("feeds", ["rude"])]
    # Each crawler is built with the settings of its first source: right for all of them.
    for _, group in groups:
        assert all(crawl_settings(cfg, source) == crawl_settings(cfg, group[0]) for source in group)


def test_only_sources_with_revisits_due_get_a_revisit_crawler():
    cfg = config(
        {"name": "a", "feeds": ["http://a.example/rss"]},
        {"name": "b", "feeds": ["http://b.example/rss"]},
    )
    assert names(crawler_groups(cfg, cfg.sources, due={"b"})) == [("feeds", ["a", "b"]), ("revisits", ["b"])]
    assert names(crawler_groups(cfg, cfg.sources, due=set())) == [("feeds", ["a", "b"])]


def test_scrapy_crawl_refuses_sources_whose_settings_differ():
    cfg = config(
        {"name": "a", "sitemaps": ["http://a.example/sitemap.xml"]},
        {"name": "slow", "sitemaps": ["http://slow.example/sitemap.xml"], "delay": 10},
    )
    with pytest.raises(ConfigError, match="a, slow: sources crawled together need the same crawl settings"):
        SitemapSpider.from_crawler(get_crawler(SitemapSpider), source="a,slow", config=cfg)
