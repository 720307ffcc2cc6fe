"""Browse the archive in datasette: metadata generated from ``archive.schema``, and the command to serve it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from archive.queries import RANKING
from archive.schema import TABLES

# How datasette presents each table: facets, sortable columns, default order.
_TABLE_OPTIONS: dict[str, dict[str, Any]] = {
    "articles": {
        "facets": ["source", "language"],
        "sortable_columns": ["published", "first_seen", "last_fetched", "source", "title"],
        "sort_desc": "first_seen",
        "fts_table": "articles_fts",
        "fts_pk": "rowid",
        "label_column": "title",
    },
    "revisions": {"facets": ["cause"], "sortable_columns": ["fetched_at", "replaced_at", "version"], "sort_desc": "replaced_at"},
    "pages": {"facets": ["source", "kind", "outcome", "status"], "sortable_columns": ["fetched_at", "status"], "sort_desc": "fetched_at"},
    "crawls": {"facets": ["source", "status"], "sortable_columns": ["started", "finished", "new", "errors"], "sort_desc": "id"},
    "bodies": {"sortable_columns": ["size"]},
}

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
        "description": "Full-text search, best matches first (FTS5 syntax: words, \"phrases\", OR, NOT, prefix*).",
        "sql": "SELECT articles.title, articles.source, articles.published, articles.url,\n"
        "  snippet(articles_fts, 1, '<mark>', '</mark>', '…', 16) AS snippet\n"
        "FROM articles_fts JOIN articles ON articles.rowid = articles_fts.rowid\n"
        f"WHERE articles_fts MATCH :q AND articles_fts.rank MATCH '{RANKING}' ORDER BY articles_fts.rank LIMIT 50",
    },
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
    return {
        "title": "newsarchive",
        "description": "News articles archived by newsarchive: cleaned text, metadata, revisions and raw pages.",
        "databases": {database: {"tables": tables, "queries": CANNED_QUERIES}},
    }


def datasette_arguments(archive: Path, metadata: Path, host: str = "127.0.0.1", port: int = 8001) -> list[str]:
    """``datasette`` arguments that serve ``archive`` with our metadata, written to the file ``metadata``."""
    metadata.write_text(json.dumps(datasette_metadata(archive.stem), indent=2), encoding="utf-8")
    return ["serve", str(archive), "--metadata", str(metadata), "--host", host, "--port", str(port)]
