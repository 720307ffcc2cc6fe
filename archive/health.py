"""Run history and source health, read from the ``crawls`` table.

A source is flagged when it keeps failing, when it has never archived an article
(empty), when it has yielded no new article for a while (silent), or when most of
its recent pages stopped extracting while they used to (a site redesign). The
scheduler logs the flags and backs failing sources off; ``newsarchive runs`` and
``newsarchive stats`` show them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

import sqlite_utils

from archive.store import crawl_status

# A redesign is called when more than this share of recent article pages fails to
# extract, over at least MIN_PAGES pages, while the pages before did better.
BROKEN_SHARE = 0.5
MIN_PAGES = 4
BEFORE_PAGES = 50
_FINISHED = "status NOT IN ('running', 'interrupted')"


@dataclass
class SourceHealth:
    """What the run history says about one source."""

    source: str
    crawls: int = 0
    consecutive_failures: int = 0
    failing_since: str | None = None
    last_new: str | None = None
    flags: dict[str, str] = field(default_factory=dict)  # kind (failing, silent, extraction) -> message

    @property
    def healthy(self) -> bool:
        return not self.flags


def run_history(db: sqlite_utils.Database, source: str | None = None, limit: int = 20) -> list[dict[str, Any]]:
    """The latest crawls rows, newest first, of one source or of all."""
    where, params = ("source = ?", [source]) if source else (None, None)
    return list(db["crawls"].rows_where(where, params, order_by="id DESC", limit=limit))


def crawl_failed(row: dict[str, Any]) -> bool:
    """Whether a crawl got nothing but errors: no response, or only HTTP error responses."""
    counts = {**row, "error_kinds": json.loads(row.get("error_kinds") or "{}")}
    return row["status"] == "failed" or crawl_status(counts) == "failed"


def empty_reason(counts: dict[str, Any]) -> str:
    """Why a crawl archived no article, from its counts, the largest cause first."""
    causes = [
        (counts.get("skipped_old", 0), "entry older than `since`", "entries older than `since`"),
        (counts.get("not_articles", 0), "page not an article", "pages not articles"),
        (counts.get("robots_blocked", 0), "URL forbidden by robots.txt", "URLs forbidden by robots.txt"),
        (counts.get("errors", 0), "error", "errors"),
        (counts.get("not_modified", 0), "listing unchanged since the last crawl", "listings unchanged since the last crawl"),
    ]
    found = [f"{n} {one if n == 1 else many}" for n, one, many in sorted(causes, key=lambda cause: -cause[0]) if n]
    return ", ".join(found) or "its feeds, sitemaps and pages listed no article"


def source_health(
    db: sqlite_utils.Database,
    sources: Iterable[str],
    *,
    silent_after: timedelta,
    now: datetime | None = None,
) -> dict[str, SourceHealth]:
    """The health of each named source, flags included."""
    now = now or datetime.now(timezone.utc)
    return {name: _health(db, name, silent_after, now) for name in sources}


def _health(db: sqlite_utils.Database, source: str, silent_after: timedelta, now: datetime) -> SourceHealth:
    health = SourceHealth(source)
    first_started, health.crawls = db.execute(
        f"SELECT min(started), count(*) FROM crawls WHERE source = ? AND {_FINISHED}", [source]
    ).fetchone()
    health.last_new = db.execute(
        "SELECT max(started) FROM crawls WHERE source = ? AND new > 0", [source]
    ).fetchone()[0]
    newest_first = db["crawls"].rows_where(f"source = ? AND {_FINISHED}", [source], order_by="id DESC")
    streak_open = True
    last_errors: dict[str, int] = {}  # the error kinds of the newest failed crawl
    recent = [0, 0]  # article pages, and how many failed to extract: the newest MIN_PAGES or more
    before = [0, 0]  # the same for the crawls before those, up to BEFORE_PAGES
    for row in newest_first:
        if streak_open and crawl_failed(row):
            if not health.consecutive_failures:
                last_errors = json.loads(row["error_kinds"] or "{}")
            health.consecutive_failures += 1
            health.failing_since = row["started"]
        else:
            streak_open = False
        window = recent if recent[0] < MIN_PAGES else before
        failed = row["not_articles"] + json.loads(row["error_kinds"] or "{}").get("extraction_failed", 0)
        window[0] += row["new"] + row["updated"] + row["unchanged"] + failed
        window[1] += failed
        if not streak_open and before[0] >= BEFORE_PAGES:
            break  # enough history read; months of runs need not be
    if health.consecutive_failures:
        kinds = ", ".join(f"{kind} x{n}" for kind, n in sorted(last_errors.items()))
        health.flags["failing"] = (
            f"{health.consecutive_failures} crawl(s) in a row failed, since {health.failing_since}"
            + (f"; the last with {kinds}" if kinds else "")
        )
    last = next(db["crawls"].rows_where(f"source = ? AND {_FINISHED}", [source], order_by="id DESC", limit=1), None)
    if (
        last is not None
        and not last["skipped_known"]  # its articles were archived under another source
        and not db.execute("SELECT 1 FROM articles WHERE source = ? LIMIT 1", [source]).fetchone()
    ):
        health.flags["empty"] = f"no article archived yet; its last crawl: {empty_reason(last)}"
    elif first_started and _parse(first_started) <= now - silent_after:
        if health.last_new is None:
            health.flags["silent"] = f"no new article since crawling began ({first_started})"
        elif _parse(health.last_new) <= now - silent_after:
            health.flags["silent"] = f"no new article since {health.last_new}"
    if _share(recent) > BROKEN_SHARE and before[0] >= MIN_PAGES and _share(before) <= BROKEN_SHARE:
        health.flags["extraction"] = (
            f"extraction failed on {recent[1]} of the last {recent[0]} article pages "
            f"(was {before[1]} of {before[0]} before): has the site changed its layout?"
        )
    return health


def _share(window: list[int]) -> float:
    return window[1] / window[0] if window[0] >= MIN_PAGES else 0.0


def _parse(stamp: str) -> datetime:
    parsed = datetime.fromisoformat(stamp)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
