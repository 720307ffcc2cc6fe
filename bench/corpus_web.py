"""A small web on loopback: one HTTP server per site, each with its sitemap.

Each site (of ``../shared/corpus``, or generated) gets its own loopback address (127.0.1.1,
127.0.1.2, ...), serves its pages at their original paths and lists them in a
``/sitemap.xml``, so a crawl meets many sites, each with its own politeness
slot, as it would on the web.
"""

from __future__ import annotations

from collections import defaultdict
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

from w3lib.url import safe_url_string

from bench.corpus import Page
from tests.newssite import Site


def loopback_address(index: int) -> str:
    return f"127.0.{1 + index // 250}.{1 + index % 250}"


class LoopbackWeb:
    """Sites on their own loopback addresses, each serving its pages and a ``/sitemap.xml``.

    ``url_of[key]`` is where the page given under ``key`` now lives.
    """

    def __init__(self, sites: list[list[tuple[str, str, bytes]]]):
        self.sites: list[Site] = []
        self.url_of: dict[str, str] = {}
        port = 0
        for index, pages in enumerate(sites):
            site = Site(loopback_address(index), port)
            port = site.server.server_port  # same port on every address: easier to read in logs
            self.sites.append(site)
            for key, path, body in pages:
                path = _free_path(safe_url_string(path or "/"), key, site)
                site.add(path, body)
                self.url_of[key] = site.base + path
            urls = "".join(f"<url><loc>{escape(site.base + path)}</loc></url>" for path in site.pages)
            site.add(
                "/sitemap.xml",
                f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>',
                "application/xml",
            )

    def start(self) -> LoopbackWeb:
        for site in self.sites:
            site.start()
        return self

    def stop(self) -> None:
        for site in self.sites:
            site.stop()


def corpus_web(pages: list[Page]) -> LoopbackWeb:
    """One loopback site per original host of the pages, each page at its original path."""
    by_host: dict[str, list[tuple[str, str, bytes]]] = defaultdict(list)
    for page in pages:
        parts = urlsplit(page.url)
        by_host[parts.hostname or "unknown"].append((page.id, parts.path, page.html.encode("utf-8")))
    return LoopbackWeb([by_host[host] for host in sorted(by_host)])


def _free_path(path: str, key: str, site: Site) -> str:
    """The wanted path, or one made from the key when that path is taken or reserved."""
    if path in ("/", "/sitemap.xml", "/robots.txt") or path in site.pages:
        return f"/page/{key}.html"
    return path
