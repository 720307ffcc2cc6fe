"""Peak memory of an incremental crawl, as the archive grows.

For each archive size N, builds an archive that already holds N article URLs
(rows inserted directly through the archive API, no crawl needed), serves a
site on 127.0.0.1 whose sitemap lists those N URLs plus ``--new`` new ones,
runs ``python -m scraper crawl`` under ``/usr/bin/time``, and prints its peak
RSS, wall time and the article requests the site received (only the new ones
should be). A second measure reads a small feed (``--new`` new entries and as
many archived ones) against the same archive, so it isolates the archive's size
from the sitemap's. Run from the repo root:

    python bench/incremental_memory.py [--sizes 1000 100000] [--new 10]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import yaml  # noqa: E402

from archive.store import Archive, content_hash, utcnow  # noqa: E402
from tests.newssite import Site  # noqa: E402
from tests.storysite import add_stories, ago, rss2, urlset  # noqa: E402


def seed_archive(path: Path, urls: list[str]) -> None:
    """An archive that already holds these URLs as articles, as a first crawl would leave it."""
    now = utcnow()
    archive = Archive(path)
    with archive.db.conn:
        archive.db["pages"].insert_all(
            (
                {"url": url, "source": "bench", "kind": "article", "outcome": "article", "status": 200,
                 "headers": "{}", "fetched_at": now}
                for url in urls
            ),
            batch_size=2000,
        )
        archive.db["articles"].insert_all(
            (
                {"url": url, "source": "bench", "title": f"Story {i}", "text": f"Text of story {i}.",
                 "authors": "[]", "tags": "[]", "first_seen": now, "last_fetched": now,
                 "content_hash": content_hash(f"Story {i}", f"Text of story {i}.")}
                for i, url in enumerate(urls)
            ),
            batch_size=2000,
        )
    archive.close()


def crawl(folder: Path, source: dict) -> tuple[int, float, str]:
    """Peak RSS (KiB) and wall seconds of one `python -m scraper crawl`, and its summary."""
    config = {
        "archive": "archive.db",
        "crawl": {"delay": 0, "autothrottle": False, "workers": 0, "concurrency": 16, "per_site_concurrency": 8},
        "sources": [source],
    }
    (folder / "config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    started = time.monotonic()
    result = subprocess.run(
        ["/usr/bin/time", "-f", "PEAK_RSS_KB %M", sys.executable, "-m", "scraper", "crawl"],
        cwd=folder, env=env, capture_output=True, text=True,
    )
    seconds = time.monotonic() - started
    peak = int(result.stderr.rsplit("PEAK_RSS_KB", 1)[1].split()[0])
    return peak, seconds, result.stdout


def measure(size: int, new: int) -> list[str]:
    lines = []
    site = Site().start()
    try:
        base = site.base
        known = [f"{base}/archive/{i}.html" for i in range(size)]
        fresh = add_stories(site, [f"/new/{i}.html" for i in range(new)])
        site.add("/sitemap.xml", urlset(fresh + [(url, "", ago(days=1)) for url in known]), "application/xml")
        site.add("/rss.xml", rss2(fresh + [(url, "Old", ago(days=1)) for url in known[:new]]), "application/rss+xml")
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            started = time.monotonic()
            seed_archive(folder / "archive.db", known)
            seeded = time.monotonic() - started
            for label, source in (
                (f"sitemap of {size + new:,}", {"name": "bench", "sitemaps": [f"{base}/sitemap.xml"]}),
                (f"feed of {2 * new}", {"name": "bench", "feeds": [f"{base}/rss.xml"]}),
            ):
                mark = len(site.requests)
                peak, seconds, _ = crawl(folder, source)
                articles = sum(1 for path, _ in site.requests[mark:] if path.startswith(("/new/", "/archive/")))
                lines.append(
                    f"{size:>9,} | {label:<18} | {peak / 1024:>8.1f} MiB | {seconds:>6.1f} s | {articles:>3} "
                    f"(seeded in {seeded:.1f} s)"
                )
                # The new stories are archived now: make them new again for the next measure.
                fresh_urls = [url for url, _, _ in fresh]
                with Archive(folder / "archive.db") as archive, archive.db.conn:
                    marks = ",".join("?" * len(fresh_urls))
                    archive.db.execute(f"DELETE FROM articles WHERE url IN ({marks})", fresh_urls)
                    archive.db.execute(f"DELETE FROM pages WHERE url IN ({marks})", fresh_urls)
    finally:
        site.stop()
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 100_000], help="archived URLs")
    parser.add_argument("--new", type=int, default=10, help="new entries on the site")
    args = parser.parse_args()
    print("archived  | what the site lists  | peak RSS     | wall     | article requests")
    for size in args.sizes:
        for line in measure(size, args.new):
            print(line, flush=True)


if __name__ == "__main__":
    main()
