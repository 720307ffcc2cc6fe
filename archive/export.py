"""Hand the archive to others: articles as JSON Lines or CSV, raw responses as WARC.

Every export streams: rows are read in keyset batches and written as they
come, so memory stays flat however large the archive is.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import datetime
from http import HTTPStatus
from io import BytesIO
from typing import IO, Any

import sqlite_utils
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archive.queries import Selection, keyset_rows
from archive.store import ARTICLE_FIELDS, unpack_body

ARTICLE_COLUMNS = ("url", "source", *ARTICLE_FIELDS, "first_seen", "last_fetched", "content_hash")
JSON_COLUMNS = ("authors", "tags")
# Headers that describe the bytes on the wire, not the (decoded) body the archive keeps.
_WIRE_HEADERS = {"content-encoding", "transfer-encoding", "content-length"}


def iter_articles(db: sqlite_utils.Database, selection: Selection) -> Iterator[dict[str, Any]]:
    """The selected articles, with authors and tags as lists."""
    where, params = selection.where()
    sql = f"SELECT articles.rowid AS rowid, {', '.join(ARTICLE_COLUMNS)} FROM articles WHERE {where}"
    for row in keyset_rows(db, sql, params, key="articles.rowid"):
        del row["rowid"]
        for column in JSON_COLUMNS:
            row[column] = json.loads(row[column] or "[]")
        yield row


def export_jsonl(db: sqlite_utils.Database, out: IO[str], selection: Selection = Selection()) -> int:
    """One JSON object per article and line; returns how many were written."""
    count = 0
    for count, row in enumerate(iter_articles(db, selection), 1):
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
    return count


def export_csv(db: sqlite_utils.Database, out: IO[str], selection: Selection = Selection()) -> int:
    """One CSV row per article (authors and tags joined by "; "); returns how many were written."""
    writer = csv.DictWriter(out, fieldnames=ARTICLE_COLUMNS)
    writer.writeheader()
    count = 0
    for count, row in enumerate(iter_articles(db, selection), 1):
        for column in JSON_COLUMNS:
            row[column] = "; ".join(row[column])
        writer.writerow(row)
    return count


def export_warc(db: sqlite_utils.Database, out: IO[bytes], selection: Selection = Selection()) -> int:
    """The stored raw responses as gzipped WARC/1.1 ``response`` records; returns how many were written.

    The selection's dates apply to when a page was fetched. Bodies are stored
    decoded, so wire-only headers (Content-Encoding, Transfer-Encoding) are
    dropped and Content-Length is set to the stored body's length.
    """
    writer = WARCWriter(out, gzip=True, warc_version="1.1")
    writer.write_record(
        writer.create_warcinfo_record("newsarchive-export.warc.gz", {"software": "newsarchive", "format": "WARC/1.1"})
    )
    where, params = selection.where(date="datetime(pages.fetched_at)", source="pages.source")
    sql = (
        "SELECT pages.rowid AS rowid, url, status, headers, fetched_at, bodies.body, bodies.codec "
        "FROM pages JOIN bodies ON bodies.hash = pages.body_hash "
        f"WHERE pages.status > 0 AND {where}"
    )
    count = 0
    for count, page in enumerate(keyset_rows(db, sql, params, key="pages.rowid"), 1):
        body = unpack_body(page["body"], page["codec"])
        headers = [
            (name, value)
            for name, value in json.loads(page["headers"] or "{}").items()
            if name.lower() not in _WIRE_HEADERS
        ]
        headers.append(("Content-Length", str(len(body))))
        http_headers = StatusAndHeaders(_status_line(page["status"]), headers, protocol="HTTP/1.1")
        record = writer.create_warc_record(
            page["url"],
            "response",
            payload=BytesIO(body),
            length=len(body),
            http_headers=http_headers,
            warc_headers_dict={"WARC-Date": _warc_date(page["fetched_at"])},
        )
        writer.write_record(record)
    return count


def _status_line(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"{status} Unknown"


def _warc_date(iso: str) -> str:
    return datetime.fromisoformat(iso).strftime("%Y-%m-%dT%H:%M:%SZ")
