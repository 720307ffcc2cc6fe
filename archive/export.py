"""Hand the archive to others: articles as JSON Lines or CSV, raw responses as WARC.

Every export streams: rows are read in keyset batches and written as they
come, so memory stays flat however large the archive is.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
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
# What a 304 answer repeats of the response it stands for.
_VALIDATORS = {"etag", "last-modified"}
SERVER_NOT_MODIFIED = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"


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


def export_warc(
    db: sqlite_utils.Database,
    out: IO[bytes],
    selection: Selection = Selection(),
    *,
    gzip: bool = True,
    filename: str = "newsarchive-export.warc.gz",
) -> int:
    """The stored raw responses as WARC/1.1 records (each gzipped with ``gzip``); returns how many
    fetches were written.

    The selection's dates apply to when a page was fetched. Bodies are stored
    decoded, so wire-only headers (Content-Encoding, Transfer-Encoding) are
    dropped and Content-Length is set to the stored body's length. A page last
    answered with 304 Not Modified is the response stored before it (dated by its
    ``Date`` header) followed by a ``revisit`` record of the 304 (profile
    server-not-modified) that refers to it.
    """
    writer = WARCWriter(out, gzip=gzip, warc_version="1.1")
    writer.write_record(writer.create_warcinfo_record(filename, {"software": "newsarchive", "format": "WARC/1.1"}))
    where, params = selection.where(date="datetime(pages.fetched_at)", source="pages.source")
    sql = (
        "SELECT pages.rowid AS rowid, url, status, headers, fetched_at, bodies.body, bodies.codec "
        "FROM pages JOIN bodies ON bodies.hash = pages.body_hash "
        f"WHERE pages.status > 0 AND {where}"
    )
    count = 0
    for count, page in enumerate(keyset_rows(db, sql, params, key="pages.rowid"), 1):
        headers = json.loads(page["headers"] or "{}")
        not_modified = page["status"] == 304
        # For a 304 the stored response is the last full one, sent with the Date header of its time.
        status = 200 if not_modified else page["status"]
        date = _http_date(headers) if not_modified else None
        response = _response_record(writer, page, headers, status, date or _warc_date(page["fetched_at"]))
        writer.write_record(response)
        if not_modified:
            writer.write_record(_revisit_record(writer, page, headers, response))
    return count


def _response_record(writer: WARCWriter, page: dict[str, Any], headers: dict[str, str], status: int, date: str) -> Any:
    body = unpack_body(page["body"], page["codec"])
    fields = [(name, value) for name, value in headers.items() if name.lower() not in _WIRE_HEADERS]
    fields.append(("Content-Length", str(len(body))))
    return writer.create_warc_record(
        page["url"],
        "response",
        payload=BytesIO(body),
        length=len(body),
        http_headers=StatusAndHeaders(_status_line(status), fields, protocol="HTTP/1.1"),
        warc_headers_dict={"WARC-Date": date},
    )


def _revisit_record(writer: WARCWriter, page: dict[str, Any], headers: dict[str, str], response: Any) -> Any:
    """The 304 answer, as a revisit of ``response`` (WARC 1.1, section 6.7.3)."""
    validators = [(name, value) for name, value in headers.items() if name.lower() in _VALIDATORS]
    return writer.create_warc_record(
        page["url"],
        "revisit",
        http_headers=StatusAndHeaders(_status_line(304), validators, protocol="HTTP/1.1"),
        warc_headers_dict={
            "WARC-Date": _warc_date(page["fetched_at"]),
            "WARC-Profile": SERVER_NOT_MODIFIED,
            "WARC-Refers-To": response.rec_headers.get_header("WARC-Record-ID"),
            "WARC-Refers-To-Target-URI": page["url"],
            "WARC-Refers-To-Date": response.rec_headers.get_header("WARC-Date"),
        },
    )


def _http_date(headers: dict[str, str]) -> str | None:
    """The response's own Date header as a WARC date, when it has a readable one."""
    value = next((value for name, value in headers.items() if name.lower() == "date"), None)
    try:
        sent = parsedate_to_datetime(value) if value else None
    except (TypeError, ValueError):
        return None
    if sent is None:
        return None
    return (sent.astimezone(timezone.utc) if sent.tzinfo else sent).strftime("%Y-%m-%dT%H:%M:%SZ")


def _status_line(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"{status} Unknown"


def _warc_date(iso: str) -> str:
    return datetime.fromisoformat(iso).strftime("%Y-%m-%dT%H:%M:%SZ")
