"""Every table and column of the archive, and what it means.

This is the one place the archive is documented: the README, the datasette
metadata and ``newsarchive schema`` are all generated from ``TABLES``.
Dates are ISO 8601 strings in UTC (``2026-11-27T08:30:00+00:00``) unless a
column says otherwise; JSON columns hold JSON arrays or objects as text.
"""

from __future__ import annotations

TABLES: dict[str, dict[str, str]] = {
    "articles": {
        "_": "One row per article URL: the cleaned article and its metadata, latest version.",
        "url": "The article's key (primary key): the canonical URL the page declares on its own site, "
        "else the URL it was fetched from after redirects; without tracking parameters or fragment",
        "canonical_url": "The URL the page declares as canonical (<link rel=canonical> or og:url), if any",
        "source": "Name of the config.yaml source that found the article",
        "title": "Headline, without the site name glued to it",
        "authors": "JSON array of author names, in byline order",
        "published": "Publication date-time as the page gives it (ISO 8601, with its time zone where given)",
        "language": "Language of the article (ISO 639-1 code), declared by the page or detected",
        "description": "Summary the page declares (meta description / og:description)",
        "sitename": "Name of the publication",
        "tags": "JSON array of tags and categories the page declares",
        "image": "URL of the lead image (og:image)",
        "text": "Article body: paragraphs separated by blank lines, no page furniture, no reader comments",
        "comments": "Reader comments found on the page, kept apart from the text (may be empty)",
        "extractor": "Which extractor and version produced title, text and metadata",
        "first_seen": "When the archive first stored this article",
        "last_fetched": "When the article page was last fetched",
        "content_hash": "SHA-256 of the normalised title and text; changes only when the words change",
        "body_hash": "The raw page this version was extracted from (bodies.hash); `newsarchive reextract` reads it",
        "fetched_from": "The URL the article was last fetched from, exactly as the feed, sitemap or page listed it "
        "(revisits fetch it; url is the normalised key, which the site may not serve); empty for articles "
        "archived before newsarchive kept it",
    },
    "revisions": {
        "_": "Earlier versions of articles whose title or text changed: one row per replaced version.",
        "id": "Revision id (primary key)",
        "url": "The article (articles.url)",
        "version": "1 for the first version of the article, 2 for the next, ...; the articles row is the newest",
        "fetched_at": "When this version was first fetched",
        "replaced_at": "When the next version replaced it",
        "cause": "fetch (the page changed on the server) or reextract (a newer extractor read the stored page differently)",
        "title": "Headline of this version",
        "text": "Article body of this version",
        "content_hash": "SHA-256 of the normalised title and text of this version",
        "extractor": "Which extractor and version produced this version",
        "body_hash": "The raw page this version was extracted from (bodies.hash)",
        "diff": "Unified diff from this version to the next one (title first, then one line per paragraph)",
    },
    "pages": {
        "_": "One row per fetched URL (articles, feeds, sitemaps, other pages): the latest response.",
        "url": "The fetched URL, after redirects, normalised (primary key); a redirected request also "
        "gets a row of its own with outcome redirect",
        "source": "Name of the source that fetched it",
        "kind": "What the page was fetched as: article, feed, sitemap, section",
        "outcome": "article (stored in articles), not_article (a home/section/empty page), "
        "listing (a feed, sitemap or section page read for links), not_modified (HTTP 304: "
        "headers and body_hash stay those of the last full response), redirect (this URL led to "
        "an article or not_article page), error",
        "status": "HTTP status code (0 when no response arrived)",
        "error": "Why the fetch or extraction failed, when it did",
        "why_not_article": "For outcome not_article: why the extractor did not take the page for an article "
        "(e.g. too few words, a list of headlines)",
        "content_type": "Content-Type of the response",
        "headers": "JSON object of the response headers; a feed's or sitemap's ETag and Last-Modified "
        "make its next fetch a conditional request",
        "body_hash": "SHA-256 of the raw body; the body itself is in bodies",
        "fetched_at": "When the response arrived",
        "crawl_id": "The crawls row of the crawl that fetched it",
    },
    "bodies": {
        "_": "Raw response bodies, stored once per distinct content, compressed; "
        "lets extraction be re-run without the network.",
        "hash": "SHA-256 of the raw body (primary key)",
        "size": "Uncompressed size in bytes",
        "body": "The raw bytes as served, compressed with codec",
        "codec": "How body is compressed: zstd (zlib in archives written before newsarchive used zstd)",
    },
    "crawls": {
        "_": "One row per source per crawl run: what happened, for run history and source health.",
        "id": "Crawl id (primary key)",
        "run": "Id shared by all sources crawled in the same `newsarchive crawl` run",
        "source": "Name of the source",
        "started": "When the crawl of the source started",
        "finished": "When it finished (empty while running or after a crash)",
        "status": "running, ok (no errors), empty (no errors, but the source has no article yet), partial (some errors), "
        "failed (nothing fetched but HTTP errors), "
        "interrupted (stopped by SIGTERM/SIGINT before it was done; finished is empty when its process was killed)",
        "pages": "Responses received",
        "new": "Articles stored for the first time",
        "updated": "Articles whose words changed since the last fetch",
        "unchanged": "Articles fetched again with the same words",
        "not_articles": "Pages fetched that were not articles",
        "errors": "Requests that failed",
        "error_kinds": "JSON object: number of failures by kind (http_404, timeout, dns, ...)",
        "robots_blocked": "Requests not made because robots.txt forbids them",
        "skipped_known": "Article URLs found but not fetched: already in the archive, or fetched for another source in this run",
        "skipped_old": "Feed or sitemap entries not fetched: dated before the source's `since`",
        "not_modified": "Feeds, sitemaps and section pages answered 304 Not Modified (not parsed again)",
        "retry_after": "429/503 answers with a Retry-After header, waited out before asking the site again",
        "listing_settings": "Fingerprint of the source settings that decide what its listings yield (feeds, "
        "sitemaps, sections, follow, deny, depth, and since or `crawl --since`): when it differs from the last "
        "crawl's, the listings are read in full (no conditional request), so entries skipped before are reconsidered; "
        "empty for a crawl that read no listing (single URLs, `newsarchive add`)",
        "backoff": "Seconds the scheduler waits before crawling the source again, when longer than its "
        "timetable because of consecutive failures (empty: on timetable)",
    },
}


def describe_tables() -> str:
    """The schema documentation as Markdown."""
    out = []
    for table, columns in TABLES.items():
        out.append(f"### `{table}`\n\n{columns['_']}\n\n| column | meaning |\n|---|---|")
        out.extend(f"| `{name}` | {meaning} |" for name, meaning in columns.items() if name != "_")
        out.append("")
    return "\n".join(out)
