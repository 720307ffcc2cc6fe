"""Re-run the current extractor on the raw pages the archive keeps, without the network.

The Python API behind ``newsarchive reextract``: a better extractor can be
applied to years of archived pages; articles whose words change get a
revision (cause ``reextract``), so nothing the old extractor produced is lost.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any, TypeVar


from archive.queries import Selection, keyset_rows
from archive.store import Archive
from scraper.crawl.pool import ExtractionFailed, get_pool
from scraper.extract import extract

T = TypeVar("T")
logger = logging.getLogger(__name__)
# Pages handed to the extraction pool at once: enough to keep every worker busy, few enough to bound memory.
CHUNK = 64


@dataclass
class ReextractReport:
    """What a re-extraction did, article by article."""

    examined: int = 0
    updated: int = 0  # the words changed: the row is updated and the old version kept as a revision
    metadata: int = 0  # only metadata (authors, dates, tags, ...) changed: the row is updated
    unchanged: int = 0
    not_articles: int = 0  # the extractor no longer sees an article in the page: the row is kept as it is
    no_body: int = 0  # the raw page was never stored (e.g. the archive predates raw storage)
    failed: int = 0  # extraction ran past its time or memory budget, or crashed: the row is kept as it is

    @property
    def changed(self) -> int:
        return self.updated + self.metadata


def _chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def reextract(
    archive: Archive,
    selection: Selection = Selection(),
    workers: int | None = None,
    progress: Callable[[ReextractReport], None] | None = None,
) -> ReextractReport:
    """Extract every selected article again from its stored raw page, updating those that change."""
    selection.check(archive.db)
    where, params = selection.where()
    # The response headers give the charset, when the stored page is the one last fetched.
    sql = (
        "SELECT articles.rowid AS rowid, articles.url, articles.title, articles.published, "
        "articles.body_hash, pages.headers "
        "FROM articles LEFT JOIN pages ON pages.url = articles.url AND pages.body_hash = articles.body_hash "
        f"WHERE {where}"
    )
    report = ReextractReport()
    pool = get_pool(workers)
    for chunk in _chunks(keyset_rows(archive.db, sql, params, key="articles.rowid"), CHUNK):
        jobs = []
        for row in chunk:
            report.examined += 1
            body = archive.body(row["body_hash"]) if row["body_hash"] else None
            if body is None:
                report.no_body += 1
                continue
            jobs.append((row, body))
        futures = [
            pool.submit(
                _extract_record,
                body,
                _content_type(row["headers"]),
                row["url"],
                # What the archive knows stays the fallback, as discovery's hints were at crawl time.
                {"title": row["title"], "published": row["published"]},
            )
            for row, body in jobs
        ]
        for (row, _), future in zip(jobs, futures):
            try:
                article = future.result()
            except ExtractionFailed as exc:
                logger.warning("%s: extraction failed: %s (%s)", row["url"], exc.kind, exc)
                report.failed += 1
                continue
            if article is None:
                report.not_articles += 1
                continue
            outcome = archive.replace_extraction(row["url"], article)
            setattr(report, outcome, getattr(report, outcome) + 1)
        if progress:
            progress(report)
    return report


def _extract_record(body: bytes, content_type: str | None, url: str, hints: dict[str, Any]) -> dict[str, Any] | None:
    """The archive's fields of the article in a stored page, or None: run in the pool's workers."""
    article = extract(body, url, hints=hints, content_type=content_type)
    return article.record() if article.is_article else None


def _content_type(headers_json: str | None) -> str | None:
    return json.loads(headers_json).get("Content-Type") if headers_json else None
