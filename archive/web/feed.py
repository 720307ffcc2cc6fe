"""Atom feeds of any table view or query of the archive (``.atom``), so a saved search becomes a subscription.

Built with feedgen. An entry links to the article itself where the row has its ``url``, else to the
row's page in datasette; its date is the first date column the row has, its summary the snippet,
the description, or the row's other values as text.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any

from datasette.utils import path_from_row_pks
from datasette.utils.asgi import Response
from dateutil import parser as date_parser
from feedgen.feed import FeedGenerator

from archive.queries import plain_snippet
from archive.web.values import json_list

# Which column dates an entry, best first.
DATE_COLUMNS = ("published", "last_change", "replaced_at", "fetched_at", "finished", "started", "last_fetched", "first_seen", "day")
SUMMARY_COLUMNS = ("snippet", "description")
TITLE_COLUMNS = ("title", "source", "url")
MAX_VALUE = 300  # characters of a column's value in a summary
# Characters XML 1.0 cannot carry (control characters), dropped from every string put in a feed.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def atom_renderer() -> dict[str, Any]:
    """The ``register_output_renderer`` answer: ``.atom`` for every table and query."""
    return {"extension": "atom", "render": render_atom, "can_render": lambda: True}


def _text(value: Any) -> str:
    return _NOT_XML.sub("", plain_snippet(value if isinstance(value, str) else str(value)))


def _date(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        moment = date_parser.isoparse(value.strip())
    except ValueError:
        try:
            moment = date_parser.parse(value)
        except (ValueError, OverflowError):
            return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


async def render_atom(
    datasette: Any, request: Any, database: str, table: str | None, query_name: str | None, columns: list[str], rows: list[Any]
) -> Response:
    """An Atom feed of the rows the page shows, newest entry date as the feed's date."""
    page_url = datasette.absolute_url(request, request.path.removesuffix(".atom")) + (
        f"?{request.query_string}" if request.query_string else ""
    )
    feed = FeedGenerator()
    feed.id(page_url)
    searched = request.args.get("_search") or request.args.get("q")
    feed.title(_text(f"newsarchive: {table or query_name or database}" + (f" matching {searched!r}" if searched else "")))
    feed.link(href=page_url, rel="alternate")
    feed.link(href=datasette.absolute_url(request, request.full_path), rel="self")
    feed.generator("newsarchive")
    pks, use_rowid = [], False
    if table:
        db = datasette.get_database(database)
        pks = await db.primary_keys(table)
        use_rowid = not pks
    newest = None
    for number, row in enumerate(rows):
        values = dict(zip(columns, row))
        entry = feed.add_entry(order="append")
        link = values.get("url") if str(values.get("url", "")).startswith(("http://", "https://")) else None
        if link is None and table and (pks or "rowid" in values):
            row_path = path_from_row_pks(values, pks, use_rowid)
            link = datasette.absolute_url(request, datasette.urls.row(database, table, row_path))
        entry.id(_text(link or f"{page_url}#row-{number + 1}"))
        if link:
            entry.link(href=_text(link))
        title = next((values[name] for name in TITLE_COLUMNS if values.get(name)), None)
        entry.title(_text(title if title is not None else " · ".join(str(value) for value in list(values.values())[:3])))
        when = next((moment for name in DATE_COLUMNS if (moment := _date(values.get(name)))), None)
        when = when or datetime.now(timezone.utc)
        newest = max(newest or when, when)
        entry.updated(when)
        for author in json_list(values.get("authors")):
            entry.author({"name": _text(author)})
        summary = next((values[name] for name in SUMMARY_COLUMNS if values.get(name)), None)
        if summary is None:
            summary = " · ".join(
                f"{name}: {str(value)[:MAX_VALUE]}"
                for name, value in values.items()
                if value not in (None, "") and not isinstance(value, bytes)
            )
        entry.content(_text(summary), type="text")  # a feed entry without a link needs content
    feed.updated(newest or datetime.now(timezone.utc))
    return Response(feed.atom_str(pretty=True), content_type="application/atom+xml; charset=utf-8")
