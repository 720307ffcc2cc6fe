"""Pages written together: one transaction for many pages, one bad page rolled back alone,
and the crawl's writer thread that commits them (archive/batch.py)."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from archive.batch import BatchWriter
from archive.store import Archive, ArchiveError, DiskReserve, PackedBody, pack_body, unpack_body
from tests.conftest import REPO, rows, write_config
from tests.generated_site import build_generated_site
from tests.newssite import Site


def page(number: int, **fields: object) -> dict:
    """The keyword arguments of Archive.record_page for one article page."""
    return {
        "url": f"http://example.com/news/{number}.html",
        "source": "example",
        "kind": "article",
        "outcome": "article",
        "status": 200,
        "crawl_id": None,
        "body": f"<html><body>Story {number}</body></html>".encode(),
        "headers": {"Content-Type": "text/html"},
        "article": {"title": f"Story {number}", "text": f"The text of story {number}.", "authors": ["Ann Lee"]},
        **fields,
    }


# An article field the archive cannot store: recording this page fails after its pages row was written.
UNSTORABLE = {"title": "Bad", "text": "Bad text.", "authors": {"a set is not JSON"}}


def test_record_pages_keeps_the_good_pages_when_one_fails(tmp_path: Path):
    db = tmp_path / "archive.db"
    with Archive(db) as archive:
        results = archive.record_pages([page(1), page(2, article=UNSTORABLE), page(3)])
    assert results[0] == "new" and results[2] == "new"
    assert isinstance(results[1], TypeError)
    # The failed page left nothing behind, not even the pages row written before its article.
    assert [row["url"] for row in rows(db, "SELECT url FROM pages ORDER BY url")] == [
        "http://example.com/news/1.html",
        "http://example.com/news/3.html",
    ]
    assert len(rows(db, "SELECT url FROM articles")) == 2


def test_bodies_keep_their_codec(tmp_path: Path):
    raw = b"<html><body>" + b"<p>A paragraph of the story.</p>" * 50 + b"</body></html>"
    packed = pack_body(raw, level=1)
    # A body packed by an earlier version, as unpickling rebuilds it from a distributed crawl's
    # Redis queue: zlib-compressed, with no codec in the state it was pickled with.
    old = PackedBody.__new__(PackedBody)
    vars(old).update(hash="0" * 64, size=len(raw), data=zlib.compress(raw))
    assert pickle.loads(pickle.dumps(old)).codec == "zlib"
    with Archive(tmp_path / "archive.db") as archive:
        assert archive.body(archive.store_body(packed)) == raw
        assert archive.body(archive.store_body(old)) == raw
    stored = {row["codec"]: row["body"] for row in rows(tmp_path / "archive.db", "SELECT codec, body FROM bodies")}
    assert set(stored) == {"zstd", "zlib"} and len(stored["zstd"]) < len(raw)
    with pytest.raises(ValueError, match="unknown body codec 'brotli'"):
        unpack_body(stored["zstd"], "brotli")


def test_batch_writer_answers_each_page_once_committed(tmp_path: Path):
    db = tmp_path / "archive.db"
    writer = BatchWriter(db)
    futures = [writer.submit(page(number)) for number in range(50)]
    bad = writer.submit(page(99, article=UNSTORABLE))
    again = writer.submit(page(0, article={"title": "Story 0", "text": "A corrected text of story 0."}))
    assert [future.result(timeout=30) for future in futures] == ["new"] * 50
    with pytest.raises(TypeError):
        bad.result(timeout=30)
    assert again.result(timeout=30) == "updated"
    # Answered means committed: another connection sees every page.
    assert rows(db, "SELECT count(*) AS n FROM articles")[0]["n"] == 50
    assert rows(db, "SELECT text FROM articles WHERE url LIKE '%/0.html'")[0]["text"] == "A corrected text of story 0."
    writer.close()


def test_batch_writer_writes_what_is_queued_before_it_closes(tmp_path: Path):
    db = tmp_path / "archive.db"
    writer = BatchWriter(db, max_batch=7)
    futures = [writer.submit(page(number)) for number in range(40)]
    writer.close()
    assert all(future.done() for future in futures)
    assert rows(db, "SELECT count(*) AS n FROM pages")[0]["n"] == 40


def test_batch_writer_reports_an_archive_it_cannot_open(tmp_path: Path):
    with pytest.raises(ArchiveError, match="is a folder"):
        BatchWriter(tmp_path)


def crawl_generated_site(folder: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    """Run ``python -m ARGS`` in ``folder`` against a generated site of 30 articles listed
    in a sitemap (source ``generated``, config in ``folder``); check that all were archived."""
    site = Site()
    build_generated_site(site, 30)
    site.start()
    try:
        write_config(folder, [{"name": "generated", "sitemaps": [f"{site.base}/sitemap.xml"]}])
        result = subprocess.run(
            [sys.executable, "-m", *args],
            cwd=folder,
            env={**os.environ, "PYTHONPATH": str(REPO), **env},
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        site.stop()
    assert result.returncode == 0, result.stderr[-2000:]
    assert rows(folder / "archive.db", "SELECT count(*) AS n FROM articles")[0]["n"] == 30
    return result


def test_crawl_spills_requests_to_disk_past_its_share_in_memory(tmp_path: Path):
    queues = tmp_path / "queues"
    result = crawl_generated_site(
        tmp_path, "scrapy", "crawl", "sitemaps", "-a", "source=generated",
        "-s", f"NEWSARCHIVE_QUEUE_DIR={queues}", "-s", "NEWSARCHIVE_QUEUE_IN_MEMORY=2", "-s", "LOG_LEVEL=INFO",
        SCRAPY_SETTINGS_MODULE="scraper.crawl.settings",
    )  # fmt: skip
    # Scrapy's closing stats: requests past the 2 in memory waited on disk, and came back whole
    # (all 30 archived). How many depends on how fast the downloader takes them.
    spilled = [json.loads(line.split(": ", 1)[1]) for line in _stat_lines(result.stderr, "newsarchive/queued_on_disk")]
    assert sum(spilled) > 0
    assert not [path for path in queues.rglob("*") if path.is_file()]  # emptied queues delete their files


def test_crawl_removes_its_queues_when_it_ends(tmp_path: Path):
    queues = tmp_path / "tmp"
    queues.mkdir()
    crawl_generated_site(tmp_path, "scraper", "crawl", TMPDIR=str(queues))
    assert list(queues.iterdir()) == []  # the run's queue folder is gone with it


def _stat_lines(log: str, key: str) -> list[str]:
    return [line.strip().rstrip(",").replace(f"'{key}'", key) for line in log.splitlines() if f"'{key}':" in line]


def test_the_disk_reserve_is_held_and_given_back_but_never_through_a_link(tmp_path: Path):
    reserve = DiskReserve(tmp_path / "archive.db")
    reserve.hold()
    assert reserve.path.stat().st_size == DiskReserve.SIZE
    reserve.release()
    assert not reserve.path.exists()
    # A link where the reserve goes (left there by someone, or planted) is neither filled nor removed.
    precious = tmp_path / "precious.txt"
    precious.write_text("keep me")
    reserve.path.symlink_to(precious)
    reserve.hold()
    reserve.release()
    assert reserve.path.is_symlink() and precious.read_text() == "keep me"
