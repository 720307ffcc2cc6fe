"""Body-text quality of the whole pipeline, as users get it.

Serves the real pages of ``../shared/corpus/articles`` on loopback, one site per
original web site with its own sitemap and one config source per site, runs
``newsarchive crawl`` on them, and scores the archived text against the human
ground truth with the corpus's token-shingle metric.

    python -m bench.end_to_end [--corpus PATH] [--extract best|fast]
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from bench.corpus import DEFAULT_ROOT, load_corpus
from bench.corpus_web import LoopbackWeb, corpus_web
from bench.scoring import body_scores, shingle_counts
from scraper.crawl.urls import normalize_url

REPO = Path(__file__).resolve().parents[1]


def crawl_corpus(web: LoopbackWeb, folder: Path, extract: str) -> tuple[float, subprocess.CompletedProcess]:
    config = {
        "archive": "archive.db",
        "crawl": {
            "delay": 0,
            "autothrottle": False,
            "robots": True,
            "per_site_concurrency": 4,
            "concurrency": 32,
            "extract": extract,
        },
        "sources": [
            {"name": f"site{index}", "sitemaps": [f"{site.base}/sitemap.xml"]}
            for index, site in enumerate(web.sites)
        ],
    }
    (folder / "config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "scraper", "crawl", "--config", str(folder / "config.yaml")],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_ROOT)
    parser.add_argument("--extract", choices=["best", "fast"], default="best")
    args = parser.parse_args()
    if not (args.corpus / "articles" / "truth.jsonl").exists():
        sys.exit(f"no corpus at {args.corpus}: pass --corpus PATH")
    pages = load_corpus(args.corpus, ("articles",))
    web = corpus_web(pages).start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            seconds, result = crawl_corpus(web, Path(tmp), args.extract)
            conn = sqlite3.connect(Path(tmp) / "archive.db")
            texts = dict(conn.execute("SELECT url, text FROM articles"))
            conn.close()
    finally:
        web.stop()
    scores, missing = [], []
    for page in pages:
        text = texts.get(normalize_url(web.url_of[page.id]))
        if text is None:
            missing.append(page.id)
        scores.append(shingle_counts(page.truth["body"], text))
    body = body_scores(scores)
    figures = {
        "bench": "end_to_end",
        "extract": args.extract,
        "pages": len(pages),
        "sites": len(web.sites),
        "archived": len(pages) - len(missing),
        **{name: round(value, 4) for name, value in body.items()},
        "crawl_seconds": round(seconds, 1),
        "crawl_exit": result.returncode,
    }
    print(f"newsarchive crawl of {len(pages)} corpus articles on {len(web.sites)} loopback sites")
    print(f"  archived   {figures['archived']}/{len(pages)}" + (f"  (missing: {', '.join(missing)})" if missing else ""))
    for name, value in body.items():
        print(f"  {name:10} {value:.4f}")
    print(f"  crawl      {seconds:.1f} s, exit {result.returncode}")
    print(json.dumps(figures))
    if result.returncode not in (0, 1):
        print(result.stderr[-2000:], file=sys.stderr)


if __name__ == "__main__":
    main()
