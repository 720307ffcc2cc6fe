"""The datasette plugin that makes an archive readable in a browser: search, reading view, cells, Atom feeds.

Registered through the ``datasette`` entry point in pyproject.toml, so ``newsarchive serve`` (and any
datasette in the same environment) loads it. It acts only on databases that are newsarchive archives.
Its templates (``templates/``) extend datasette's own; its style and script (``static/``) are served
by datasette itself, so a page loads nothing from another host.
"""

from __future__ import annotations

from typing import Any

from datasette import hookimpl
from datasette.database import QueryInterrupted
from datasette.utils import tilde_encode, urlsafe_components
from markupsafe import Markup, escape

from archive.queries import HIGHLIGHT, match_expression, search_sql
from archive.schema import TABLES
from archive.web.feed import atom_renderer
from archive.web.values import highlighted, json_list

PLUGIN = "newsarchive"  # the name datasette serves our static files under: the distribution's
JSON_LIST_COLUMNS = {"authors", "tags"}
BEST_MATCHES = 10
RELATED = 5


@hookimpl(trylast=True)  # after datasette's own functions, so its escape_fts gives way to ours
def prepare_connection(conn: Any) -> None:
    # fts_query() for canned queries; escape_fts() is what datasette's table search box runs.
    conn.create_function("fts_query", 1, match_expression, deterministic=True)
    conn.create_function("escape_fts", 1, match_expression, deterministic=True)


@hookimpl
def prepare_jinja2_environment(env: Any) -> None:
    env.filters["highlighted"] = highlighted
    env.filters["json_list"] = json_list


@hookimpl
def extra_css_urls(datasette: Any) -> list[str]:
    return [datasette.urls.static_plugins(PLUGIN, "newsarchive.css")]


@hookimpl
def extra_js_urls(datasette: Any) -> list[dict[str, Any]]:
    return [{"url": datasette.urls.static_plugins(PLUGIN, "newsarchive.js"), "module": False}]


@hookimpl
def render_cell(row: Any, value: Any, column: str, table: str | None, database: str, datasette: Any) -> Any:
    if isinstance(value, str) and HIGHLIGHT[0] in value:
        return highlighted(value)
    if table is None and column == "title" and "url" in row.keys() and isinstance(row["url"], str):
        # A query's article (search, latest, changed) opens on its reading page.
        href = datasette.urls.row(database, "articles", tilde_encode(row["url"]))
        return Markup(f'<a href="{escape(href)}">{escape(value or row["url"])}</a>')
    columns = TABLES.get(table or "", {})
    if column not in columns:
        return None
    if column in JSON_LIST_COLUMNS:
        return ", ".join(json_list(value))
    if column == "body_hash" and isinstance(value, str) and value:
        href = datasette.urls.row(database, "bodies", tilde_encode(value))
        return Markup(f'<a href="{escape(href)}" title="{escape(value)}">{escape(value[:12])}…</a>')
    if column == "content_hash" and isinstance(value, str) and value:
        return Markup(f'<span title="{escape(value)}">{escape(value[:12])}…</span>')
    if table == "bodies" and column == "body" and isinstance(value, bytes):
        return f"compressed page, {len(value):,} bytes"
    return None


@hookimpl
def register_output_renderer(datasette: Any) -> dict[str, Any]:
    return atom_renderer()


@hookimpl
def extra_template_vars(view_name: str, database: str, table: str, request: Any, datasette: Any) -> Any:
    if table != "articles" or view_name not in ("row", "table") or request is None:
        return None

    async def inner() -> dict[str, Any]:
        db = datasette.get_database(database)
        if not await db.table_exists("articles_fts"):  # not an archive
            return {}

        def article_href(url: str) -> str:
            return datasette.urls.row(database, "articles", tilde_encode(url))

        context: dict[str, Any] = {"article_href": article_href}
        if view_name == "row":
            context["article"] = await _article(db, urlsafe_components(request.url_vars["pks"])[0])
        else:
            wide = any(key in request.args for key in ("_col", "_nocol", "_wide"))
            context["article_listing"] = not wide
            if request.args.get("_search"):
                context["best_matches"] = await _best_matches(db, request.args["_search"])
        return context

    return inner


async def _best_matches(db: Any, query: str) -> list[dict[str, Any]]:
    sql = search_sql(match=":query", opening=":open", closing=":close", limit=str(BEST_MATCHES))
    params = {"query": match_expression(query), "open": HIGHLIGHT[0], "close": HIGHLIGHT[1]}
    try:
        return [dict(row) for row in await db.execute(sql, params)]
    except QueryInterrupted:  # out of time (a word in most articles): the table below still lists them
        return []


async def _article(db: Any, url: str) -> dict[str, Any] | None:
    """An article with what its reading view shows: paragraphs, earlier versions, related articles."""
    rows = await db.execute("SELECT * FROM articles WHERE url = ?", [url])
    if not rows.rows:
        return None
    article = dict(rows.rows[0])
    article["paragraphs"] = [part.strip() for part in (article["text"] or "").split("\n\n") if part.strip()]
    article["authors"] = json_list(article["authors"])
    article["tags"] = json_list(article["tags"])
    versions = await db.execute(
        "SELECT version, fetched_at, replaced_at, cause, title, diff FROM revisions WHERE url = ? ORDER BY version DESC",
        [url],
    )
    article["versions"] = [dict(row) for row in versions.rows]
    day = await db.execute("SELECT date(published) AS day FROM articles WHERE url = ?", [url])
    article["day"] = day.rows[0]["day"]
    # Both lists read an index (source, published; published), so they stay fast on a large archive.
    article["same_source"] = await _related(
        db, "source = :source AND url != :url ORDER BY published DESC", {"url": url, "source": article["source"]}
    )
    article["same_day"] = await _related(
        db,
        "published >= date(:day, '-1 day') AND published < date(:day, '+2 days') AND date(published) = :day"
        " AND url != :url ORDER BY published DESC",
        {"url": url, "day": article["day"]},
    )
    return article


async def _related(db: Any, where: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    """A few other articles, or none when the query runs out of time: the article shows all the same."""
    try:
        rows = await db.execute(f"SELECT url, title, published FROM articles WHERE {where} LIMIT {RELATED}", params)
    except QueryInterrupted:
        return []
    return [dict(row) for row in rows.rows]
