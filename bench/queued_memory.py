"""Peak memory of a crawl against the number of URLs it has queued.

Serves one generated news site on 127.0.0.1 whose sitemap index lists N
article URLs (children of 5,000 each, within the default ``max_entries``), crawls
it with ``python -m scraper crawl`` for ``--seconds`` seconds (then SIGINT: a
graceful stop) and prints the peak memory (PSS, summed over the crawl's
processes) with the pages archived meanwhile. The whole sitemap is read within
the first seconds, so for most of the run N requests wait in the crawlers' queues,
which spill to disk past 256 requests (scraper/queues.py): memory should not grow with N.
Run from the repo root:

    python -m bench.queued_memory [--sizes 2000 10000 100000] [--seconds 40]
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import tempfile
from functools import partial
from pathlib import Path
from xml.sax.saxutils import escape

import yaml

from bench.throughput import REPO, measure
from tests.generated_site import story_page
from tests.newssite import Response, Site

CHILD_SIZE = 5000
NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'


def _story(index: int, base: str) -> Response:
    return Response(200, story_page(index, base).encode())


def build_site(count: int) -> Site:
    """A site with ``count`` stories, made when asked for, listed by a sitemap index."""
    site = Site()
    for index in range(count):
        site.pages[f"/news/{index}.html"] = partial(_story, index, site.base)
    children = []
    for start in range(0, count, CHILD_SIZE):
        path = f"/sitemap-{start // CHILD_SIZE}.xml"
        locs = "".join(
            f"<url><loc>{escape(site.base)}/news/{i}.html</loc></url>" for i in range(start, min(count, start + CHILD_SIZE))
        )
        site.add(path, f'<?xml version="1.0" encoding="UTF-8"?><urlset {NS}>{locs}</urlset>', "application/xml")
        children.append(f"<sitemap><loc>{escape(site.base + path)}</loc></sitemap>")
    site.add(
        "/sitemap.xml",
        f'<?xml version="1.0" encoding="UTF-8"?><sitemapindex {NS}>{"".join(children)}</sitemapindex>',
        "application/xml",
    )
    return site.start()


def crawl_for(count: int, seconds: float) -> dict:
    site = build_site(count)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            config = {
                "archive": "archive.db",
                "crawl": {"delay": 0, "autothrottle": False, "robots": False, "per_site_concurrency": 8},
                "sources": [{"name": "generated", "sitemaps": [f"{site.base}/sitemap.xml"]}],
            }
            (folder / "config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
            wall, cpu, peak, result = measure(
                [sys.executable, "-m", "scraper", "crawl", "--config", str(folder / "config.yaml")], REPO, seconds
            )
            conn = sqlite3.connect(folder / "archive.db")
            archived = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
            conn.close()
    finally:
        site.stop()
    return {"queued": count, "peak_mb": round(peak / 1e6), "archived": archived, "seconds": round(wall, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 10_000, 100_000], help="URLs in the sitemap")
    parser.add_argument("--seconds", type=float, default=40.0, help="how long each crawl runs before SIGINT")
    args = parser.parse_args()
    print(f"{'URLs listed':>12} | {'peak PSS':>9} | {'archived':>8} | wall")
    results = []
    for count in args.sizes:
        result = crawl_for(count, args.seconds)
        results.append(result)
        print(f"{count:>12,} | {result['peak_mb']:>6} MB | {result['archived']:>8} | {result['seconds']} s", flush=True)
    base = results[0]["peak_mb"]
    print(json.dumps({"bench": "queued_memory", "results": results,
                      "growth_vs_first": [round(r["peak_mb"] / base - 1, 3) for r in results]}))


if __name__ == "__main__":
    main()
