"""Opening the archive and writing to it.

One :class:`Archive` per process writes; readers (datasette, ``search``) may
open the same file at any time thanks to WAL mode. Every write is its own
short transaction, so a crash loses at most the item being written.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import uuid
import zlib
from collections.abc import Iterable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import sqlite_utils

from archive.migrations import ArchiveVersionError, migrate

__all__ = [
    "Archive",
    "ArchiveError",
    "ArchiveVersionError",
    "acquire_shared",
    "content_hash",
    "crawl_status",
    "release_shared",
    "utcnow",
]

ARTICLE_FIELDS = (
    "canonical_url",
    "title",
    "authors",
    "published",
    "language",
    "description",
    "sitename",
    "tags",
    "image",
    "text",
    "comments",
    "extractor",
)
_SPACE = re.compile(r"\s+")


class ArchiveError(Exception):
    """The archive file cannot be opened or used; the message says why."""


def utcnow() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def content_hash(title: str | None, text: str | None) -> str:
    """Hash of the words only, so whitespace or markup changes do not count as edits."""
    normalised = _SPACE.sub(" ", f"{title or ''}\n{text or ''}").strip()
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def crawl_status(counts: dict[str, Any]) -> str:
    """ok (no errors), partial (some errors) or failed (errors and nothing fetched)."""
    pages = counts.get("pages", 0)
    errors = counts.get("errors", 0)
    if errors and not pages:
        return "failed"
    return "partial" if errors else "ok"


class Archive:
    """The SQLite archive: schema upgrades on open, then small transactional writes."""

    def __init__(self, path: str | Path, *, readonly: bool = False, timeout: float = 30.0):
        self.path = Path(path)
        self.readonly = readonly
        if readonly and not self.path.exists():
            raise ArchiveError(f"{self.path}: no archive here yet; run `newsarchive crawl` first")
        try:
            if readonly:
                conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=timeout)
            else:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                conn = sqlite3.connect(str(self.path), timeout=timeout)
            self.db = sqlite_utils.Database(conn)
            if not readonly:
                self.db.execute("PRAGMA journal_mode=WAL")
                self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA foreign_keys=ON")
            if readonly:
                self._check_is_archive()
            else:
                migrate(self.db)
        except sqlite3.DatabaseError as exc:
            raise ArchiveError(f"{self.path}: not a newsarchive archive ({exc})") from None
        except ArchiveVersionError as exc:
            raise ArchiveError(f"{self.path}: {exc}") from None

    def _check_is_archive(self) -> None:
        if "articles" not in self.db.table_names():
            raise ArchiveError(f"{self.path}: not a newsarchive archive (no articles table)")

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- crawl runs -----------------------------------------------------------------

    def start_crawl(self, source: str, run: str | None = None) -> int:
        """Open a crawls row for one source; returns its id."""
        with self.db.conn:
            table = self.db["crawls"].insert(
                {
                    "run": run or uuid.uuid4().hex[:12],
                    "source": source,
                    "started": utcnow(),
                    "status": "running",
                    "pages": 0,
                    "new": 0,
                    "updated": 0,
                    "unchanged": 0,
                    "not_articles": 0,
                    "errors": 0,
                    "error_kinds": "{}",
                    "robots_blocked": 0,
                }
            )
        return table.last_pk

    def finish_crawl(self, crawl_id: int, counts: dict[str, Any]) -> str:
        """Close a crawls row with its final counts; returns the status it was given."""
        status = crawl_status(counts)
        row = {key: counts.get(key, 0) for key in ("pages", "new", "updated", "unchanged", "not_articles", "errors", "robots_blocked")}
        row["error_kinds"] = json.dumps(counts.get("error_kinds", {}), sort_keys=True)
        row["finished"] = utcnow()
        row["status"] = status
        with self.db.conn:
            self.db["crawls"].update(crawl_id, row)
        return status

    # -- pages and articles ---------------------------------------------------------

    def store_body(self, body: bytes) -> str:
        """Keep a raw body once per distinct content; returns its hash."""
        digest = hashlib.sha256(body).hexdigest()
        self.db.execute(
            "INSERT OR IGNORE INTO bodies (hash, size, body) VALUES (?, ?, ?)",
            [digest, len(body), zlib.compress(body, 6)],
        )
        return digest

    def body(self, digest: str) -> bytes | None:
        row = self.db.execute("SELECT body FROM bodies WHERE hash = ?", [digest]).fetchone()
        return zlib.decompress(row[0]) if row else None

    def record_page(
        self,
        *,
        url: str,
        source: str,
        kind: str,
        outcome: str,
        status: int,
        crawl_id: int | None,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        error: str | None = None,
        article: dict[str, Any] | None = None,
    ) -> str | None:
        """Record one fetch (and its article, if any) in one transaction.

        Returns ``new``, ``updated`` or ``unchanged`` when an article was stored.
        """
        now = utcnow()
        headers = headers or {}
        with self.db.conn:
            body_hash = self.store_body(body) if body is not None else None
            self.db["pages"].upsert(
                {
                    "url": url,
                    "source": source,
                    "kind": kind,
                    "outcome": outcome,
                    "status": status,
                    "error": error,
                    "content_type": headers.get("Content-Type"),
                    "headers": json.dumps(headers, sort_keys=True),
                    "body_hash": body_hash,
                    "fetched_at": now,
                    "crawl_id": crawl_id,
                },
                pk="url",
            )
            if article is None:
                return None
            return self._store_article(url, source, article, now)

    def _store_article(self, url: str, source: str, article: dict[str, Any], now: str) -> str:
        row = {field: article.get(field) for field in ARTICLE_FIELDS}
        for field in ("authors", "tags"):
            row[field] = json.dumps(row[field] or [], ensure_ascii=False)
        row["content_hash"] = content_hash(row["title"], row["text"])
        row["last_fetched"] = now
        previous = self.db.execute(
            "SELECT content_hash FROM articles WHERE url = ?", [url]
        ).fetchone()
        if previous is None:
            self.db["articles"].insert({"url": url, "source": source, "first_seen": now, **row})
            return "new"
        if previous[0] == row["content_hash"]:
            self.db["articles"].update(url, {"last_fetched": now})
            return "unchanged"
        self.db["articles"].update(url, row)
        return "updated"

    def crawl_of_run(self, run: str, source: str) -> int | None:
        """The id of the crawls row of this run's source, if there is one."""
        row = self.db.execute(
            "SELECT id FROM crawls WHERE run = ? AND source = ? ORDER BY id DESC LIMIT 1", [run, source]
        ).fetchone()
        return row[0] if row else None

    def seen_urls(self) -> Iterator[tuple[str, str]]:
        """(url, fetched_at) of every page :meth:`known_urls` counts as archived."""
        yield from self.db.execute("SELECT url, fetched_at FROM pages WHERE outcome IN ('article', 'not_article')")

    def known_urls(self, urls: Iterable[str]) -> set[str]:
        """Which of these URLs are already archived as articles or recorded as pages."""
        urls = list(urls)
        found: set[str] = set()
        for start in range(0, len(urls), 500):
            chunk = urls[start : start + 500]
            marks = ",".join("?" * len(chunk))
            found.update(
                row[0]
                for row in self.db.execute(
                    f"SELECT url FROM pages WHERE url IN ({marks}) AND outcome IN ('article', 'not_article')",
                    chunk,
                )
            )
        return found


# One writer connection per archive file per process, shared by all the crawlers
# of a run (SQLite allows one writer at a time anyway).
_shared: dict[Path, tuple[Archive, int]] = {}


def acquire_shared(path: str | Path) -> Archive:
    """The process's writer for this archive, opened on first use."""
    key = Path(path).resolve()
    archive, users = _shared.get(key, (None, 0))
    if archive is None:
        archive = Archive(key)
    _shared[key] = (archive, users + 1)
    return archive


def release_shared(path: str | Path) -> None:
    """Give back a writer from :func:`acquire_shared`; the last user closes it."""
    key = Path(path).resolve()
    archive, users = _shared[key]
    if users == 1:
        del _shared[key]
        archive.close()
    else:
        _shared[key] = (archive, users - 1)
