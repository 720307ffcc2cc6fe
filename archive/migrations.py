"""Schema migrations, tracked in SQLite's ``PRAGMA user_version``.

Each migration brings the archive from version N-1 to N inside one
transaction, so an interrupted upgrade leaves the previous version intact.
Never edit a released migration: add a new one.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlite_utils


class ArchiveVersionError(Exception):
    """The archive was written by a newer newsarchive than this one."""


def _v1_initial(db: sqlite_utils.Database) -> None:
    db["articles"].create(
        {
            "url": str,
            "canonical_url": str,
            "source": str,
            "title": str,
            "authors": str,
            "published": str,
            "language": str,
            "description": str,
            "sitename": str,
            "tags": str,
            "image": str,
            "text": str,
            "comments": str,
            "extractor": str,
            "first_seen": str,
            "last_fetched": str,
            "content_hash": str,
        },
        pk="url",
    )
    db["articles"].create_index(["source", "published"])
    db["articles"].create_index(["published"])
    db["articles"].create_index(["canonical_url"])
    db["bodies"].create({"hash": str, "size": int, "body": bytes}, pk="hash")
    db["crawls"].create(
        {
            "id": int,
            "run": str,
            "source": str,
            "started": str,
            "finished": str,
            "status": str,
            "pages": int,
            "new": int,
            "updated": int,
            "unchanged": int,
            "not_articles": int,
            "errors": int,
            "error_kinds": str,
            "robots_blocked": int,
        },
        pk="id",
    )
    db["crawls"].create_index(["source", "started"])
    db["pages"].create(
        {
            "url": str,
            "source": str,
            "kind": str,
            "outcome": str,
            "status": int,
            "error": str,
            "content_type": str,
            "headers": str,
            "body_hash": str,
            "fetched_at": str,
            "crawl_id": int,
        },
        pk="url",
        foreign_keys=[("body_hash", "bodies", "hash"), ("crawl_id", "crawls", "id")],
    )
    db["pages"].create_index(["source", "kind"])
    db["articles"].enable_fts(["title", "text"], create_triggers=True, tokenize="porter unicode61")


def _v2_discovery_counts(db: sqlite_utils.Database) -> None:
    # What a crawl skipped or was told to wait for, so the seen-state is visible.
    for column in ("skipped_known", "skipped_old", "not_modified", "retry_after"):
        db["crawls"].add_column(column, int, not_null_default=0)


def _v3_crawl_backoff(db: sqlite_utils.Database) -> None:
    db["crawls"].add_column("backoff", int)


def _v4_revisions(db: sqlite_utils.Database) -> None:
    db["revisions"].create(
        {
            "id": int,
            "url": str,
            "version": int,
            "fetched_at": str,
            "replaced_at": str,
            "cause": str,
            "title": str,
            "text": str,
            "content_hash": str,
            "extractor": str,
            "body_hash": str,
            "diff": str,
        },
        pk="id",
        foreign_keys=[("url", "articles", "url"), ("body_hash", "bodies", "hash")],
    )
    # Plain ALTER TABLE: sqlite-utils' add_column(fk=...) rebuilds the table and drops the FTS triggers.
    db.execute("ALTER TABLE articles ADD COLUMN body_hash TEXT REFERENCES bodies(hash)")
    db.execute(
        "UPDATE articles SET body_hash = (SELECT body_hash FROM pages "
        "WHERE pages.url = articles.url AND pages.outcome = 'article')"
    )
    db["revisions"].create_index(["url", "version"], unique=True)
    db["revisions"].create_index(["replaced_at"])
    # Revisits look for young articles of one source; stats want the last new article.
    db["articles"].create_index(["source", "first_seen"])


def _v5_body_codec(db: sqlite_utils.Database) -> None:
    # Bodies are zstd-compressed from now on: smaller than zlib's and several times faster
    # to write. The bodies kept before stay as they are, marked as zlib.
    db["bodies"].add_column("codec", str, not_null_default="zlib")


def _v6_listings_and_reasons(db: sqlite_utils.Database) -> None:
    # Plain ALTER TABLE, as in v4: sqlite-utils would rebuild articles and drop its FTS triggers.
    # What a source's listings are read with: when it changes, they are read in full, not conditionally.
    db.execute("ALTER TABLE crawls ADD COLUMN listing_settings TEXT")
    # Why a page was not taken for an article, as the extractor said.
    db.execute("ALTER TABLE pages ADD COLUMN why_not_article TEXT")
    # The URL as published, which revisits fetch; the key (url) is normalised and may not be served.
    db.execute("ALTER TABLE articles ADD COLUMN fetched_from TEXT")


MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [
    _v1_initial,
    _v2_discovery_counts,
    _v3_crawl_backoff,
    _v4_revisions,
    _v5_body_codec,
    _v6_listings_and_reasons,
]
LATEST = len(MIGRATIONS)


def current_version(db: sqlite_utils.Database) -> int:
    return db.execute("PRAGMA user_version").fetchone()[0]


def migrate(db: sqlite_utils.Database) -> int:
    """Apply the pending migrations; returns how many ran."""
    version = current_version(db)
    if version > LATEST:
        raise ArchiveVersionError(
            f"the archive is at schema version {version}, newer than this newsarchive "
            f"understands ({LATEST}); upgrade newsarchive to open it"
        )
    for number in range(version + 1, LATEST + 1):
        with db.conn:
            db.execute("BEGIN IMMEDIATE")
            MIGRATIONS[number - 1](db)
            db.execute(f"PRAGMA user_version = {number}")
    return LATEST - version
