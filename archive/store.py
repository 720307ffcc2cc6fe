"""Opening the archive and writing to it.

Readers (datasette, ``search``) may open the file at any time thanks to WAL
mode. Writes are short transactions: one page each, or the pages waiting
together (``record_pages``, used by :mod:`archive.batch`), so a crash loses at
most the pages being written, which no one was told were archived.
"""

from __future__ import annotations

import difflib
import errno
import hashlib
import json
import os
import re
import sqlite3
import sys
import uuid
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

import sqlite_utils

if sys.version_info >= (3, 14):
    from compression import zstd
else:
    from backports import zstd

from archive.migrations import LATEST, ArchiveVersionError, current_version, migrate

__all__ = [
    "Archive",
    "ArchiveError",
    "ArchiveVersionError",
    "acquire_shared",
    "content_hash",
    "crawl_status",
    "DiskReserve",
    "make_archive_folder",
    "release_shared",
    "SharedPerFile",
    "text_diff",
    "unpack_body",
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
# The numbers a crawls row keeps, besides error_kinds.
CRAWL_COUNTS = (
    "pages",
    "new",
    "updated",
    "unchanged",
    "not_articles",
    "errors",
    "robots_blocked",
    "skipped_known",
    "skipped_old",
    "not_modified",
    "retry_after",
)
# pages outcomes that mean "this URL was read; do not fetch it again".
SEEN_OUTCOMES = ("article", "not_article", "redirect")
_SPACE = re.compile(r"\s+")


class _Closes(Protocol):
    def close(self) -> None: ...


Closable = TypeVar("Closable", bound=_Closes)


@dataclass(frozen=True)
class PackedBody:
    """A raw body as the bodies table keeps it: hashed and compressed (by an
    extraction worker, so the crawl's event loop does not have to)."""

    hash: str  # SHA-256 of the raw bytes
    size: int  # raw size in bytes
    data: bytes  # the raw bytes compressed with codec
    # Bodies packed by earlier versions (perhaps still queued in a distributed crawl's Redis)
    # have no codec of their own: they were zlib.
    codec: str = "zlib"


def pack_body(body: bytes, level: int = 3) -> PackedBody:
    """The body hashed and compressed at this zstd level."""
    return PackedBody(hashlib.sha256(body).hexdigest(), len(body), zstd.compress(body, level), "zstd")


def unpack_body(data: bytes, codec: str) -> bytes:
    """A kept body's raw bytes, from a bodies row's ``body`` and ``codec``."""
    if codec == "zstd":
        return zstd.decompress(data)
    if codec == "zlib":
        return zlib.decompress(data)
    raise ValueError(f"unknown body codec {codec!r}")


class ArchiveError(Exception):
    """The archive file cannot be opened or used; the message says why."""


# SQLite's primary result codes (https://sqlite.org/rescode.html) and errno values after which
# no later write can succeed either: the kind a run counts them as.
_FATAL_SQLITE = {13: "archive_full", 10: "archive_io_error", 8: "archive_read_only", 11: "archive_corrupt", 26: "archive_corrupt"}
_FATAL_ERRNO = {
    errno.ENOSPC: "archive_full", errno.EDQUOT: "archive_full", errno.EFBIG: "archive_full",
    errno.EIO: "archive_io_error", errno.EROFS: "archive_read_only",
}  # fmt: skip


def fatal_write_error(exc: BaseException) -> str | None:
    """The kind of a write failure that stops every later write too (disk full, I/O error,
    read-only or corrupt file), or None for a failure of one page alone."""
    if isinstance(exc, sqlite3.Error):
        return _FATAL_SQLITE.get((getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF)
    if isinstance(exc, OSError):
        return _FATAL_ERRNO.get(exc.errno or 0)
    return None


def utcnow() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def content_hash(title: str | None, text: str | None) -> str:
    """Hash of the words only, so whitespace or markup changes do not count as edits."""
    normalised = _SPACE.sub(" ", f"{title or ''}\n{text or ''}").strip()
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def article_row(article: dict[str, Any]) -> dict[str, Any]:
    """The articles columns of an extraction result, with its content hash."""
    row = {field: article.get(field) for field in ARTICLE_FIELDS}
    for field in ("authors", "tags"):
        row[field] = json.dumps(row[field] or [], ensure_ascii=False)
    # Extraction workers hash the words already, off the crawl's event loop.
    row["content_hash"] = article.get("content_hash") or content_hash(row["title"], row["text"])
    return row


def text_diff(old: tuple[str | None, str | None], new: tuple[str | None, str | None], before: str, after: str) -> str:
    """Unified diff of two (title, text) versions: the title, then one line per paragraph."""

    def lines(title: str | None, text: str | None) -> list[str]:
        return [title or "", *(p for p in (text or "").split("\n") if p.strip())]

    return "\n".join(difflib.unified_diff(lines(*old), lines(*new), before, after, lineterm=""))


def _writable(path: Path) -> bool:
    # Write permission bits count even for root, who could write anyway: a file
    # its owner made read-only is meant to stay as it is.
    return os.access(path, os.W_OK) and bool(path.stat().st_mode & 0o222)


class DiskReserve:
    """Space held beside the archive while a crawl writes, given back to record the crawl's end
    when the disk filled: without it, whether the crawls row can still say ``failed`` depends on
    what the last failed write happened to leave free."""

    SIZE = 128 * 1024  # a crawls row update needs a few WAL frames of 4 KB

    def __init__(self, archive_path: str | Path):
        self.path = Path(f"{archive_path}-reserve")
        self.held = False

    def hold(self) -> None:
        """Write the reserve file; on a disk already too full for it, hold nothing."""
        try:
            # Never through a link: whatever it points to is not ours to fill or remove.
            descriptor = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o600)
        except OSError:
            return
        self.held = True
        try:
            with os.fdopen(descriptor, "wb") as file:
                file.write(bytes(self.SIZE))
                file.flush()
                os.fsync(file.fileno())  # tmpfs and most file systems count the space only once written
        except OSError:
            self.release()

    def release(self) -> None:
        """Give the space back: remove the file :meth:`hold` made (nothing else)."""
        if not self.held:
            return
        self.held = False
        try:
            self.path.unlink(missing_ok=True)
        except OSError:
            pass


def make_archive_folder(path: str | Path, *, create: bool = True) -> None:
    """Create the folder the archive goes in, if missing (``create=False``: only check it could
    be); raises :class:`ArchiveError` saying why it cannot."""
    if Path(path).is_dir():
        raise ArchiveError(f"{path}: is a folder, not an archive file")
    folder = Path(path).absolute().parent
    existing = folder
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        raise ArchiveError(f"{path}: cannot make the archive's folder {folder}: {existing} is a file")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise ArchiveError(f"{path}: cannot write in {existing}, where the archive goes")
    if create:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ArchiveError(f"{path}: cannot make the archive's folder {folder}: {exc.strerror}") from None


# Counted (not an error) when a page's canonical URL names another source's article:
# the page is stored under its own URL instead.
SOURCE_CONFLICT = "canonical_of_other_source"


# The statuses a closed crawls row can have (``running`` is an open one's).
FINISHED_STATUSES = frozenset({"ok", "partial", "failed", "empty", "interrupted"})


def crawl_status(counts: dict[str, Any]) -> str:
    """ok (no errors), partial (some errors) or failed (errors, and no response but HTTP errors)."""
    errors = counts.get("errors", 0)
    if not errors:
        return "ok"
    http_errors = sum(n for kind, n in counts.get("error_kinds", {}).items() if kind.startswith("http_"))
    return "failed" if counts.get("pages", 0) - http_errors <= 0 else "partial"


class Archive:
    """The SQLite archive: schema upgrades on open, then small transactional writes.

    ``readonly=True`` opens it for reading only (search, export, stats); an
    archive written by an older newsarchive is upgraded first when the file is writable.
    ``create=False`` refuses to make an archive of an empty file (commands that only rework one).
    """

    def __init__(self, path: str | Path, *, readonly: bool = False, timeout: float = 30.0, create: bool = True):
        self.path = Path(path)
        self.readonly = readonly
        self.timeout = timeout
        if self.path.is_dir():
            raise ArchiveError(f"{self.path}: is a folder, not an archive file")
        if readonly and not self.path.exists():
            raise ArchiveError(f"{self.path}: no archive here yet; run `newsarchive crawl` first")
        if not readonly and self.path.exists() and not _writable(self.path):
            raise ArchiveError(f"{self.path}: the archive file is read-only; this command needs to write to it")
        try:
            self.db = self._connect()
            version = current_version(self.db)
            if version == 0 and (readonly or not create or self.db.table_names()):
                raise ArchiveError(f"{self.path}: not a newsarchive archive (an SQLite file without its tables)")
            if readonly and version < LATEST:
                self.db.close()
                self._upgrade()
                self.db = self._connect()
            if not readonly:
                # Only once the file is known to be ours (or empty): these change the file.
                self.db.execute("PRAGMA journal_mode=WAL")
                self.db.execute("PRAGMA synchronous=NORMAL")
            migrate(self.db)  # for a reader, only checks the archive is not newer than us
        except sqlite3.DatabaseError as exc:
            raise ArchiveError(f"{self.path}: not a newsarchive archive ({exc})") from None
        except ArchiveVersionError as exc:
            raise ArchiveError(f"{self.path}: {exc}") from None

    def _connect(self) -> sqlite_utils.Database:
        if self.readonly:
            conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=self.timeout)
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(str(self.path), timeout=self.timeout)
        db = sqlite_utils.Database(conn)
        db.execute("PRAGMA foreign_keys=ON")
        return db

    def _upgrade(self) -> None:
        """Bring an archive from an older newsarchive to the current schema, for a reader."""
        if not _writable(self.path):
            raise ArchiveError(
                f"{self.path}: made by an older newsarchive and read-only, so it cannot be upgraded; "
                "make the file writable once"
            )
        Archive(self.path, timeout=self.timeout).close()

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- crawl runs -----------------------------------------------------------------

    def start_crawl(self, source: str, run: str | None = None, listing_settings: str | None = None) -> int:
        """Open a crawls row for one source, with the fingerprint of its listing settings; returns its id."""
        with self.db.conn:
            table = self.db["crawls"].insert(
                {
                    "run": run or uuid.uuid4().hex[:12],
                    "source": source,
                    "started": utcnow(),
                    "status": "running",
                    "error_kinds": "{}",
                    "listing_settings": listing_settings,
                    **{key: 0 for key in CRAWL_COUNTS},
                }
            )
        return table.last_pk

    def listing_settings_changed(self, source: str, listing_settings: str) -> bool:
        """Whether the source's last finished crawl that read listings read them with other settings
        (or none is known): then their entries must all be weighed again, and nothing asked conditionally."""
        row = self.db.execute(
            "SELECT listing_settings FROM crawls WHERE source = ? AND finished IS NOT NULL "
            "AND listing_settings IS NOT NULL ORDER BY id DESC LIMIT 1",
            [source],
        ).fetchone()
        return row is None or row[0] != listing_settings

    def finish_crawl(
        self, crawl_id: int, counts: dict[str, Any], *, interrupted: bool = False, failed: bool = False
    ) -> str:
        """Close a crawls row with its final counts; returns the status it was given: ``failed`` when
        the run had to stop (a full disk), else that of :func:`crawl_status`, or ``empty`` for an ``ok``
        crawl of a source that has no article yet (and whose listings named none that another source
        had archived)."""
        status = "failed" if failed else "interrupted" if interrupted else crawl_status(counts)
        if status == "ok" and not counts.get("skipped_known") and not self.db.execute(
            "SELECT 1 FROM articles WHERE source = (SELECT source FROM crawls WHERE id = ?) LIMIT 1", [crawl_id]
        ).fetchone():
            status = "empty"
        row = {key: counts.get(key, 0) for key in CRAWL_COUNTS}
        row["error_kinds"] = json.dumps(counts.get("error_kinds", {}), sort_keys=True)
        row["finished"] = utcnow()
        row["status"] = status
        with self.db.conn:
            self.db["crawls"].update(crawl_id, row)
        return status

    def interrupt_running(self, *, run: str | None = None, source: str | None = None) -> int:
        """Mark ``interrupted`` the rows of a run, or of a source, that a dead process left ``running``.

        Only call it when no process can be crawling them (the source's lock is
        held, or the run's process has exited). ``finished`` stays empty: when
        the process died is unknown. Returns how many rows it closed.
        """
        column, value = ("run", run) if run is not None else ("source", source)
        with self.db.conn:
            cursor = self.db.execute(
                f"UPDATE crawls SET status = 'interrupted' WHERE {column} = ? AND status = 'running'", [value]
            )
        return cursor.rowcount

    def set_backoff(self, crawl_id: int, seconds: int | None) -> None:
        """Record how long the scheduler waits after this crawl (None: on timetable)."""
        with self.db.conn:
            self.db["crawls"].update(crawl_id, {"backoff": seconds})

    # -- pages and articles ---------------------------------------------------------

    def store_body(self, body: bytes | PackedBody) -> str:
        """Keep a raw body once per distinct content; returns its hash."""
        packed = body if isinstance(body, PackedBody) else pack_body(body)
        self.db.execute(
            "INSERT OR IGNORE INTO bodies (hash, size, body, codec) VALUES (?, ?, ?, ?)",
            [packed.hash, packed.size, packed.data, packed.codec],
        )
        return packed.hash

    def body(self, digest: str) -> bytes | None:
        row = self.db.execute("SELECT body, codec FROM bodies WHERE hash = ?", [digest]).fetchone()
        return unpack_body(*row) if row else None

    def page_body(self, url: str) -> bytes | None:
        """The raw body last fetched from ``url``, if it was kept."""
        row = self.db.execute("SELECT body_hash FROM pages WHERE url = ?", [url]).fetchone()
        return self.body(row[0]) if row and row[0] else None

    def record_page(self, **page: Any) -> str | None:
        """Record one fetch (and its article, if any) in one transaction.

        ``page`` holds the keyword arguments of :meth:`_record_page`. Returns ``new``,
        ``updated`` or ``unchanged`` when an article was stored, followed by
        ``+canonical_of_other_source`` when it went under the page's own URL because
        its canonical URL names another source's article.
        """
        result = self.record_pages([page])[0]
        if isinstance(result, Exception):
            raise result
        return result

    def record_pages(self, pages: list[dict[str, Any]]) -> list[str | None | Exception]:
        """Record several fetches in one transaction, each as :meth:`record_page` would.

        A page that fails is rolled back alone (to its savepoint) and its exception
        returned in its place; the others are kept.
        """
        results: list[str | None | Exception] = []
        with self.db.conn:
            # Take the write lock first, so that another process writing this archive cannot
            # slip in between reading an article's hash and writing the article.
            self.db.execute("BEGIN IMMEDIATE")
            for page in pages:
                self.db.execute("SAVEPOINT page")
                try:
                    results.append(self._record_page(**page))
                except (sqlite3.Error, ValueError, TypeError) as exc:
                    self.db.execute("ROLLBACK TO page")
                    results.append(exc)
                self.db.execute("RELEASE page")
        return results

    def _record_page(
        self,
        *,
        url: str,
        source: str,
        kind: str,
        outcome: str,
        status: int,
        crawl_id: int | None,
        body: bytes | PackedBody | None = None,
        headers: dict[str, str] | None = None,
        error: str | None = None,
        article: dict[str, Any] | None = None,
        article_url: str | None = None,
        redirected_from: str | None = None,
        fetched_url: str | None = None,
        why_not_article: str | None = None,
    ) -> str | None:
        """Write one fetch, inside the caller's transaction.

        The article is stored under ``article_url`` (default: ``url``). A 304
        (outcome ``not_modified``) keeps the headers and body of the last full
        response, whose validators make the next request conditional too.
        ``redirected_from`` is the URL first requested, recorded as a redirect
        when the page was read, so it is not fetched again either. ``fetched_url``
        is the URL as requested (not normalised), kept with the article for revisits.
        """
        now = utcnow()
        headers = headers or {}
        row: dict[str, Any] = {
            "url": url,
            "source": source,
            "kind": kind,
            "outcome": outcome,
            "status": status,
            "error": error,
            "why_not_article": why_not_article,
            "fetched_at": now,
            "crawl_id": crawl_id,
        }
        if outcome != "not_modified":
            row["content_type"] = headers.get("Content-Type")
            row["headers"] = json.dumps(headers, sort_keys=True)
            row["body_hash"] = self.store_body(body) if body is not None else None
        self._upsert("pages", row)
        if redirected_from and redirected_from != url and outcome in SEEN_OUTCOMES:
            self._upsert(
                "pages",
                {
                    **row,
                    "url": redirected_from,
                    "outcome": "redirect",
                    "headers": json.dumps({"Location": url}),
                    "content_type": None,
                    "body_hash": None,
                },
            )
        if article is None:
            return None
        if article_url and article_url != url and self._owner(article_url) not in (None, source):
            # A page never replaces another source's article through its canonical URL.
            stored = self._store_article(url, source, article, now, row.get("body_hash"), fetched_url)
            return f"{stored}+{SOURCE_CONFLICT}"
        return self._store_article(article_url or url, source, article, now, row.get("body_hash"), fetched_url)

    def _owner(self, url: str) -> str | None:
        """The source an archived article belongs to; None when there is none at this URL."""
        found = self.db.execute("SELECT source FROM articles WHERE url = ?", [url]).fetchone()
        return found[0] if found else None

    def _upsert(self, table: str, row: dict[str, Any]) -> None:
        """Insert the row, or update the named columns of the row with its ``url``.

        Plain SQL rather than sqlite-utils' upsert: this runs for every page on the
        crawl's event loop, and sqlite-utils reads the table's schema on each call.
        """
        columns = ", ".join(f"[{name}]" for name in row)
        updates = ", ".join(f"[{name}] = excluded.[{name}]" for name in row if name != "url")
        self.db.execute(
            f"INSERT INTO [{table}] ({columns}) VALUES ({', '.join('?' * len(row))}) "
            f"ON CONFLICT(url) DO UPDATE SET {updates}",
            list(row.values()),
        )

    def _store_article(
        self, url: str, source: str, article: dict[str, Any], now: str, body_hash: str | None, fetched_from: str | None
    ) -> str:
        row = article_row(article)
        row["last_fetched"] = now
        row["body_hash"] = body_hash
        if fetched_from:
            row["fetched_from"] = fetched_from
        previous = self.article(url)
        if previous is None:
            self._upsert("articles", {"url": url, "source": source, "first_seen": now, **row})
            return "new"
        if previous["content_hash"] == row["content_hash"]:
            # Same words, maybe other markup: the newest page is the one to re-extract from.
            kept = {key: row[key] for key in ("last_fetched", "body_hash", "fetched_from") if key in row}
            self._upsert("articles", {"url": url, **kept})
            return "unchanged"
        self._record_revision(previous, row, replaced_at=now, cause="fetch")
        self._upsert("articles", {"url": url, **row})
        return "updated"

    def article(self, url: str) -> dict[str, Any] | None:
        """The archived article at this URL, as a row."""
        rows = list(self.db.query("SELECT * FROM articles WHERE url = ?", [url]))
        return rows[0] if rows else None

    def adopt_page(self, page_url: str, article_url: str, article: dict[str, Any]) -> str:
        """Archive the article a new extraction found in a page stored as ``not_article``
        (no fetch happened); returns ``new``, ``updated`` or ``unchanged`` as a crawl would."""
        with self.db.conn:
            page = self.db.execute(
                "SELECT source, fetched_at, body_hash FROM pages WHERE url = ? AND outcome = 'not_article'", [page_url]
            ).fetchone()
            if page is None:
                raise ArchiveError(f"no page stored as not_article at {page_url}")
            source, fetched_at, body_hash = page
            self.db.execute("UPDATE pages SET outcome = 'article', why_not_article = NULL WHERE url = ?", [page_url])
            return self._store_article(article_url, source, article, fetched_at, body_hash, None)

    def explain_not_article(self, page_url: str, why: str) -> None:
        """Record why the extractor does not take a stored page for an article."""
        with self.db.conn:
            self.db.execute("UPDATE pages SET why_not_article = ? WHERE url = ? AND outcome = 'not_article'", [why, page_url])

    def replace_extraction(self, url: str, article: dict[str, Any]) -> str:
        """Store a new extraction of the same stored page (no fetch happened).

        Returns ``updated`` when the words changed (a revision is recorded),
        ``metadata`` when only other fields changed, ``unchanged`` otherwise.
        """
        row = article_row(article)
        with self.db.conn:
            previous = self.article(url)
            if previous is None:
                raise ArchiveError(f"no archived article at {url}")
            if all(previous[field] == row[field] for field in row if field != "extractor"):
                return "unchanged"
            words_changed = previous["content_hash"] != row["content_hash"]
            if words_changed:
                self._record_revision(previous, row, replaced_at=utcnow(), cause="reextract")
            self.db["articles"].update(url, row)
        return "updated" if words_changed else "metadata"

    def _record_revision(self, previous: dict[str, Any], new: dict[str, Any], *, replaced_at: str, cause: str) -> None:
        """Keep the version being replaced, with the diff to its successor."""
        url = previous["url"]
        count, last_replaced = self.db.execute(
            "SELECT count(*), max(replaced_at) FROM revisions WHERE url = ?", [url]
        ).fetchone()
        fetched_at = last_replaced or previous["first_seen"]
        self.db["revisions"].insert(
            {
                "url": url,
                "version": count + 1,
                "fetched_at": fetched_at,
                "replaced_at": replaced_at,
                "cause": cause,
                "title": previous["title"],
                "text": previous["text"],
                "content_hash": previous["content_hash"],
                "extractor": previous["extractor"],
                "body_hash": previous["body_hash"],
                "diff": text_diff(
                    (previous["title"], previous["text"]),
                    (new["title"], new["text"]),
                    before=f"{url} {fetched_at}",
                    after=f"{url} {replaced_at}",
                ),
            }
        )

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
        """Which of these URLs need no fetch: read before (as a page that was or was not an
        article, or a redirect to one), or the key of an archived article."""
        urls = list(urls)
        found: set[str] = set()
        outcomes = ",".join(f"'{outcome}'" for outcome in SEEN_OUTCOMES)
        for start in range(0, len(urls), 500):
            chunk = urls[start : start + 500]
            marks = ",".join("?" * len(chunk))
            found.update(
                row[0]
                for row in self.db.execute(
                    f"SELECT url FROM pages WHERE url IN ({marks}) AND outcome IN ({outcomes}) "
                    f"UNION SELECT url FROM articles WHERE url IN ({marks})",
                    chunk + chunk,
                )
            )
        return found

    def validators(self, url: str) -> dict[str, str]:
        """ETag and Last-Modified of the last full response for ``url``, for a conditional
        request; empty unless the crawl that read it finished (after a crash the links
        it listed may not all have been fetched, so it must be read again)."""
        row = self.db.execute(
            "SELECT pages.headers FROM pages JOIN crawls ON crawls.id = pages.crawl_id "
            "WHERE pages.url = ? AND pages.outcome IN ('listing', 'not_modified') "
            "AND crawls.finished IS NOT NULL",
            [url],
        ).fetchone()
        if not row or not row[0]:
            return {}
        headers = {key.lower(): value for key, value in json.loads(row[0]).items()}
        return {
            name: headers[key]
            for key, name in (("etag", "If-None-Match"), ("last-modified", "If-Modified-Since"))
            if headers.get(key)
        }


class SharedPerFile(Generic[Closable]):
    """One object per archive file per process, opened by its first user and closed by its last."""

    def __init__(self, open_: Callable[[Path], Closable]):
        self.open = open_
        self.held: dict[Path, tuple[Closable, int]] = {}

    def acquire(self, path: str | Path) -> Closable:
        key = Path(path).resolve()
        thing, users = self.held.get(key, (None, 0))
        if thing is None:
            thing = self.open(key)
        self.held[key] = (thing, users + 1)
        return thing

    def release(self, path: str | Path) -> None:
        key = Path(path).resolve()
        thing, users = self.held[key]
        if users == 1:
            del self.held[key]
            thing.close()
        else:
            self.held[key] = (thing, users - 1)

    def close_all(self) -> None:
        """Close every object still open, whatever its users (they were stopped without giving it back)."""
        for thing, _ in self.held.values():
            thing.close()
        self.held.clear()


# One connection per archive file per process, shared by all the crawlers of a run.
_shared_archives: SharedPerFile[Archive] = SharedPerFile(Archive)


def acquire_shared(path: str | Path) -> Archive:
    """The process's connection to this archive, opened on first use."""
    return _shared_archives.acquire(path)


def release_shared(path: str | Path) -> None:
    """Give back a connection from :func:`acquire_shared`; the last user closes it."""
    _shared_archives.release(path)
