"""Shared fixtures: a real news site on 127.0.0.1, configs in tmp dirs, the real CLI."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.harness import INSTALLED, RedisServer, redis_server
from tests.newssite import Site, build_news_site

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"

# Fast, still-real crawl settings for local servers: no politeness delay to wait out.
TEST_CRAWL = {"delay": 0, "autothrottle": False, "workers": 0, "retries": 1, "timeout": 10}


@pytest.fixture
def news_site() -> Iterator[Site]:
    site = build_news_site(Site()).start()
    yield site
    site.stop()


@pytest.fixture
def make_site() -> Iterator:
    """Start empty Sites that a test fills itself."""
    sites: list[Site] = []

    def start() -> Site:
        site = Site().start()
        sites.append(site)
        return site

    yield start
    for site in sites:
        site.stop()


def write_config(folder: Path, sources: list[dict], **crawl: object) -> Path:
    """A config.yaml in ``folder`` with these sources and fast test crawl settings."""
    path = folder / "config.yaml"
    data = {"archive": "archive.db", "crawl": {**TEST_CRAWL, **crawl}, "sources": sources}
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def run_cli(*args: str, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run `newsarchive ARGS` as a user would, in its own process (a crawl needs a fresh reactor)."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "scraper", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def rows(db: Path, sql: str, params: tuple = ()) -> list[dict]:
    """The rows of a query on an archive file, as dicts."""
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(row) for row in conn.execute(sql, params)]
    finally:
        conn.close()


def invoke(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """Run a `newsarchive` command that does not crawl in this process: the same CLI, without
    the cost of starting Python (a crawl needs its own process: use run_cli)."""
    from click.testing import CliRunner

    from scraper.cli import cli

    with contextlib.chdir(cwd):
        result = CliRunner().invoke(cli, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return subprocess.CompletedProcess(list(args), result.exit_code, result.stdout, result.stderr)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 1 MB tmpfs (needs root, as CI and the dev machines run)."""
    folder = tmp_path / "disk"
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(folder)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


# Tests of distributed mode start a redis-server of their own.
needs_redis = pytest.mark.skipif(not INSTALLED, reason="redis-server is not installed (apt-get install redis-server); .ci/run installs it")


@pytest.fixture(scope="module")
def redis_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    """One redis-server for a module's tests."""
    with redis_server(tmp_path_factory.mktemp("redis")) as server:
        yield server
