"""Distributed mode for real: a redis-server on a free loopback port, `newsarchive crawl`,
`newsarchive worker` and `newsarchive writer` processes, a 2,000-page site on 127.0.0.1.

Each test crawls the whole site into a fresh archive: once with a crawl and two
workers, once with a worker killed half-way, once with the writer killed half-way;
every page must be archived exactly once. The crawl process works on the frontier
like the workers, so it counts as one of them.
"""

from __future__ import annotations

import sqlite3
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis
import yaml

from tests.conftest import TEST_CRAWL, needs_redis
from tests.generated_site import build_generated_site, story
from tests.harness import Process, RedisServer
from tests.newssite import Site

PAGES = 2000
LEASE = "5s"  # frontier_timeout: how soon a dead worker's or writer's work is taken back

pytestmark = needs_redis


@pytest.fixture(scope="module")
def big_site() -> Iterator[tuple[Site, list[str]]]:
    site = Site()
    urls = build_generated_site(site, PAGES)
    site.start()
    yield site, urls
    site.stop()


class Cluster:
    """One folder with the configs of a crawl, its workers and its writer."""

    def __init__(self, folder: Path, site: Site, redis_url: str):
        self.folder = folder
        self.site = site
        self.redis = redis.Redis.from_url(redis_url)
        self.redis.flushdb()
        self.first_request = len(site.requests)
        self.processes: list[Process] = []
        for name in ("config", "worker-a", "worker-b"):
            data = {
                "archive": "archive.db",
                "frontier": redis_url,
                "frontier_timeout": LEASE,
                "crawl": {**TEST_CRAWL, "per_site_concurrency": 8, "user_agent": f"newsarchive-test/{name}"},
                "sources": [{"name": "gazette", "sitemaps": [f"{site.base}/sitemap.xml"]}],
            }
            (folder / f"{name}.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")

    def start(self, name: str, *args: str) -> Process:
        process = Process(self.folder, name, *args)
        self.processes.append(process)
        return process

    def writer(self, name: str = "writer") -> Process:
        return self.start(name, "writer", "--config", "config.yaml", "-v")

    def worker(self, name: str) -> Process:
        return self.start(name, "worker", "--config", f"{name}.yaml")

    def ready_worker(self, name: str) -> Process:
        """A worker that has opened its spider: it takes requests from the frontier from now on."""
        worker = self.start(name, "worker", "--config", f"{name}.yaml", "--verbose")
        wait_until(lambda: "Spider opened" in worker.log, timeout=60, what=f"{name} to open its spider")
        return worker

    def crawl(self) -> Process:
        return self.start("crawl", "crawl", "--config", "config.yaml")

    def fetches(self) -> Counter[tuple[str, str]]:
        """(path, user agent) of every request the site received since this cluster began."""
        return Counter((path, headers.get("User-Agent", "")) for path, headers in self.site.requests[self.first_request :])

    def archived(self) -> int:
        db = self.folder / "archive.db"
        if not db.exists():
            return 0
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
            try:
                return conn.execute("SELECT count(*) FROM articles").fetchone()[0]
            except sqlite3.OperationalError:
                return 0

    def stop_all(self) -> None:
        for process in self.processes:
            if process.popen.poll() is None:
                process.stop()


@pytest.fixture
def cluster(tmp_path: Path, big_site: tuple[Site, list[str]], redis_service: RedisServer) -> Iterator[Cluster]:
    cluster = Cluster(tmp_path, big_site[0], redis_service.url)
    yield cluster
    cluster.stop_all()


def wait_until(condition: Callable[[], bool], timeout: float = 120, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def check_archive(cluster: Cluster, urls: list[str]) -> dict:
    """Every page of the site is archived once as an article, in one crawls row; returns that row."""
    conn = sqlite3.connect(cluster.folder / "archive.db")
    conn.row_factory = sqlite3.Row
    articles = [row[0] for row in conn.execute("SELECT url FROM articles")]
    assert len(articles) == len(set(articles)) == PAGES
    assert set(articles) == set(urls)
    outcomes = Counter(row[0] for row in conn.execute("SELECT outcome FROM pages"))
    assert outcomes == {"article": PAGES, "listing": 1}
    assert {row[0] for row in conn.execute("SELECT title FROM articles")} == {story(i)[0] for i in range(PAGES)}
    crawls = [dict(row) for row in conn.execute("SELECT * FROM crawls")]
    assert len(crawls) == 1 and crawls[0]["status"] == "ok" and crawls[0]["finished"], crawls
    assert {row[0] for row in conn.execute("SELECT DISTINCT crawl_id FROM pages")} == {crawls[0]["id"]}
    conn.close()
    return crawls[0]


def check_frontier_drained(cluster: Cluster) -> None:
    """Nothing queued, in flight or waiting for the writer (Redis deletes empty lists, sets and hashes)."""
    queues = (b"requests", b"inflight", b"deadlines", b"items")
    left = [key for key in cluster.redis.scan_iter("newsarchive:*") if key.split(b":")[1] in queues]
    assert not left


def test_two_workers_and_a_crawl_archive_every_page_once(cluster: Cluster, big_site):
    _, urls = big_site
    writer = cluster.writer()
    # Ready before the crawl starts, or a crawl quicker to start than they are takes every page.
    workers = [cluster.ready_worker("worker-a"), cluster.ready_worker("worker-b")]
    crawl = cluster.crawl()
    assert crawl.popen.wait(150) == 0, crawl.log
    assert "gazette" in crawl.log and f"{PAGES}" in crawl.log  # the summary: 2000 new articles

    crawl_row = check_archive(cluster, urls)
    assert crawl_row["new"] == PAGES and crawl_row["pages"] == PAGES + 1 and crawl_row["errors"] == 0

    fetches = cluster.fetches()
    article_fetches = Counter(path for path, _ in fetches if path.startswith("/news/"))
    assert len(article_fetches) == PAGES and set(article_fetches.values()) == {1}, "a page was fetched twice"
    agents = Counter(agent.rsplit("/", 1)[-1] for (path, agent) in fetches if path.startswith("/news/"))
    assert set(agents) == {"config", "worker-a", "worker-b"}, agents  # all three processes did work
    assert fetches[("/sitemap.xml", "newsarchive-test/config")] + sum(
        fetches[("/sitemap.xml", f"newsarchive-test/{w}")] for w in ("worker-a", "worker-b")
    ) == 1, "discovery ran more than once"

    for worker in workers:
        assert worker.stop() == 0, worker.log
    assert writer.stop() == 0, writer.log
    assert f"writer: {PAGES + 1} pages written" in writer.log
    check_frontier_drained(cluster)


def test_a_worker_killed_half_way_loses_no_page(cluster: Cluster, big_site):
    _, urls = big_site
    # The crawl fetches 2 pages at a time and the victim 8, so the victim is busy when killed.
    config = yaml.safe_load((cluster.folder / "config.yaml").read_text(encoding="utf-8"))
    config["crawl"]["per_site_concurrency"] = 2
    (cluster.folder / "config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    cluster.writer()
    victim = cluster.ready_worker("worker-a")
    crawl = cluster.crawl()  # works on the frontier too: the survivor
    wait_until(
        lambda: sum(n for (path, agent), n in cluster.fetches().items() if agent.endswith("worker-a")) >= 100
        and cluster.archived() >= PAGES // 4,
        what="worker-a to be busy",
    )
    victim.kill()  # SIGKILL: its leased requests stay in flight in Redis until their deadline
    assert cluster.archived() < PAGES
    assert crawl.popen.wait(150) == 0, crawl.log

    crawl_row = check_archive(cluster, urls)
    assert crawl_row["new"] == PAGES
    assert "requests of a worker that stopped answering went back to the queue" in crawl.log
    check_frontier_drained(cluster)


def test_the_writer_restarted_half_way_loses_no_page(cluster: Cluster, big_site):
    _, urls = big_site
    cluster.worker("worker-a")
    crawl = cluster.crawl()
    for attempt in range(5):
        first = cluster.start(f"writer-{attempt}", "writer", "--config", "config.yaml", "--batch", "200", "-v")
        wait_until(
            lambda: cluster.archived() >= PAGES // 4 and cluster.redis.llen("newsarchive:items:processing") > 0,
            what="the writer to be mid-batch",
        )
        first.kill()  # SIGKILL mid-batch: what it took is still in its processing list
        unacknowledged = cluster.redis.llen("newsarchive:items:processing")
        if unacknowledged:
            break  # else the batch was acknowledged between the look and the kill: strike again
    assert unacknowledged > 0
    assert cluster.archived() < PAGES
    second = cluster.start("writer-2", "writer", "--config", "config.yaml", "-v")
    assert crawl.popen.wait(150) == 0, crawl.log

    crawl_row = check_archive(cluster, urls)
    # Pages the first writer committed but did not acknowledge are written again: unchanged.
    assert crawl_row["new"] + crawl_row["unchanged"] == PAGES
    assert second.stop() == 0
    assert f"writing again {unacknowledged} pages taken but not acknowledged" in second.log
    check_frontier_drained(cluster)


def test_a_redis_restart_is_ridden_out(cluster: Cluster, big_site, redis_service: RedisServer):
    _, urls = big_site
    writer = cluster.writer()
    crawl = cluster.crawl()
    wait_until(lambda: cluster.archived() >= PAGES // 4, what="a quarter of the pages")
    redis_service.stop()
    time.sleep(2)
    redis_service.start()
    assert crawl.popen.wait(150) == 0, crawl.log

    crawl_row = check_archive(cluster, urls)  # every page, all in the run's crawls row
    # Work taken but not acknowledged when Redis went away is done again: it counts as unchanged.
    assert crawl_row["new"] + crawl_row["unchanged"] >= PAGES
    for process in (crawl, writer):
        log = process.log
        assert log.count(f"Redis at {redis_service.url} is unreachable") == 1, log
        assert f"Redis at {redis_service.url} is back after" in log
    check_frontier_drained(cluster)


def test_a_full_disk_stops_the_writer_in_one_line_and_loses_no_page(cluster: Cluster, big_site, small_disk: Path):
    config = cluster.folder / "config.yaml"
    data = yaml.safe_load(config.read_text())
    data["archive"] = str(small_disk / "archive.db")
    config.write_text(yaml.safe_dump(data))
    writer = cluster.writer()
    crawl = cluster.crawl()
    assert writer.popen.wait(180) == 1
    assert "Traceback" not in writer.log
    assert "Error: writer stopped, the archive could not be written: archive_full" in writer.log
    with sqlite3.connect(f"file:{small_disk / 'archive.db'}?mode=ro", uri=True) as conn:
        archived = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    assert 0 < archived < PAGES
    # What it could not write waits in Redis for the next writer: taken, or still queued.
    waiting = cluster.redis.llen("newsarchive:items") + cluster.redis.llen("newsarchive:items:processing")
    assert waiting > 0
    crawl.kill()  # it waits for a writer to archive its pages, as it should
