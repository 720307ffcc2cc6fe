"""How fast the pages of `newsarchive serve` answer on a large generated archive.

    python bench/browse_bench.py [--articles 20000] [--db bench/out/browse.db] [--keep]

Writes N synthetic articles through the real write path (``bench/archive_bench.py``'s generator),
starts the real `newsarchive serve` on a free loopback port and times, over HTTP, the pages a
reader opens: the articles list (sorted, with its five facets), an article's reading page, the
table search and the search query for terms of every selectivity, each chart's query, and an
Atom feed. Prints first / median / max of 5 runs in ms, and the facets that ran out of time.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from archive.browse import CHARTS  # noqa: E402
from archive.store import Archive  # noqa: E402
from bench.archive_bench import fresh_archive, pick_terms  # noqa: E402


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> tuple[float, bytes]:
    began = time.perf_counter()
    with urllib.request.urlopen(url, timeout=60) as response:
        body = response.read()
    return (time.perf_counter() - began) * 1000, body


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--db", type=Path, default=REPO / "bench" / "out" / "browse.db")
    parser.add_argument("--keep", action="store_true", help="reuse the archive if it already exists")
    args = parser.parse_args()
    fresh_archive(args.db, args.articles, args.keep)
    with Archive(args.db, readonly=True) as archive:
        terms = {label: term for label, (term, _) in pick_terms(archive).items()}
        url = archive.db.execute("SELECT url FROM articles ORDER BY published DESC LIMIT 1").fetchone()[0]
        count = archive.db["articles"].count

    from datasette.utils import tilde_encode

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "scraper", "serve", "--archive", str(args.db), "--port", str(port)],
        env={**os.environ, "PYTHONPATH": str(REPO)}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        for _ in range(150):
            try:
                fetch(base + "/-/versions.json")
                break
            except OSError:
                time.sleep(0.2)
        database = args.db.stem
        pages = {
            "articles list (5 facets)": f"/{database}/articles",
            "article reading page": f"/{database}/articles/{tilde_encode(url)}",
            "atom feed of the list": f"/{database}/articles.atom",
        }
        for label, term in terms.items():
            pages[f"table search, {label} term"] = f"/{database}/articles?_search={quote(term)}"
            pages[f"search query, {label} term"] = f"/{database}/search?q={quote(term)}"
        pages["search query, typed e-mail"] = f"/{database}/search?q=e-mail"
        for name, chart in CHARTS.items():
            pages[f"chart data: {name}"] = f"/{database}.json?sql={quote(chart['query'])}&_shape=objects"
        print(f"\n{count} articles; ms per page over HTTP: first / median / max of 5")
        for label, path in pages.items():
            try:
                timings = [fetch(base + path)[0] for _ in range(5)]
            except urllib.error.HTTPError as error:  # 400: the query ran past the time limit
                print(f"  {label:<34} HTTP {error.code}: {error.read().decode('utf-8', 'replace')[:120]}")
                continue
            print(f"  {label:<34} {timings[0]:7.0f} {statistics.median(timings):7.0f} {max(timings):7.0f}")
        _, body = fetch(base + f"/{database}/articles.json?_size=1")
        timed_out = json.loads(body).get("facets_timed_out", [])
        print(f"facets that ran out of time on the list: {', '.join(timed_out) or 'none'}")
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(30)


if __name__ == "__main__":
    main()
