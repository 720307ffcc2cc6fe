"""The corpus as a small web on loopback: one HTTP server per original site.

Each site of ``../shared/corpus`` gets its own loopback address (127.0.1.1,
127.0.1.2, ...), serves its pages at their original paths and lists them in a
``/sitemap.xml``, so a crawl meets many sites, each with its own politeness
slot, as it would on the web.
"""

from __future__ import annotations

import gzip
import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

from w3lib.url import safe_url_string

from tests.newssite import Site

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


@dataclass
class CorpusPage:
    id: str
    url: str  # where the page was on the web
    truth: dict
    collection: str

    def html(self, corpus: Path = CORPUS) -> bytes:
        """The page as UTF-8, decoded as the corpus README says (UTF-8 with replacement)."""
        raw = gzip.decompress((corpus / self.collection / "pages" / f"{self.id}.html.gz").read_bytes())
        return raw.decode("utf-8", errors="replace").encode("utf-8")


def load_pages(collection: str, corpus: Path = CORPUS) -> list[CorpusPage]:
    lines = (corpus / collection / "truth.jsonl").read_text(encoding="utf-8").splitlines()
    return [CorpusPage(row["id"], row.get("url") or "", row, collection) for row in map(json.loads, lines)]


def loopback_address(index: int) -> str:
    return f"127.0.{1 + index // 250}.{1 + index % 250}"


class CorpusWeb:
    """Serves pages grouped by their original host; ``url_of[page.id]`` is where each now lives."""

    def __init__(self, pages: list[CorpusPage], corpus: Path = CORPUS):
        by_host: dict[str, list[CorpusPage]] = defaultdict(list)
        for page in pages:
            by_host[urlsplit(page.url).hostname or "unknown"].append(page)
        self.sites: list[Site] = []
        self.url_of: dict[str, str] = {}
        port = 0
        for index, (host, host_pages) in enumerate(sorted(by_host.items())):
            site = Site(loopback_address(index), port)
            port = site.server.server_port  # same port on every address: easier to read in logs
            self.sites.append(site)
            locs = []
            for page in host_pages:
                path = _path_of(page, site)
                site.add(path, page.html(corpus))
                self.url_of[page.id] = site.base + path
                locs.append(site.base + path)
            urls = "".join(f"<url><loc>{escape(loc)}</loc></url>" for loc in locs)
            site.add(
                "/sitemap.xml",
                f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>',
                "application/xml",
            )

    def start(self) -> CorpusWeb:
        for site in self.sites:
            site.start()
        return self

    def stop(self) -> None:
        for site in self.sites:
            site.stop()


def _path_of(page: CorpusPage, site: Site) -> str:
    """The page's original path, or one made from its id when that path is taken or empty."""
    path = safe_url_string(urlsplit(page.url).path or "/")
    if path in ("/", "/sitemap.xml", "/robots.txt") or path in site.pages:
        path = f"/corpus/{page.id}.html"
    return path
