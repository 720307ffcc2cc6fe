"""Per-site limits hold across every crawler of a run: a site reached by several
sources and several ways is still asked one request at a time, with the delay."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import run_cli, write_config
from tests.newssite import ARTICLES, build_news_site


def test_one_site_crawled_by_four_crawlers_gets_one_request_at_a_time(make_site, tmp_path: Path):
    site = build_news_site(make_site())
    site.slow = 0.15  # long enough for overlapping requests to show
    base = site.base
    write_config(
        tmp_path,
        [
            {"name": "by-feeds", "feeds": [f"{base}/rss.xml", f"{base}/atom.xml"], "sitemaps": [f"{base}/sitemap_index.xml"]},
            {"name": "by-urls", "urls": [base + article.path for article in ARTICLES]},
            {"name": "by-sections", "sections": [f"{base}/world/"], "follow": ["/20\\d\\d/"]},
        ],
        per_site_concurrency=1,
        concurrency=8,
        delay=0.2,
    )
    result = run_cli("crawl", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert len(site.requests) >= 10
    assert site.max_active == 1
    # DOWNLOAD_DELAY 0.2 with Scrapy's +-50% jitter: never two starts closer than 0.1 s.
    gaps = [later - earlier for earlier, later in zip(site.started, site.started[1:])]
    assert min(gaps) >= 0.1 - 0.01


def test_several_requests_at_once_when_allowed(make_site, tmp_path: Path):
    site = build_news_site(make_site())
    site.slow = 0.3
    base = site.base
    write_config(tmp_path, [{"name": "by-urls", "urls": [base + article.path for article in ARTICLES]}], per_site_concurrency=3)
    result = run_cli("crawl", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert site.max_active == 3
