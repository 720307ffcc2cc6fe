"""Re-run the current extractor on the raw pages the archive keeps, without the network.

The Python API behind ``newsarchive reextract``: a better extractor can be
applied to years of archived pages; articles whose words change get a
revision (cause ``reextract``), so nothing the old extractor produced is lost.
Pages once judged not to be articles are read again too: those the extractor now
takes for articles are archived, the others get the extractor's current reason.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor
from dataclasses import dataclass
from itertools import islice
from typing import Any, TypeVar

from archive.queries import Selection, keyset_rows
from archive.store import Archive
from scraper.crawl.pool import ExtractionFailed, get_pool
from scraper.crawl.urls import article_key
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
    pages_examined: int = 0  # pages stored as not_article, read again
    found: int = 0  # of those, pages now seen as articles: archived

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
    level: str = "best",
) -> ReextractReport:
    """Extract every selected article again from its stored raw page at this extraction
    ``level`` (the config's ``extract``), updating those that change; then the pages stored
    as not articles (selected by source and by when they were fetched), archiving those
    that now read as articles."""
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
    _reextract_articles(archive, pool, keyset_rows(archive.db, sql, params, key="articles.rowid"), level, report, progress)
    where, params = selection.where(date="pages.fetched_at", source="pages.source")
    sql = f"SELECT rowid, url, headers, body_hash FROM pages WHERE outcome = 'not_article' AND body_hash IS NOT NULL AND {where}"
    _reconsider_pages(archive, pool, keyset_rows(archive.db, sql, params), level, report, progress)
    return report


def _reextract_articles(
    archive: Archive,
    pool: Executor,
    articles: Iterable[dict[str, Any]],
    level: str,
    report: ReextractReport,
    progress: Callable[[ReextractReport], None] | None,
) -> None:
    for chunk in _chunks(articles, CHUNK):
        jobs = []
        for row in chunk:
            report.examined += 1
            body = archive.body(row["body_hash"]) if row["body_hash"] else None
            if body is None:
                report.no_body += 1
                continue
            # What the archive knows stays the fallback, as discovery's hints were at crawl time.
            jobs.append((row, body, {"title": row["title"], "published": row["published"]}))
        for row, article, _ in _extract_all(pool, jobs, level, report):
            if article is None:
                report.not_articles += 1
                continue
            outcome = archive.replace_extraction(row["url"], article)
            setattr(report, outcome, getattr(report, outcome) + 1)
        if progress:
            progress(report)


def _reconsider_pages(
    archive: Archive,
    pool: Executor,
    pages: Iterable[dict[str, Any]],
    level: str,
    report: ReextractReport,
    progress: Callable[[ReextractReport], None] | None,
) -> None:
    for chunk in _chunks(pages, CHUNK):
        jobs = [(row, body, {}) for row in chunk if (body := archive.body(row["body_hash"])) is not None]
        report.pages_examined += len(jobs)
        for row, article, why in _extract_all(pool, jobs, level, report):
            if article is None:
                archive.explain_not_article(row["url"], why)
                continue
            archive.adopt_page(row["url"], article_key(row["url"], article.get("canonical_url")), article)
            report.found += 1
        if progress:
            progress(report)


def _extract_all(
    pool: Executor, jobs: list[tuple[dict[str, Any], bytes, dict[str, Any]]], level: str, report: ReextractReport
) -> Iterator[tuple[dict[str, Any], dict[str, Any] | None, str | None]]:
    """(row, article or None, why not an article) for each (row, body, hints) extracted in the
    pool; a page whose extraction fails is logged, counted in ``report.failed`` and left out."""
    futures = [pool.submit(_extract_record, body, _content_type(row["headers"]), row["url"], hints, level) for row, body, hints in jobs]
    for (row, _, _), future in zip(jobs, futures):
        try:
            article, why = future.result()
        except ExtractionFailed as exc:
            logger.warning("%s: extraction failed: %s (%s)", row["url"], exc.kind, exc)
            report.failed += 1
            continue
        yield row, article, why


def _extract_record(
    body: bytes, content_type: str | None, url: str, hints: dict[str, Any], level: str
) -> tuple[dict[str, Any] | None, str | None]:
    """The archive's fields of the article in a stored page (None when there is none) and why
    it is no article (None when it is one): run in the pool's workers."""
    article = extract(body, url, level=level, hints=hints, content_type=content_type)
    return (article.record(), None) if article.is_article else (None, article.not_article)


def _content_type(headers_json: str | None) -> str | None:
    return json.loads(headers_json).get("Content-Type") if headers_json else None
