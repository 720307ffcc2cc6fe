"""The corpus through the real crawl: served on 127.0.0.1, archived by ``python -m scraper crawl``.

One source per collection, each with a sitemap listing its pages. A page is served at
``/<collection>/<id>/<its original path>``, so URL-borne evidence (dates in paths)
stays as on the web, and archived rows map back to corpus ids by URL path.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit
from xml.sax.saxutils import escape

import psutil
import yaml

from bench.corpus import Page

REPO = Path(__file__).resolve().parents[1]
CRAWL_SETTINGS = {"delay": 0, "robots": False, "per_site_concurrency": 16, "concurrency": 32, "autothrottle": False}


@dataclass
class CrawlResult:
    """What the crawl archived for each page (None: not archived), and what it cost."""

    found: list[dict[str, Any] | None]
    seconds: float
    cpu_seconds: float  # the crawl's process tree, Scrapy included


def page_path(page: Page) -> str:
    original = unquote(urlsplit(page.url).path).lstrip("/")
    return f"/{page.collection}/{page.id}/{quote(original, safe='/')}"


def corpus_key(url: str) -> tuple[str, str] | None:
    """(collection, id) of a served page's URL."""
    parts = urlsplit(url).path.split("/")
    return (parts[1], parts[2]) if len(parts) > 2 else None


def _sitemap(base: str, pages: list[Page]) -> bytes:
    entries = "".join(f"<url><loc>{escape(base + page_path(page))}</loc></url>" for page in pages)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'
    ).encode()


@contextmanager
def serve(pages: list[Page]) -> Iterator[str]:
    """Serve the pages and one sitemap per collection on a free loopback port; yields the base URL."""
    by_key = {(page.collection, page.id): page.html.encode("utf-8") for page in pages}
    sitemaps: dict[str, bytes] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            path = urlsplit(self.path).path
            collection = path.strip("/").split("/")[0]
            if path == f"/{collection}/sitemap.xml" and collection in sitemaps:
                self._send(sitemaps[collection], "application/xml")
            elif (body := by_key.get(corpus_key(path) or ("", ""))) is not None:
                self._send(body, "text/html; charset=utf-8")
            else:
                self.send_error(404)

        def _send(self, body: bytes, content_type: str) -> None:
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    for collection in dict.fromkeys(page.collection for page in pages):
        sitemaps[collection] = _sitemap(base, [page for page in pages if page.collection == collection])
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield base
    finally:
        server.shutdown()
        server.server_close()


def crawl_corpus(pages: list[Page], level: str) -> CrawlResult:
    """Crawl the served corpus with the real CLI and read back what it archived."""
    collections = list(dict.fromkeys(page.collection for page in pages))
    with serve(pages) as base, tempfile.TemporaryDirectory() as tmp:
        archive = Path(tmp) / "archive.db"
        config = {
            "archive": str(archive),
            "crawl": {**CRAWL_SETTINGS, "extract": level},
            "sources": [{"name": name, "sitemaps": [f"{base}/{name}/sitemap.xml"]} for name in collections],
        }
        config_path = Path(tmp) / "config.yaml"
        config_path.write_text(yaml.safe_dump(config), encoding="utf-8")
        start = time.perf_counter()
        with tempfile.TemporaryFile("w+") as log:
            crawl = subprocess.Popen(
                [sys.executable, "-m", "scraper", "crawl", "--config", str(config_path)],
                cwd=REPO,
                stdout=log,
                stderr=subprocess.STDOUT,
                text=True,
            )
            cpu = _tree_cpu_until_exit(crawl)
            log.seek(0)
            print(log.read()[-5000:], file=sys.stderr)
        seconds = time.perf_counter() - start
        if crawl.returncode not in (0, 1) or not archive.exists():
            raise SystemExit(f"the crawl failed (exit {crawl.returncode})")
        rows = _archived(archive)
    return CrawlResult([rows.get((page.collection, page.id)) for page in pages], seconds, cpu)


def _tree_cpu_until_exit(process: subprocess.Popen, every: float = 0.1) -> float:
    """CPU seconds of a process and all its descendants, sampled until it exits.

    Extraction workers are grandchildren (via the forkserver) that are never reaped
    into our rusage, so their times are read while they live; the last sample's
    fraction of a second per process is lost.
    """
    seen: dict[int, float] = {}
    root = psutil.Process(process.pid)
    while process.poll() is None:
        try:
            tree = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            break
        for member in tree:
            try:
                times = member.cpu_times()
            except psutil.NoSuchProcess:
                continue
            seen[member.pid] = times.user + times.system
        time.sleep(every)
    return sum(seen.values())


def _archived(path: Path) -> dict[tuple[str, str], dict[str, Any]]:
    """Archived articles by the corpus page they were fetched from.

    Joined through the raw body: an article is stored under the canonical URL its page
    declares, and a relative canonical ("/news/story") names no corpus page.
    """
    with sqlite3.connect(path) as db:
        rows = db.execute(
            "SELECT pages.url, title, authors, published, text FROM articles"
            " JOIN pages ON pages.body_hash = articles.body_hash AND pages.outcome = 'article'"
        ).fetchall()
    found = {}
    for url, title, authors, published, text in rows:
        if key := corpus_key(url):
            found[key] = {"title": title, "authors": json.loads(authors or "[]"), "published": published, "text": text}
    return found
