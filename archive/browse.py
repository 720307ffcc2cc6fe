"""Browse the archive in datasette: metadata generated from ``archive.schema``, charts, and the command to serve it.

The reading view, search rule, cells and Atom feeds are the plugin in ``archive.web``; the charts are
datasette-dashboards (Vega-Lite, its scripts shipped in its package and served locally).
"""

from __future__ import annotations

import json
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import quote

from archive.queries import SOURCE_STATS_SQL, search_sql
from archive.schema import TABLES

# How datasette presents each table: facets, sortable columns (the primary key too: datasette links it), default order.
_TABLE_OPTIONS: dict[str, dict[str, Any]] = {
    "articles": {
        "facets": ["source", "language", {"array": "authors"}, {"array": "tags"}, {"date": "published"}],
        "sortable_columns": ["url", "published", "first_seen", "last_fetched", "source", "title"],
        "sort_desc": "published",
        "fts_table": "articles_fts",
        "fts_pk": "rowid",
        "label_column": "title",
    },
    "revisions": {"facets": ["cause"], "sortable_columns": ["id", "fetched_at", "replaced_at", "version"], "sort_desc": "replaced_at"},
    "pages": {
        "facets": ["source", "kind", "outcome", "status"],
        "sortable_columns": ["url", "fetched_at", "status"],
        "sort_desc": "fetched_at",
    },
    "crawls": {"facets": ["source", "status"], "sortable_columns": ["id", "started", "finished", "new", "errors"], "sort_desc": "started"},
    "bodies": {"facets": ["codec"], "sortable_columns": ["hash", "size"], "sort_desc": "size"},
}

# Safe defaults: a slow query is stopped; a long cell shows its first characters.
QUERY_TIME_LIMIT_MS = 1000
CELL_CHARACTERS = 120

CANNED_QUERIES: dict[str, dict[str, str]] = {
    "latest_articles": {
        "title": "Latest articles",
        "description": "The 100 most recently published articles, all sources.",
        "sql": "SELECT datetime(coalesce(published, first_seen)) AS published_utc, source, title, url\n"
        "FROM articles ORDER BY published_utc DESC LIMIT 100",
    },
    "articles_per_source_per_day": {
        "title": "Articles per source per day",
        "description": "How many articles each source published each day (UTC), newest day first.",
        "sql": "SELECT date(coalesce(published, first_seen)) AS day, source, count(*) AS articles\n"
        "FROM articles GROUP BY day, source ORDER BY day DESC, source",
    },
    "changed_articles": {
        "title": "Changed articles",
        "description": "Articles edited on the server after they were first archived, most recent edit first.",
        "sql": "SELECT articles.title, articles.url, articles.source, count(*) + 1 AS versions,\n"
        "  max(revisions.replaced_at) AS last_change\n"
        "FROM revisions JOIN articles ON articles.url = revisions.url\n"
        "WHERE revisions.cause = 'fetch'\n"
        "GROUP BY articles.url ORDER BY last_change DESC",
    },
    "search": {
        "title": "Search articles",
        "description": "Full-text search, best matches first. Any words work (e-mail, U.S., c++); "
        'FTS5 syntax works where the query is valid FTS5: "a phrase", OR, NOT, prefix*, title:word.',
        "sql": search_sql(match="fts_query(:q)", opening="char(2)", closing="char(3)", limit="50"),
    },
}

def bars_per_day(count: str, colour: str) -> dict[str, Any]:
    """A Vega-Lite chart of ``count`` per day (UTC), stacked and coloured by ``colour``."""
    return {
        "mark": {"type": "bar", "tooltip": True},
        "encoding": {
            "x": {"field": "day", "type": "ordinal", "title": "day (UTC)"},
            "y": {"field": count, "type": "quantitative", "stack": True},
            "color": {"field": colour, "type": "nominal"},
        },
    }


DASHBOARD = "archive"
# Vega-Lite charts: each chart's query runs in the reader's datasette, its rows drawn in the browser.
CHARTS: dict[str, dict[str, Any]] = {
    "articles-per-day": {
        "title": "Articles per day of publication per source (the last 60 days archived)",
        # A range on published reads its index: the archive's last weeks only, however old the archive.
        "query": "SELECT date(published) AS day, source, count(*) AS articles FROM articles\n"
        "WHERE published >= (SELECT date(max(published), '-60 days') FROM articles)\n"
        "GROUP BY day, source ORDER BY day",
        "display": bars_per_day("articles", "source"),
    },
    "crawl-outcomes": {
        "title": "Crawl outcomes per day",
        "query": "SELECT date(started) AS day, status, count(*) AS crawls FROM crawls GROUP BY day, status ORDER BY day",
        "display": bars_per_day("crawls", "status"),
    },
    "source-health": {
        "title": "Source health: articles, and pages whose last fetch failed",
        "query": SOURCE_STATS_SQL.strip(),
        "display": {
            "transform": [{"fold": ["articles", "error_pages"], "as": ["measure", "count"]}],
            "mark": {"type": "bar", "tooltip": True},
            "encoding": {
                "y": {"field": "source", "type": "nominal"},
                "x": {"field": "count", "type": "quantitative"},
                "yOffset": {"field": "measure"},
                "color": {"field": "measure", "type": "nominal"},
            },
        },
    },
}


def dashboards(database: str) -> dict[str, Any]:
    """datasette-dashboards configuration: the archive's charts, read from the database ``database``."""
    return {
        DASHBOARD: {
            "title": "newsarchive charts",
            "description": "What the archive holds and how its crawls went.",
            "layout": [[name] for name in CHARTS],
            "charts": {name: {"library": "vega-lite", "db": database, **chart} for name, chart in CHARTS.items()},
        }
    }


def datasette_metadata(database: str) -> dict[str, Any]:
    """Datasette metadata for an archive served under the name ``database`` (its file name without .db)."""
    tables = {
        table: {
            "description": columns["_"],
            "columns": {name: meaning for name, meaning in columns.items() if name != "_"},
            **_TABLE_OPTIONS.get(table, {}),
        }
        for table, columns in TABLES.items()
    }
    path = escape(quote(database))
    return {
        "title": "newsarchive",
        "description_html": "News articles archived by newsarchive: cleaned text, metadata, revisions and raw pages. "
        f'Read the <a href="/{path}/articles">articles</a>, '
        f'<a href="/{path}/search">search</a> them, or see the <a href="/-/dashboards/{DASHBOARD}">charts</a>. '
        "Add <code>.atom</code> to any table or search address for a feed.",
        "databases": {database: {"tables": tables, "queries": CANNED_QUERIES}},
        "plugins": {"datasette-dashboards": dashboards(database)},
    }


def datasette_arguments(archive: Path, metadata: Path, host: str = "127.0.0.1", port: int = 8001) -> list[str]:
    """``datasette`` arguments that serve ``archive`` with our metadata, written to the file ``metadata``."""
    metadata.write_text(json.dumps(datasette_metadata(archive.stem), indent=2), encoding="utf-8")
    return [
        "serve", str(archive), "--metadata", str(metadata), "--host", host, "--port", str(port),
        "--setting", "sql_time_limit_ms", str(QUERY_TIME_LIMIT_MS),
        "--setting", "truncate_cells_html", str(CELL_CHARACTERS),
        # The facets are chosen in the metadata; guessing more costs each table page a query per column.
        "--setting", "suggest_facets", "off",
    ]  # fmt: skip
