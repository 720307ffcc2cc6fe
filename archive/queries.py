"""Reading the archive: search, statistics, article history, revisits due.

Every function takes a ``sqlite_utils.Database`` (any connection, read-only
is enough except where noted) and streams or bounds what it reads, so the
archive can grow to millions of articles.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import sqlite_utils

from scraper.config import parse_duration
from scraper.extract.text import shown_text

# The date an article is filtered by: its publication date, or when it was first seen.
ARTICLE_DATE = "datetime(coalesce(articles.published, articles.first_seen))"


class QueryError(Exception):
    """A query the archive cannot answer as asked (bad search syntax, date, source); the message says why."""


def parse_when(value: str) -> str:
    """A moment as given on the command line: a date, an ISO date-time, or an age such as ``2d``.

    Returns SQLite's UTC ``YYYY-MM-DD HH:MM:SS`` form, comparable with ``datetime()`` of a column.
    """
    try:
        moment = datetime.now(timezone.utc) - parse_duration(value)
    except ValueError:
        try:
            moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise QueryError(
                f"{value!r} is not a date (2026-11-27, 2026-11-27T08:30+01:00) or an age (12h, 2d)"
            ) from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
    try:
        return moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
    except OverflowError:  # 0001-01-01T00:00+14:00 is before year 1 in UTC
        raise QueryError(f"{value!r} is out of range: dates run from year 1 to 9999 in UTC") from None


@dataclass
class Selection:
    """Which articles a command works on: some sources, a date range (on the article date)."""

    sources: tuple[str, ...] = ()
    since: str | None = None
    until: str | None = None

    def where(self, date: str = ARTICLE_DATE, source: str = "articles.source") -> tuple[str, dict[str, Any]]:
        """An SQL condition (always true when nothing is selected) and its named parameters."""
        clauses, params = ["1"], {}
        if self.sources:
            names = {f"source{index}": name for index, name in enumerate(self.sources)}
            clauses.append(f"{source} IN ({', '.join(':' + key for key in names)})")
            params.update(names)
        if self.since:
            clauses.append(f"{date} >= :since")
            params["since"] = parse_when(self.since)
        if self.until:
            clauses.append(f"{date} < :until")
            params["until"] = parse_when(self.until)
        return " AND ".join(clauses), params

    def check(self, db: sqlite_utils.Database) -> None:
        """Raise :class:`QueryError` for a source name the archive has never seen."""
        self.where()  # parses since/until, so a bad date fails before any work
        if not self.sources:
            return
        known = {row[0] for row in db.execute("SELECT DISTINCT source FROM crawls UNION SELECT DISTINCT source FROM articles")}
        unknown = [name for name in self.sources if name not in known]
        if unknown:
            raise QueryError(
                f"unknown source {', '.join(map(repr, unknown))}; the archive has {', '.join(sorted(known)) or 'none yet'}"
            )


# -- search -----------------------------------------------------------------------

# bm25 with weights for the articles_fts columns (title, text): a word in the headline counts more.
# Ordering by FTS5's own rank column lets FTS5 sort, so snippets are made for the returned rows only.
RANKING = "bm25(5.0, 1.0)"
# The columns of articles_fts, so a column filter such as ``title:glacier`` is judged as the archive would.
SEARCHED_COLUMNS = ("title", "text")
# Where a snippet's matched words start and end: control characters never found in article text,
# so a browser can escape the text and turn only these into <mark> (see archive.web).
HIGHLIGHT = ("\x02", "\x03")
_probe = threading.local()


def _fts_accepts(query: str) -> bool:
    """Whether FTS5 parses ``query`` as a query of the archive (tried on an empty table of its columns)."""
    if not hasattr(_probe, "conn"):
        _probe.conn = sqlite3.connect(":memory:")
        _probe.conn.execute(f"CREATE VIRTUAL TABLE probe USING fts5({', '.join(SEARCHED_COLUMNS)})")
    try:
        _probe.conn.execute("SELECT 1 FROM probe WHERE probe MATCH ?", (query,)).fetchall()
    except sqlite3.Error:  # FTS5 reports a bad query when it runs it
        return False
    return True


def match_expression(query: str | None) -> str:
    """The FTS5 MATCH expression for what a person typed; it never fails to parse.

    A query FTS5 accepts is kept (``"a phrase"``, ``OR``, ``NOT``, ``prefix*``, ``title:word``);
    otherwise every term is quoted, so ``e-mail``, ``U.S.``, ``don't``, ``c++`` and
    ``Putin-Ära`` are searched as the words the tokenizer makes of them.
    """
    query = shown_text(query or "").replace("\x00", " ").strip()  # FTS5 ends a query at a NUL; a pasted soft hyphen splits a word
    if query and _fts_accepts(query):
        return query
    return " ".join('"' + term.replace('"', '""') + '"' for term in query.split()) or '""'


def plain_snippet(snippet: str | None) -> str:
    """A snippet as one line of plain text: without highlight marks, whitespace runs made one space."""
    return " ".join((snippet or "").translate({ord(mark): None for mark in HIGHLIGHT}).split())


def search_sql(
    match: str = ":query", opening: str = ":open", closing: str = ":close", where: str = "1", limit: str = ":limit"
) -> str:
    """The search, as SQL: each argument is an SQL expression (a named parameter, ``fts_query(:q)``, ...).

    ``match`` must already be a valid FTS5 query: pass it through :func:`match_expression`.
    """
    return f"""SELECT articles.url, articles.source, articles.title, articles.published, articles.language,
  snippet(articles_fts, 1, {opening}, {closing}, '…', 16) AS snippet, round(-articles_fts.rank, 3) AS score
FROM articles_fts JOIN articles ON articles.rowid = articles_fts.rowid
WHERE articles_fts MATCH {match} AND articles_fts.rank MATCH '{RANKING}' AND {where}
ORDER BY articles_fts.rank LIMIT {limit}"""


def search(
    db: sqlite_utils.Database,
    query: str,
    selection: Selection = Selection(),
    limit: int = 20,
) -> list[dict[str, Any]]:
    """Articles matching what a person typed (see :func:`match_expression`), best first.

    ``score`` is the relevance (bm25, title words weighted up): positive, higher is better.
    ``snippet`` is the best-matching passage, its matched words between the :data:`HIGHLIGHT` marks.
    """
    if not query.strip():
        raise QueryError("the search query is empty")
    selection.check(db)
    where, params = selection.where()
    sql = search_sql(where=where)
    named = {**params, "query": match_expression(query), "open": HIGHLIGHT[0], "close": HIGHLIGHT[1], "limit": limit}
    try:
        return list(db.query(sql, named))
    except sqlite3.OperationalError as exc:  # not the query's syntax: the archive itself (locked, damaged)
        raise QueryError(f"cannot search for {query!r}: {exc}") from None


# -- statistics -------------------------------------------------------------------


# Per source: articles, revisions, last crawl and its status, last new article, errors (see source_stats).
SOURCE_STATS_SQL = """
WITH names AS (SELECT DISTINCT source FROM crawls UNION SELECT DISTINCT source FROM articles),
last_crawl AS (
    SELECT source, started, finished, status, errors,
           row_number() OVER (PARTITION BY source ORDER BY started DESC, id DESC) AS n
    FROM crawls
)
SELECT names.source,
       (SELECT count(*) FROM articles WHERE articles.source = names.source) AS articles,
       (SELECT count(*) FROM revisions JOIN articles ON articles.url = revisions.url
         WHERE articles.source = names.source) AS revisions,
       (SELECT max(first_seen) FROM articles WHERE articles.source = names.source) AS last_new_article,
       last_crawl.started AS last_crawl,
       last_crawl.status AS last_status,
       coalesce(last_crawl.errors, 0) AS errors,
       (SELECT count(*) FROM pages WHERE pages.source = names.source AND outcome = 'error') AS error_pages
FROM names LEFT JOIN last_crawl ON last_crawl.source = names.source AND last_crawl.n = 1
ORDER BY names.source
"""


def source_stats(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    """Per source: articles, revisions, last crawl and its status, last new article, errors.

    ``errors`` counts the failed requests of the source's last crawl; ``error_pages`` the
    URLs whose latest fetch failed. One row per source seen in articles or crawls.
    """
    return list(db.query(SOURCE_STATS_SQL))


def archive_size(path: str | Path) -> int:
    """Bytes the archive takes on disk, with its write-ahead log."""
    path = Path(path)
    return sum(p.stat().st_size for p in (path, path.with_name(path.name + "-wal")) if p.exists())


# -- history ----------------------------------------------------------------------


def history(db: sqlite_utils.Database, url: str) -> list[dict[str, Any]]:
    """Every version of the article at ``url``, oldest first; the last one is the current row.

    Earlier versions carry the ``diff`` to the version after them. Empty when the URL is not archived.
    """
    current = list(db.query("SELECT * FROM articles WHERE url = ? OR canonical_url = ? LIMIT 1", [url, url]))
    if not current:
        return []
    article = current[0]
    versions = list(
        db.query(
            "SELECT version, fetched_at, replaced_at, cause, title, text, content_hash, extractor, diff "
            "FROM revisions WHERE url = ? ORDER BY version",
            [article["url"]],
        )
    )
    versions.append(
        {
            "version": len(versions) + 1,
            "fetched_at": versions[-1]["replaced_at"] if versions else article["first_seen"],
            "replaced_at": None,
            "cause": versions[-1]["cause"] if versions else "fetch",
            "title": article["title"],
            "text": article["text"],
            "content_hash": article["content_hash"],
            "extractor": article["extractor"],
            "diff": None,
        }
    )
    for version in versions:
        version["url"] = article["url"]
    return versions


# -- revisits ---------------------------------------------------------------------


def any_due_revisits(db: sqlite_utils.Database, source: str, steps: list[timedelta], everything: bool = False) -> bool:
    """Whether :func:`due_revisits` has any article of the source to revisit now."""
    return next(due_revisits(db, source, steps, everything=everything, batch=1), None) is not None


def due_revisits(
    db: sqlite_utils.Database,
    source: str,
    steps: list[timedelta],
    now: datetime | None = None,
    everything: bool = False,
    batch: int = 500,
) -> Iterator[dict[str, Any]]:
    """The source's archived articles whose revisit is due, oldest first, read in batches.

    An article is due when it has reached an age (since first seen) in ``steps``
    and was not fetched since it reached it. Articles older than twice the last
    step are left alone for good. ``everything`` makes every archived article due.
    """
    if not steps and not everything:
        return
    now = now or datetime.now(timezone.utc)
    oldest = "" if everything else (now - 2 * max(steps)).isoformat(timespec="seconds")
    params = {
        "source": source,
        "everything": everything,
        "now": now.isoformat(timespec="seconds"),
        "steps": json.dumps([step.total_seconds() / 86400 for step in steps]),
        "batch": batch,
        "after_seen": oldest,
        "after_url": "",
    }
    # Any fetch counts, also a failed one (recorded in pages), so a deleted article is not retried every run.
    sql = """
        SELECT articles.url, articles.fetched_from, articles.first_seen, articles.title, articles.published
        FROM articles LEFT JOIN pages ON pages.url = articles.url
        WHERE articles.source = :source
          AND (articles.first_seen, articles.url) > (:after_seen, :after_url)
          AND (:everything OR EXISTS (
                SELECT 1 FROM json_each(:steps) AS step
                WHERE julianday(articles.first_seen) + step.value <= julianday(:now)
                  AND julianday(max(articles.last_fetched, coalesce(pages.fetched_at, '')))
                      < julianday(articles.first_seen) + step.value))
        ORDER BY articles.first_seen, articles.url
        LIMIT :batch
    """
    while True:
        # A fresh query per batch: no statement stays open while the crawl writes.
        rows = list(db.query(sql, params))
        yield from rows
        if len(rows) < batch:
            return
        params["after_seen"], params["after_url"] = rows[-1]["first_seen"], rows[-1]["url"]


def keyset_rows(
    db: sqlite_utils.Database, sql: str, params: dict[str, Any], key: str = "rowid", batch: int = 500
) -> Iterator[dict[str, Any]]:
    """Rows of ``sql`` in ``key`` order, one batch per query, so no statement stays open.

    ``sql`` must select ``key`` as ``rowid`` and end in a WHERE clause; memory stays
    flat and writes between batches (a crawl, a re-extraction) are never blocked.
    """
    after = -1
    while True:
        page = f"{sql} AND {key} > :after ORDER BY {key} LIMIT {batch}"
        rows = list(db.query(page, {**params, "after": after}))
        if not rows:
            return
        after = rows[-1]["rowid"]  # before the caller gets (and may change) the rows
        yield from rows
        if len(rows) < batch:
            return
