"""Pages per second of distributed mode with 1 and 2 crawling processes.

Starts a redis-server of its own and one generated news site on 127.0.0.1
(``--pages`` small article pages listed in one sitemap), then for each worker
count and round: a fresh archive, `newsarchive writer` and the extra
`newsarchive worker` processes started and left to warm up, then
`newsarchive crawl` (which works on the frontier too, so 1 worker = the crawl
alone). Extraction runs in-process (``workers: 0``), so each crawling process
uses at most one core for it. Prints, per worker count, the median of:

- end to end: pages / wall time of `newsarchive crawl`, start-up included;
- steady: pages / time from the first to the last article in the archive.

Run from the repo root:

    python -m bench.distributed [--pages 2000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

import redis
import yaml

from tests.generated_site import build_generated_site
from tests.harness import Process, redis_server
from tests.newssite import Site

WARM_UP = 8.0  # seconds for the workers and the writer to import and connect


def archived(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
            return conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def one_round(folder: Path, url: str, site: Site, pages: int, workers: int) -> tuple[float, float]:
    """(end-to-end, steady) pages per second of one crawl with this many crawling processes."""
    redis.Redis.from_url(url).flushdb()
    config = {
        "archive": "archive.db",
        "frontier": url,
        "crawl": {"delay": 0, "autothrottle": False, "workers": 0, "retries": 1, "timeout": 10, "per_site_concurrency": 8},
        "sources": [{"name": "gazette", "sitemaps": [f"{site.base}/sitemap.xml"]}],
    }
    (folder / "config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    helpers = [Process(folder, "writer", "writer")]
    helpers += [Process(folder, f"worker-{n}", "worker") for n in range(workers - 1)]
    time.sleep(WARM_UP)
    started = time.perf_counter()
    crawl = Process(folder, "crawl", "crawl")
    db = folder / "archive.db"
    first = None
    while crawl.popen.poll() is None:
        if first is None and archived(db):
            first = time.perf_counter()
        time.sleep(0.05)
    finished = time.perf_counter()
    for helper in helpers:
        helper.stop()
    if crawl.popen.returncode != 0 or archived(db) != pages:
        raise SystemExit(f"crawl failed ({archived(db)} of {pages} archived):\n{crawl.log}")
    return pages / (finished - started), (pages - 1) / (finished - (first or started))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        site = Site()
        build_generated_site(site, args.pages)
        site.start()
        with redis_server(Path(tmp)) as server:
            url = server.url
            results: dict[int, list[tuple[float, float]]] = {1: [], 2: []}
            for round_ in range(args.rounds):
                for workers in results:  # alternate, so load from elsewhere hits both alike
                    folder = Path(tmp) / f"r{round_}-w{workers}"
                    folder.mkdir()
                    results[workers].append(one_round(folder, url, site, args.pages, workers))
                    crawl_rate, writer_rate = results[workers][-1][:2]
                    print(f"round {round_ + 1}, {workers} worker(s): {crawl_rate:.0f} / {writer_rate:.0f} pages/s", flush=True)
        site.stop()
    print(f"\n{args.pages} pages, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}, median of {args.rounds} rounds")
    print("workers  end-to-end pages/s  steady pages/s")
    for workers, runs in results.items():
        print(f"{workers:>7}  {statistics.median(r[0] for r in runs):>18.0f}  {statistics.median(r[1] for r in runs):>14.0f}")


if __name__ == "__main__":
    main()
