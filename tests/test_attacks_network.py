"""Attacks through the network, on loopback: Redis entries, DNS answers, private hosts,
canonical URLs and XML feeds an adversary controls (issue 21).

Names resolve through a scripted resolver (``tests/scripted_dns.py``), never real DNS.
"""

from __future__ import annotations

import json
import os
import pickle
import threading
import time
from pathlib import Path

import pytest
import redis
import yaml

from scraper.cli import EXIT_FAILED
from scraper.config import FrontierError
from scraper.distributed.frontier import Frontier
from tests.conftest import TEST_CRAWL, rows
from tests.generated_site import build_generated_site
from tests.harness import INSTALLED, Process, redis_server
from tests.newssite import Site

needs_redis = pytest.mark.skipif(
    not INSTALLED, reason="redis-server is not installed (apt-get install redis-server); .ci/run installs it"
)


class PlantsAFile:
    """Unpickling this creates ``path``: the proof that code from Redis ran."""

    def __init__(self, path: Path):
        self.path = path

    def __reduce__(self):
        return (open, (str(self.path), "w"))


def poison(client: redis.Redis, payload: bytes, round_: int) -> None:
    """Push the payload into every key of the frontier that holds entries, in every form
    our code reads: queued requests, leased ones (with and without a score), pages."""
    for key in client.scan_iter("newsarchive:*"):
        kind = client.type(key)
        name = key.decode()
        if name.startswith("newsarchive:dead-letter"):
            continue
        if kind == b"zset":
            client.zadd(key, {payload + b"%d" % round_: -1e9, f"evil-{round_}": 0})
        elif kind == b"list":
            client.lpush(key, payload)
        elif kind == b"set":
            client.sadd(key, payload)
        elif kind == b"hash":
            client.hset(key, f"evil-{round_}", payload)
            if name.startswith("newsarchive:inflight:"):
                # A leased request past its deadline, as the scripts write it ("score\ndata"), and one without a score.
                deadlines = name.replace(":inflight:", ":deadlines:")
                client.hset(key, mapping={f"evil-{round_}": b"0\n" + payload, f"evil-raw-{round_}": payload})
                client.zadd(deadlines, {f"evil-{round_}": 0, f"evil-raw-{round_}": 0})


@needs_redis
def test_pickles_pushed_into_every_frontier_key_run_no_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    site = Site()
    urls = build_generated_site(site, 150)
    site.start()
    marker = tmp_path / "pwned"
    payload = pickle.dumps(PlantsAFile(marker))
    monkeypatch.setenv("NEWSARCHIVE_REDIS_PASSWORD", "s3cret-frontier")  # requirepass: the URL carries none
    processes: list[Process] = []
    try:
        with redis_server(tmp_path, password="s3cret-frontier") as server:
            client = server.client()
            data = {
                "archive": "archive.db",
                "frontier": server.url,
                "frontier_timeout": "5s",
                "crawl": {**TEST_CRAWL, "per_site_concurrency": 2},
                "sources": [{"name": "gazette", "sitemaps": [f"{site.base}/sitemap.xml"]}],
            }
            (tmp_path / "config.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
            # Planted before anyone starts: the keys every process reads first.
            for key in ("requests:gazette:sitemaps", "items", "items:processing"):
                client.lpush("newsarchive:" + key, payload) if key.startswith("items") else client.zadd("newsarchive:" + key, {payload: -1e9})
            processes.append(Process(tmp_path, "writer", "writer", "--config", "config.yaml", "-v"))
            crawl = Process(tmp_path, "crawl", "crawl", "--config", "config.yaml")
            processes.append(crawl)
            # And during the crawl, into whatever keys exist, until it has archived half the site.
            for round_ in range(200):
                poison(client, payload, round_)
                if archived(tmp_path) >= 75 or crawl.popen.poll() is not None:
                    break
                time.sleep(0.1)
            # It ends, reporting the run partial: it met entries it would not read.
            assert crawl.popen.wait(120) == EXIT_FAILED, crawl.log
            assert not marker.exists(), "code from Redis ran"
            assert {row["url"] for row in rows(tmp_path / "archive.db", "SELECT url FROM articles")} == set(urls)
            moved = Frontier(server.url).dead_letters()
            assert moved.get("requests", 0) >= 2 and moved.get("items", 0) >= 2 and moved.get("inflight", 0) >= 1, moved
            (crawl_row,) = rows(tmp_path / "archive.db", "SELECT * FROM crawls")
            assert crawl_row["status"] == "partial" and crawl_row["new"] == len(urls)
            assert json.loads(crawl_row["error_kinds"]).get("bad_frontier_entry", 0) >= 1, crawl_row
            writer = processes[0]
            assert writer.stop() == 0, writer.log
            for process in processes:
                assert "Traceback" not in process.log, process.log
            assert "moved aside" in crawl.log + writer.log
    finally:
        for process in processes:
            if process.popen.poll() is None:
                process.kill()
        site.stop()


def archived(folder: Path) -> int:
    try:
        return rows(folder / "archive.db", "SELECT count(*) AS n FROM articles")[0]["n"]
    except Exception:  # not created yet
        return 0


@needs_redis
def test_redis_credentials_come_from_the_environment_and_stay_out_of_messages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    with redis_server(tmp_path, password="s3cret-frontier") as server:
        monkeypatch.delenv("NEWSARCHIVE_REDIS_PASSWORD", raising=False)
        with pytest.raises(FrontierError, match="Authentication required"):
            Frontier(server.url).check()
        wrong = server.url.replace("redis://", "redis://:not-the-password@")
        with pytest.raises(FrontierError) as refused:
            Frontier(wrong).check()
        assert "not-the-password" not in str(refused.value) and ":***@" in str(refused.value)
        monkeypatch.setenv("NEWSARCHIVE_REDIS_PASSWORD", "s3cret-frontier")
        Frontier(server.url).check()
