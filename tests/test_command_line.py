"""The command line as an operator meets it, with real crawls of sites on 127.0.0.1: tables that
fit 80 columns (plain text in pipes, a table on a real terminal), --json, the labels of sources
that archived nothing or failed, one lock file, busy sources skipped, clean stops, missing
archive folders and WARC revisits."""

from __future__ import annotations

import dataclasses
import fcntl
import json
import os
import pty
import re
import signal
import sqlite3
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from tests.conftest import REPO, invoke, rows, write_config
from tests.newssite import ARTICLES, Site, build_bulk_site, build_news_site
from tests.test_scheduler import cli_process, finish, slow_down, wait_for

BOX_DRAWING = re.compile("[\u2500-\u257f]")
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
TIMESTAMP = re.compile(r"\b\d{4}-\d\d-\d\d \d\d:\d\d\b")


def cli80(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """`newsarchive ARGS` with its output piped, as cron or systemd run it, with COLUMNS=80."""
    return subprocess.run(
        [sys.executable, "-m", "scraper", *args],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(REPO), "COLUMNS": "80"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def on_terminal(*args: str, cwd: Path, columns: int = 80) -> str:
    """`newsarchive ARGS` on a real (pseudo) terminal this many columns wide; what it showed."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    env = {**os.environ, "PYTHONPATH": str(REPO), "TERM": "xterm-256color"}
    env.pop("COLUMNS", None)
    process = subprocess.Popen([sys.executable, "-m", "scraper", *args], cwd=cwd, env=env, stdin=follower, stdout=follower, stderr=follower)
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the terminal's last user is gone
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    assert process.wait(60) == 0
    return ANSI.sub("", shown.decode("utf-8")).replace("\r\n", "\n")


def says(output: str, sentence: str) -> bool:
    """Whether the output has this sentence, however it was wrapped to the width."""
    return re.search(r"\s+".join(map(re.escape, sentence.split())), output) is not None


def widest(text: str) -> int:
    return max((len(line) for line in text.splitlines()), default=0)


@dataclasses.dataclass
class Crawled:
    folder: Path
    db: Path
    site: Site
    first: subprocess.CompletedProcess
    again: subprocess.CompletedProcess  # the second crawl of `daily`, with --json


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawled]:
    """Two crawls: one of a working source, one whose entries are all older than its `since`,
    and one whose only feed is a 404; then the working one again (its feed answers 304)."""
    site = build_news_site(Site()).start()
    site.pages["/rss.xml"].headers["ETag"] = '"feed-1"'
    folder = tmp_path_factory.mktemp("operator")
    write_config(
        folder,
        [
            {"name": "daily", "feeds": [f"{site.base}/rss.xml"]},
            {"name": "stale", "feeds": [f"{site.base}/atom.xml"], "since": "1d"},  # entries of 2026-11-27
            {"name": "gone", "feeds": [f"{site.base}/no-such-feed.xml"]},
        ],
    )
    first = cli80("crawl", cwd=folder)
    again = cli80("crawl", "--json", "--source", "daily", cwd=folder)
    yield Crawled(folder, folder / "archive.db", site, first, again)
    site.stop()


def summary_rows(output: str, names: tuple[str, ...] = ("daily", "stale", "gone")) -> dict[str, list[str]]:
    """The cells of the table rows of these sources."""
    return {cells[0]: cells for line in output.splitlines() if (cells := line.split()) and cells[0] in names}


def test_piped_tables_are_plain_text_at_most_80_columns(crawled):
    runs = cli80("runs", cwd=crawled.folder)
    stats = cli80("stats", cwd=crawled.folder)
    for result in (crawled.first, runs, stats):
        assert "Traceback" not in result.stderr, result.stderr
        assert widest(result.stdout) <= 80, result.stdout
        assert not BOX_DRAWING.search(result.stdout), result.stdout
    # Timestamps are whole: to the minute, never cut or wrapped.
    assert len(TIMESTAMP.findall(runs.stdout)) == 4 and len(TIMESTAMP.findall(stats.stdout)) >= 3


def test_a_terminal_gets_a_table_that_fits_80_columns(crawled):
    for command in ("stats", "runs"):
        shown = on_terminal(command, cwd=crawled.folder)
        assert widest(shown) <= 80, shown
        assert "─" in shown  # a rule under the headers
        assert TIMESTAMP.search(shown)
    wide = on_terminal("stats", cwd=crawled.folder, columns=200)
    assert "last new article" in wide and "not shown" not in wide


def test_the_summary_names_the_run_as_runs_does(crawled):
    run = re.match(r"run ([0-9a-f]{12}) -> archive\.db$", crawled.first.stdout.splitlines()[0])
    assert run, crawled.first.stdout
    assert {row["run"] for row in rows(crawled.db, "SELECT run FROM crawls WHERE source = 'stale'")} == {run[1]}
    listed = cli80("runs", "--source", "stale", cwd=crawled.folder).stdout
    assert re.search(rf"^{run[1]}\s+stale\s", listed, re.MULTILINE), listed


def test_a_source_that_never_archived_an_article_is_flagged_with_its_reason(crawled):
    assert crawled.first.returncode == 1  # not everything went well
    assert summary_rows(crawled.first.stdout)["stale"][1] == "empty"
    reason = "no article archived yet"
    assert says(crawled.first.stdout, f"stale: {reason}; this crawl: 2 entries older than `since`")
    [row] = rows(crawled.db, "SELECT * FROM crawls WHERE source = 'stale'")
    assert row["status"] == "empty" and row["skipped_old"] == 2
    runs = cli80("runs", cwd=crawled.folder).stdout
    assert says(runs, f"stale: empty: {reason}; its last crawl: 2 entries older than `since`")
    assert "all sources healthy" not in runs
    stats = cli80("stats", cwd=crawled.folder).stdout
    assert summary_rows(stats)["stale"][-1] == "empty"
    as_json = {row["source"]: row for row in json.loads(cli80("stats", "--json", cwd=crawled.folder).stdout)["sources"]}
    assert as_json["stale"]["health"].startswith(f"empty: {reason}")
    assert as_json["daily"]["health"] == "ok"


def test_a_source_whose_only_feed_is_404_is_failed_in_the_summary_and_in_stats(crawled):
    assert summary_rows(crawled.first.stdout)["gone"][1] == "failed"
    assert "gone: errors: http_404 x1" in crawled.first.stdout
    stats = summary_rows(cli80("stats", cwd=crawled.folder).stdout)["gone"]
    assert "failed" in stats and stats[-2:] == ["failing,", "empty"]


def test_crawl_json(crawled):
    assert crawled.again.returncode == 0, crawled.again.stderr
    report = json.loads(crawled.again.stdout)
    [daily] = report["sources"]
    assert report["ok"] and report["busy"] == {} and re.fullmatch("[0-9a-f]{12}", report["run"])
    assert daily["source"] == "daily" and daily["status"] == "ok" and daily["not_modified"] == 1


def test_runs_json_and_archive_option(crawled, tmp_path):
    listed = json.loads(cli80("runs", "--json", cwd=crawled.folder).stdout)
    assert [crawl["source"] for crawl in listed["crawls"]] == ["daily", "gone", "stale", "daily"]  # newest first
    assert listed["crawls"][0]["run"] == json.loads(crawled.again.stdout)["run"]
    assert set(listed["unhealthy"]) == {"stale", "gone"} and "empty" in listed["unhealthy"]["stale"]
    elsewhere = cli80("runs", "--archive", str(crawled.db), cwd=tmp_path)  # no config.yaml here
    assert elsewhere.returncode == 0, elsewhere.stderr
    assert "stale: empty:" in elsewhere.stdout
    missing = cli80("runs", "--archive", str(tmp_path / "nothing.db"), cwd=tmp_path)
    assert missing.returncode == 2 and missing.stderr.count("\n") == 1 and "no archive here yet" in missing.stderr


def test_one_lock_file_for_all_sources(crawled):
    assert sorted(path.name for path in crawled.folder.iterdir() if "lock" in path.name) == ["archive.db.locks"]
    assert (crawled.folder / "archive.db.locks").stat().st_size == 0


def test_a_304_is_exported_as_a_revisit_of_the_stored_response(crawled, tmp_path):
    for name, gzipped in (("feeds.warc", False), ("feeds.warc.gz", True)):
        out = tmp_path / name
        assert invoke("export", "--format", "warc", "--source", "daily", "-o", str(out), cwd=crawled.folder).returncode == 0
        assert (out.read_bytes()[:2] == b"\x1f\x8b") == gzipped
        assert out.read_bytes().startswith(b"WARC/1.1") != gzipped
        with out.open("rb") as stream:
            records = [
                (record.rec_type, dict(record.rec_headers.headers), record.http_headers, record.content_stream().read())
                for record in ArchiveIterator(stream)
                if record.rec_type != "warcinfo"
            ]
        feed = crawled.site.base + "/rss.xml"
        [(_, response, http, body)] = [r for r in records if r[0] == "response" and r[1]["WARC-Target-URI"] == feed]
        [(_, revisit, revisit_http, revisit_body)] = [r for r in records if r[0] == "revisit"]
        assert http.get_statuscode() == "200" and body == crawled.site.pages["/rss.xml"].body
        assert revisit_http.get_statuscode() == "304" and revisit_body == b""
        assert revisit["WARC-Profile"] == "http://netpreserve.org/warc/1.1/revisit/server-not-modified"
        assert revisit["WARC-Refers-To"] == response["WARC-Record-ID"]
        assert revisit["WARC-Refers-To-Target-URI"] == feed
        assert revisit["WARC-Refers-To-Date"] == response["WARC-Date"] <= revisit["WARC-Date"]
        assert {r[2].get_statuscode() for r in records if r[0] == "response"} == {"200"}


# -- a busy source, missing folders ---------------------------------------------------------------


def test_a_full_crawl_skips_a_source_being_crawled_and_crawls_the_others(make_site, tmp_path):
    gate = threading.Semaphore(0)  # the slow source's article pages wait
    slow = slow_down(build_news_site(make_site()), 0, gate)
    quick = build_news_site(make_site())
    write_config(tmp_path, [{"name": "slow", "feeds": [f"{slow.base}/rss.xml"]}, {"name": "quick", "feeds": [f"{quick.base}/rss.xml"]}])
    db = tmp_path / "archive.db"
    busy = cli_process("crawl", "--source", "slow", cwd=tmp_path)
    try:
        wait_for(lambda: rows(db, "SELECT 1 FROM pages WHERE kind = 'feed'"), what="the slow source's feed")
        full = cli80("crawl", cwd=tmp_path)
        named = cli80("crawl", "--source", "slow", cwd=tmp_path)
    finally:
        gate.release(len(ARTICLES))
    assert finish(busy).returncode == 0
    assert full.returncode == 0, full.stdout + full.stderr
    assert f"skipped, being crawled by another process: slow (process {busy.pid})" in full.stdout
    assert list(summary_rows(full.stdout, ("slow", "quick"))) == ["quick"]
    quick_rows = rows(db, "SELECT * FROM crawls WHERE source = 'quick'")
    assert len(quick_rows) == 1 and quick_rows[0]["new"] == 3
    assert len(rows(db, "SELECT * FROM crawls WHERE source = 'slow'")) == 1  # the busy crawl's only
    assert named.returncode == 1 and f"source 'slow' is being crawled by process {busy.pid}" in named.stderr


def test_an_archive_in_a_missing_folder_is_made_or_refused_in_one_line(news_site, tmp_path):
    write_config(tmp_path, [{"name": "daily", "feeds": [f"{news_site.base}/rss.xml"]}])
    config = tmp_path / "config.yaml"
    config.write_text(config.read_text().replace("archive: archive.db", "archive: data/news/archive.db"))
    checked = invoke("check", cwd=tmp_path)
    assert checked.returncode == 0 and "data/news will be made by the first crawl" in checked.stdout
    crawled = cli80("crawl", cwd=tmp_path)
    assert crawled.returncode == 0 and "Traceback" not in crawled.stderr, crawled.stderr
    assert rows(tmp_path / "data" / "news" / "archive.db", "SELECT count(*) AS n FROM articles")[0]["n"] == 3
    (tmp_path / "blocked").write_text("a file where a folder should be")
    config.write_text(config.read_text().replace("data/news/archive.db", "blocked/news/archive.db"))
    for result in (invoke("check", cwd=tmp_path), cli80("crawl", cwd=tmp_path)):
        assert result.returncode == 2
        assert result.stderr.count("\n") == 1 and "blocked is a file" in result.stderr, result.stderr


# -- clean stops ---------------------------------------------------------------------------------


def session_processes(session: int) -> list[int]:
    """The processes still alive in this session (a crawl started in a session of its own)."""
    alive = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[3]) == session and fields[0] != "Z":
                alive.append(int(entry.name))
    return alive


@pytest.fixture
def slow_crawl(make_site, tmp_path) -> Iterator[subprocess.Popen]:
    """A crawl of 60 slow pages, with the real extraction pool, in a process group of its own."""
    site, _ = build_bulk_site(make_site(), 60)
    site.slow = 0.2
    write_config(tmp_path, [{"name": "bulk", "sitemaps": [f"{site.base}/sitemap.xml"]}], workers=1, per_site_concurrency=2)
    crawl = subprocess.Popen(
        [sys.executable, "-m", "scraper", "crawl"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(REPO), "COLUMNS": "80"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        wait_for(lambda: rows(tmp_path / "archive.db", "SELECT 1 FROM articles LIMIT 2")[1:], what="two articles")
        yield crawl
    finally:
        for pid in session_processes(crawl.pid):
            os.kill(pid, signal.SIGKILL)
        crawl.communicate()


@pytest.mark.parametrize("signum, times", [(signal.SIGINT, 1), (signal.SIGTERM, 1), (signal.SIGINT, 2)])
def test_a_signal_to_the_process_group_stops_the_crawl_cleanly(slow_crawl, tmp_path, signum, times):
    start = time.monotonic()
    for _ in range(times):
        os.killpg(slow_crawl.pid, signum)
        time.sleep(0.3)
    stdout, stderr = slow_crawl.communicate(timeout=60)
    assert time.monotonic() - start < 60
    assert slow_crawl.returncode == 1
    assert "Traceback" not in stderr, stderr
    assert summary_rows(stdout, ("bulk",))["bulk"][1] == "interrupted"
    [row] = rows(tmp_path / "archive.db", "SELECT * FROM crawls")
    assert row["status"] == "interrupted" and row["finished"]
    assert 2 <= row["new"] < 60 and row["new"] == rows(tmp_path / "archive.db", "SELECT count(*) AS n FROM articles")[0]["n"]
    wait_for(lambda: not session_processes(slow_crawl.pid), timeout=10, what="the extraction processes to exit")


def test_pages_written_after_a_second_signal_are_counted(slow_crawl, tmp_path):
    # Another writer holds the archive while the two signals arrive: pages wait in the writer's
    # queue when the event loop stops, and are committed only once the crawl closes its writer.
    archive = tmp_path / "archive.db"
    blocker = sqlite3.connect(archive, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    held = rows(archive, "SELECT count(*) AS n FROM articles")[0]["n"]
    try:
        time.sleep(1.5)  # the crawl goes on fetching and extracting; its writes queue up
        for _ in range(2):
            os.killpg(slow_crawl.pid, signal.SIGINT)
            time.sleep(0.3)
        time.sleep(1)
    finally:
        blocker.rollback()
        blocker.close()
    stdout, stderr = slow_crawl.communicate(timeout=60)
    assert slow_crawl.returncode == 1 and "Traceback" not in stderr, stderr
    [row] = rows(archive, "SELECT * FROM crawls")
    stored = rows(archive, "SELECT count(*) AS n FROM articles")[0]["n"]
    assert stored > held  # pages were waiting for the archive when the loop stopped
    assert row["status"] == "interrupted" and row["new"] == stored


def test_extraction_processes_exit_when_the_crawl_is_killed(slow_crawl):
    os.kill(slow_crawl.pid, signal.SIGKILL)
    slow_crawl.wait()
    wait_for(lambda: not session_processes(slow_crawl.pid), timeout=10, what="the forkserver and workers to exit")


@pytest.mark.parametrize(
    "args, says",
    [
        (["crawl", "--bogus"], "No such option '--bogus'"),
        (["search"], "Missing argument 'QUERY'"),
        (["export", "--format", "pdf"], "'pdf' is not one of"),
        (["nosuch"], "No such command 'nosuch'"),
    ],
)
def test_a_usage_mistake_is_one_line_and_exit_2(tmp_path, args, says):
    result = subprocess.run(
        [sys.executable, "-m", "scraper", *args], cwd=tmp_path, capture_output=True, text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=60,
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.startswith("Error: ") and says in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
