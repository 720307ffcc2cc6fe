"""`newsarchive schedule` for real: child crawls of local sites on second-scale timetables.

The scheduler runs as users run it (`python -m scraper schedule` in its own process),
is sent real signals, and is judged by its log and the crawls table.
"""

from __future__ import annotations

import json
import logging
import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import yaml

from archive.store import Archive
from scraper.config import load_config, parse_config
from scraper.scheduler import Scheduler, backoff_seconds, setup_logging
from tests.conftest import REPO, rows, run_cli, write_config
from tests.newssite import ARTICLES, Site, build_news_site, rss_feed, section_page

LOG_LINE = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) (\w+) (.*)$")


def wait_for(condition: Callable[[], object], timeout: float = 40, what: str = "") -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            result = condition()
        except sqlite3.OperationalError:  # the archive is still being created
            result = None
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what or condition}")


class Daemon:
    """`newsarchive schedule` running in a folder, logging to schedule.log there."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.log_path = folder / "schedule.log"
        self.stderr = open(folder / "stderr.txt", "w+")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "scraper", "schedule"],
            cwd=folder,
            env={**os.environ, "PYTHONPATH": str(REPO)},
            stdout=subprocess.DEVNULL,
            stderr=self.stderr,
        )

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8") if self.log_path.exists() else ""

    def events(self, pattern: str) -> list[tuple[datetime, str]]:
        """(time, message) of the log lines whose message matches ``pattern``."""
        found = []
        for line in self.log().splitlines():
            match = LOG_LINE.match(line)
            if match and re.search(pattern, match.group(3)):
                found.append((datetime.strptime(match.group(1), "%Y-%m-%d %H:%M:%S,%f"), match.group(3)))
        return found

    def wait_log(self, pattern: str, count: int = 1, timeout: float = 40) -> None:
        wait_for(lambda: len(self.events(pattern)) >= count, timeout, f"{count} x {pattern!r} in the log")

    def stop(self) -> tuple[int, float]:
        """SIGTERM; returns the exit code and how long the stop took."""
        start = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=60)
        return code, time.monotonic() - start

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.stderr.close()


def schedule_config(folder: Path, sources: list[dict], crawl: dict | None = None, **schedule: object) -> Path:
    path = write_config(folder, sources, **(crawl or {}))
    data = yaml.safe_load(path.read_text())
    data["schedule"] = {"jitter": "0.3s", "grace": "10s", "log_file": "schedule.log", **schedule}
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def slow_down(site: Site, seconds: float, gate: threading.Semaphore | None = None) -> Site:
    """Make every article page take this long to serve, each after taking a permit from the gate."""

    def slowly(page):
        if gate is not None:
            gate.acquire(timeout=60)
        time.sleep(seconds)
        return page

    for article in ARTICLES:
        site.pages[article.path] = lambda page=site.pages[article.path]: slowly(page)
    return site


def cli_process(*args: str, cwd: Path) -> subprocess.Popen:
    """`newsarchive ARGS` started in the background."""
    return subprocess.Popen(
        [sys.executable, "-m", "scraper", *args],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen) -> subprocess.CompletedProcess:
    stdout, stderr = process.communicate(timeout=60)
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def crawls(db: Path, source: str | None = None) -> list[dict]:
    if source:
        return rows(db, "SELECT * FROM crawls WHERE source = ? ORDER BY id", (source,))
    return rows(db, "SELECT * FROM crawls ORDER BY id")


# -- three sources on second-scale timetables, a reload in the middle ------------------


@pytest.fixture(scope="module")
def scheduled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Daemon, dict]]:
    site = build_news_site(Site()).start()
    folder = tmp_path_factory.mktemp("schedule")
    first = [
        {"name": "world", "feeds": [f"{site.base}/rss.xml"], "every": "3s"},
        {"name": "dead", "feeds": ["http://127.0.0.1:9/rss.xml"], "every": "2s"},
    ]
    path = schedule_config(folder, first, max_parallel=3, backoff_max="20s")
    daemon = Daemon(folder)
    facts: dict = {}
    try:
        daemon.wait_log(r"^world: ok in")
        # A broken config is reported, and the old one goes on being crawled.
        good = path.read_text()
        path.write_text(good + "  - name: [broken\n")
        daemon.process.send_signal(signal.SIGHUP)
        daemon.wait_log(r"config reload failed")
        done = len(daemon.events(r"^world: ok in"))
        daemon.wait_log(r"^world: ok in", count=done + 1)
        # A good one is taken up: its new source gets crawled.
        data = yaml.safe_load(good)
        data["sources"].append({"name": "atom", "feeds": [f"{site.base}/atom.xml"], "every": "3s"})
        path.write_text(yaml.safe_dump(data, sort_keys=False))
        daemon.process.send_signal(signal.SIGHUP)
        daemon.wait_log(r"^atom: ok in")
        daemon.wait_log(r"^dead: backing off", count=2)
        facts["code"], facts["stop_took"] = daemon.stop()
        facts["runs"] = run_cli("runs", "--limit", "100", cwd=folder)
        facts["runs_world"] = run_cli("runs", "--source", "world", "--limit", "1", cwd=folder)
        yield folder / "archive.db", daemon, facts
    finally:
        daemon.close()
        site.stop()


def test_sigterm_stops_the_scheduler_cleanly_within_the_grace_period(scheduled):
    db, daemon, facts = scheduled
    assert facts["code"] == 0, daemon.stderr.read()
    assert facts["stop_took"] < 10
    assert "scheduler stopped" in daemon.log()
    assert all(row["status"] != "running" and row["finished"] for row in crawls(db))
    daemon.stderr.seek(0)
    assert "Traceback" not in daemon.stderr.read() + daemon.log()


def test_every_run_is_recorded_and_runs_of_a_source_never_overlap(scheduled):
    db, daemon, _ = scheduled
    for source in ("world", "dead", "atom"):
        history = crawls(db, source)
        assert history, source
        started = daemon.events(rf"^{source}: crawl started")
        # Every launch left its row (the last one may have been stopped before it wrote any).
        assert len(started) - 1 <= len(history) <= len(started)
        for before, after in zip(history, history[1:]):
            assert after["started"] >= before["finished"], (source, before, after)
    assert len(crawls(db, "world")) >= 2


def test_runs_start_on_time_and_an_overrun_is_not_started_twice(scheduled):
    _, daemon, _ = scheduled
    launches = [when for when, _ in daemon.events(r"^world: crawl started")]
    finishes = [when for when, _ in daemon.events(r"^world: \w+ in ")]
    for previous, following, finished in zip(launches, launches[1:], finishes):
        gap = (following - previous).total_seconds()
        assert gap >= 3 - 0.1  # never early
        # At the first tick of its timetable after the previous run ended, plus jitter and a little slack.
        assert (following - finished).total_seconds() <= 3 + 0.3 + 2
    # A timetable tick that found the crawl still going was skipped, not queued.
    for when, message in daemon.events(r"^world: still crawling"):
        assert any(start < when <= end for start, end in zip(launches, finishes)), message


def test_a_reload_keeps_a_working_config_and_takes_up_a_good_one(scheduled):
    _, daemon, _ = scheduled
    failed = daemon.log().split("config reload failed", 1)[1]
    assert "config.yaml:" in failed.splitlines()[1]  # the file and line of the mistake
    assert daemon.events(r"^config reloaded from .*: 3 source")
    broken_at = daemon.events(r"config reload failed")[0][0]
    assert any(when > broken_at for when, _ in daemon.events(r"^world: ok in"))


def test_a_failing_source_backs_off_and_is_reported(scheduled):
    db, daemon, facts = scheduled
    failures = [row for row in crawls(db, "dead") if row["status"] == "failed"]
    backoffs = [row["backoff"] for row in failures if row["backoff"]]
    assert len(backoffs) >= 2
    assert backoffs == sorted(backoffs) and backoffs[0] == 4 and backoffs[1] == 8  # 2s doubled, per failure
    assert max(backoffs) <= 20  # backoff_max
    for before, after in zip(failures, failures[1:]):
        if before["backoff"]:
            waited = datetime.fromisoformat(after["started"]) - datetime.fromisoformat(before["finished"])
            assert waited.total_seconds() >= before["backoff"] - 1  # timestamps are to the second
    assert daemon.events(r"^dead: unhealthy \(failing\)")
    assert "dead: failing:" in facts["runs"].stdout
    assert "connection_refused" in facts["runs"].stdout


def test_runs_lists_the_history(scheduled):
    db, _, facts = scheduled
    assert facts["runs"].returncode == 0, facts["runs"].stderr
    for row in crawls(db):
        assert re.search(rf"^{row['run']}\s+{row['source']}\s", facts["runs"].stdout, re.MULTILINE)
    only = facts["runs_world"].stdout
    last = crawls(db, "world")[-1]
    assert re.search(rf"^{last['run']}\s+world\s", only, re.MULTILINE)
    assert " dead " not in only and " atom " not in only


# -- SIGTERM in the middle of a slow crawl; a second scheduler; a manual crawl -----------------


@pytest.fixture(scope="module")
def interrupted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Daemon, dict]]:
    gate = threading.Semaphore(0)
    site = slow_down(build_news_site(Site()), 0, gate).start()
    folder = tmp_path_factory.mktemp("sigterm")
    sources = [{"name": "slow", "feeds": [f"{site.base}/rss.xml", f"{site.base}/atom.xml"], "every": "1s"}]
    schedule_config(folder, sources, crawl={"per_site_concurrency": 1}, grace="8s")
    daemon = Daemon(folder)
    facts: dict = {}
    try:
        db = folder / "archive.db"
        wait_for(lambda: db.exists() and rows(db, "SELECT 1 FROM pages WHERE kind = 'feed'"), what="the feeds")
        # Both while the scheduler is crawling the slow source (its article pages wait for the gate).
        second = cli_process("schedule", cwd=folder)
        manual = cli_process("crawl", "--source", "slow", cwd=folder)
        facts["second"], facts["manual"] = finish(second), finish(manual)
        gate.release()  # one article page is served, then the crawl is stopped in the middle
        wait_for(lambda: rows(db, "SELECT 1 FROM articles"), what="a first article")
        daemon.wait_log(r"^slow: still crawling")
        start = time.monotonic()
        daemon.process.send_signal(signal.SIGTERM)
        # One more page arrives while the crawl stops; the others hang until the stop is forced.
        gate.release()
        facts["code"] = daemon.process.wait(timeout=60)
        facts["stop_took"] = time.monotonic() - start
        yield db, daemon, facts
    finally:
        gate.release(len(ARTICLES))
        daemon.close()
        site.stop()


def test_sigterm_during_a_crawl_leaves_a_consistent_archive(interrupted):
    db, daemon, facts = interrupted
    assert facts["code"] == 0
    assert facts["stop_took"] < 8  # the grace period
    assert daemon.events("^stopping: 1 crawl")
    [row] = crawls(db)
    assert row["status"] == "interrupted" and row["finished"]
    articles = rows(db, "SELECT * FROM articles")
    assert 0 < len(articles) < 5  # stopped part way
    assert row["new"] == len(articles)
    for article in articles:
        assert article["text"] and article["title"] and len(article["content_hash"]) == 64
    pages = {page["url"]: page for page in rows(db, "SELECT * FROM pages WHERE outcome = 'article'")}
    assert set(pages) == {article["url"] for article in articles}
    assert all(page["crawl_id"] == row["id"] and page["body_hash"] for page in pages.values())


def test_a_second_scheduler_on_the_same_archive_is_refused(interrupted):
    _, daemon, facts = interrupted
    second = facts["second"]
    assert second.returncode == 1
    assert f"process {daemon.process.pid}" in second.stderr
    assert "already running on" in second.stderr and "one scheduler per archive" in second.stderr
    assert "Traceback" not in second.stderr


def test_a_manual_crawl_of_a_source_being_crawled_is_refused(interrupted):
    db, _, facts = interrupted
    manual = facts["manual"]
    assert manual.returncode == 1
    assert "source 'slow' is being crawled by process" in manual.stderr and "--wait" in manual.stderr
    assert len(crawls(db)) == 1  # it wrote nothing


def test_an_overrunning_crawl_is_not_started_twice(interrupted):
    _, daemon, _ = interrupted
    assert len(daemon.events(r"^slow: crawl started")) == 1
    assert len(daemon.events(r"^slow: still crawling")) == 1  # said once, not at every tick


def test_a_crawl_waits_for_the_lock_when_asked(make_site, tmp_path: Path):
    site = slow_down(build_news_site(make_site()), 0.5)
    write_config(tmp_path, [{"name": "news", "feeds": [f"{site.base}/rss.xml"]}], per_site_concurrency=1)
    first = cli_process("crawl", cwd=tmp_path)
    db = tmp_path / "archive.db"
    wait_for(lambda: db.exists() and crawls(db), what="the first crawl to start")
    second = run_cli("crawl", "--wait", "60", cwd=tmp_path)
    assert finish(first).returncode == 0
    assert second.returncode == 0, second.stderr
    one, two = crawls(db)
    assert two["started"] >= one["finished"]
    assert one["new"] == 3 and two["new"] == 0


def test_a_killed_crawl_leaves_no_stale_lock_and_its_row_is_closed(make_site, tmp_path: Path):
    gate = threading.Semaphore(0)  # article pages hang until the end of the test
    site = slow_down(build_news_site(make_site()), 0, gate)
    write_config(tmp_path, [{"name": "news", "feeds": [f"{site.base}/rss.xml"]}])
    killed = cli_process("crawl", cwd=tmp_path)
    db = tmp_path / "archive.db"
    try:
        wait_for(lambda: rows(db, "SELECT 1 FROM pages WHERE kind = 'feed'"), what="the feed")
        killed.kill()
        killed.wait()
        assert crawls(db)[0]["status"] == "running"
        gate.release(len(ARTICLES))
        again = run_cli("crawl", cwd=tmp_path)  # no --wait: the dead process's lock is gone
        assert again.returncode == 0, again.stderr
    finally:
        gate.release(len(ARTICLES))
        finish(killed)
    first, second = crawls(db)
    assert first["status"] == "interrupted" and first["finished"] is None
    assert second["status"] == "ok" and second["new"] == 3


# -- health: silent sources, and sources whose pages stopped extracting ------------------


def test_silent_and_redesigned_sources_are_flagged(news_site: Site, tmp_path: Path):
    base = news_site.base
    sources = [
        {"name": "quiet", "urls": [f"{base}{ARTICLES[4].path}"]},
        {"name": "redesigned", "feeds": [f"{base}/rss.xml", f"{base}/atom.xml"]},
    ]
    schedule_config(tmp_path, sources, silent_after="1s")
    first = run_cli("crawl", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "extraction" not in run_cli("runs", cwd=tmp_path).stdout
    # The site is redesigned: new stories come as pages extraction can no longer read.
    fresh = []
    for number, article in enumerate(ARTICLES[:4]):
        fresh.append(replace(article, path=f"/new/story-{number}.html"))
        news_site.add(fresh[-1].path, section_page(base, ARTICLES[:2], article.title))
    news_site.add("/rss.xml", rss_feed(base, fresh), "application/rss+xml")
    second = run_cli("crawl", cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    report = run_cli("runs", cwd=tmp_path).stdout
    assert re.search(r"quiet: silent: no new article since \d{4}-", report)
    flag = "redesigned: extraction: extraction failed on 4 of the last 4 article pages (was 0 of 5 before)"
    assert flag in " ".join(report.split())  # however the lines were wrapped
    assert "all sources healthy" not in report
    # `stats` shows the same flags, per source.
    stats = json.loads(run_cli("stats", "--json", cwd=tmp_path).stdout)
    health = {row["source"]: row["health"] for row in stats["sources"]}
    assert health["quiet"].startswith("silent: no new article since")
    assert "extraction: extraction failed on 4 of the last 4" in health["redesigned"]


def test_a_new_source_is_healthy(scheduled):
    _, _, facts = scheduled
    flagged = {line.split(":")[0] for line in facts["runs"].stdout.splitlines() if ": failing:" in line or ": silent:" in line}
    assert flagged == {"dead"}


# -- the pieces: timetables, backoff, config, log rotation ---------------------------------


def test_backoff_doubles_per_failure_up_to_the_cap():
    waits = [backoff_seconds(60, failures, cap=600) for failures in range(6)]
    assert waits == [None, 120, 240, 480, 600, 600]
    # A cap below the source's own interval never makes it crawl more often.
    assert backoff_seconds(86400, 3, cap=3600) == 86400


def test_a_reload_times_the_interval_from_the_last_launch(news_site: Site, tmp_path: Path):
    # The archive's stamps are to the second and a child writes its row only once it runs:
    # a reload just after a launch must neither restart the source at once nor a second early.
    path = schedule_config(tmp_path, [{"name": "world", "feeds": [f"{news_site.base}/rss.xml"], "every": "1h"}])
    scheduler = Scheduler(load_config(path))
    scheduler.archive = Archive(scheduler.config.archive_path)
    scheduler.workdir = tmp_path / "work"
    scheduler.workdir.mkdir()
    try:
        scheduler._apply(scheduler.config)
        for _ in range(2):  # never crawled before; crawled before (the archive holds the last start)
            before = datetime.now()
            scheduler._launch("world")
            scheduler._apply(load_config(path))  # what SIGHUP does
            assert scheduler._job("world").next_run >= before + timedelta(hours=1)
            scheduler.children["world"].process.wait(timeout=60)
            scheduler._reap()
            assert crawls(tmp_path / "archive.db", "world")[-1]["status"] == "ok"
    finally:
        for child in scheduler.children.values():
            child.process.kill()
        scheduler.archive.close()


def test_schedule_settings_are_validated_with_their_line(tmp_path: Path):
    path = tmp_path / "config.yaml"
    path.write_text("schedule:\n  max_parallel: 0\n  jitter: soon\nsources:\n  - {name: a, feeds: ['https://a.example/rss']}\n")
    result = run_cli("check", "--config", str(path), cwd=tmp_path)
    assert result.returncode == 2
    assert "config.yaml:2: schedule.max_parallel:" in result.stderr
    assert "config.yaml:3: schedule.jitter: 'soon' is not a duration" in result.stderr
    config = parse_config("schedule: {jitter: 0, log_file: logs/s.log}\nsources: [{name: a, urls: ['https://a.example/']}]", path)
    assert config.schedule.seconds("jitter") == 0 and config.schedule.seconds("grace") == 30
    assert config.log_path == tmp_path / "logs" / "s.log"


def test_the_scheduler_log_rotates(tmp_path: Path):
    config = parse_config(
        "schedule: {log_file: s.log, log_max_bytes: 10000, log_backups: 2}\n"
        "sources: [{name: a, urls: ['https://a.example/']}]",
        tmp_path / "config.yaml",
    )
    setup_logging(config)
    for number in range(500):
        logging.getLogger("newsarchive.schedule").info("line %d of the scheduler's log", number)
    for handler in logging.getLogger("newsarchive.schedule").handlers:
        handler.close()
    logs = sorted(path.name for path in tmp_path.glob("s.log*"))
    assert logs == ["s.log", "s.log.1", "s.log.2"]
    assert all(path.stat().st_size <= 10000 for path in tmp_path.glob("s.log*"))
    assert "line 499 " in (tmp_path / "s.log").read_text()
