"""Extraction quality on the shared corpus: ours beside plain trafilatura, in one run.

    python -m bench.quality [CORPUS] [--through-crawl] [--level best|fast] [--jobs N]

Plain trafilatura is ``bare_extraction(html, url=url, with_metadata=True)`` with every
other setting at its default (without ``with_metadata`` it finds no title, author
or date at all). Direct mode calls ``extract`` on each page; ``--through-crawl``
serves the pages on 127.0.0.1 and archives them with the real crawl CLI instead.
Prints one table, then the figures as one JSON line.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
import time
from pathlib import Path
from typing import Any

import trafilatura

from bench.corpus import COLLECTIONS, DEFAULT_ROOT, Page, load_corpus
from bench.scoring import body_scores, same_authors, same_day, same_title, shingle_counts, snippet_shares
from scraper.extract import extract

Fields = dict[str, Any] | None  # title, authors, published, text; None when nothing was extracted
_pages: list[Page] = []  # read by forked workers


def plain_fields(page: Page) -> Fields:
    """What plain trafilatura finds, in our field names."""
    document = trafilatura.bare_extraction(page.html, url=page.url, with_metadata=True)
    if document is None:
        return None
    found = document.as_dict()
    authors = [name.strip() for name in (found.get("author") or "").split(";") if name.strip()]
    return {"title": found.get("title"), "authors": authors, "published": found.get("date"), "text": found.get("text")}


def our_fields(page: Page, level: str) -> Fields:
    article = extract(page.html, page.url, level=level)
    return {key: getattr(article, key) for key in ("title", "authors", "published", "text")} if article.is_article else None


def _timed(function: Any, *args: Any) -> tuple[Fields, float]:
    start = time.process_time()
    fields = function(*args)
    return fields, time.process_time() - start


def _extract_both(job: tuple[int, str, bool]) -> dict[str, Any]:
    index, level, with_ours = job
    page = _pages[index]
    plain, plain_cpu = _timed(plain_fields, page)
    ours, ours_cpu = _timed(our_fields, page, level) if with_ours else (None, 0.0)
    return {"plain": plain, "plain_cpu": plain_cpu, "ours": ours, "ours_cpu": ours_cpu}


def extract_all(pages: list[Page], level: str, jobs: int, with_ours: bool = True) -> list[dict[str, Any]]:
    """Plain and (unless told not to) our extraction of every page, with CPU seconds each."""
    global _pages
    _pages = pages
    work = [(index, level, with_ours) for index in range(len(pages))]
    if jobs <= 1:
        return [_extract_both(job) for job in work]
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        return pool.map(_extract_both, work, chunksize=4)


def _empty(fields: Fields) -> bool:
    return fields is None or not (fields.get("text") or "").strip()


def score(pages: list[Page], found: list[Fields]) -> dict[str, Any]:
    """Every figure of one extractor over the corpus."""
    figures: dict[str, Any] = {"pages": len(pages), "empty": sum(map(_empty, found)) / max(1, len(pages))}
    by_collection: dict[str, list[tuple[Page, dict[str, Any]]]] = {}
    for page, fields in zip(pages, found):
        by_collection.setdefault(page.collection, []).append((page, fields or {}))
    if rows := by_collection.get("articles"):
        body = body_scores(shingle_counts(page.truth["body"], fields.get("text")) for page, fields in rows)
        figures["articles"] = {"pages": len(rows), **body}
    if rows := by_collection.get("metadata"):
        n = len(rows)
        figures["metadata"] = {
            "pages": n,
            "title": sum(same_title(p.truth["title"], f.get("title")) for p, f in rows) / n,
            "authors": sum(same_authors(p.truth["authors"], f.get("authors")) for p, f in rows) / n,
            "day": sum(same_day(p.truth["published"], f.get("published")) for p, f in rows) / n,
            "body_f1": body_scores(shingle_counts(p.truth["body"], f.get("text")) for p, f in rows)["f1"],
        }
    if rows := by_collection.get("boilerplate"):
        found_with = leaked = total_with = total_without = 0
        for page, fields in rows:
            hits, leaks = snippet_shares(page.truth["with"], page.truth["without"], fields.get("text"))
            found_with, leaked = found_with + hits, leaked + leaks
            total_with, total_without = total_with + len(page.truth["with"]), total_without + len(page.truth["without"])
        figures["boilerplate"] = {
            "pages": len(rows),
            "with_found": found_with / max(1, total_with),
            "without_leaked": leaked / max(1, total_without),
        }
    return figures


_ROWS = [
    ("articles", "precision"),
    ("articles", "recall"),
    ("articles", "f1"),
    ("metadata", "title"),
    ("metadata", "authors"),
    ("metadata", "day"),
    ("metadata", "body_f1"),
    ("boilerplate", "with_found"),
    ("boilerplate", "without_leaked"),
    (None, "empty"),
    (None, "pages_per_s"),
    (None, "cpu_ratio"),
]


def print_table(report: dict[str, Any]) -> None:
    ours, plain = report["ours"], report["plain"]
    print(f"{'figure':32} {'ours':>9} {'plain':>9}")
    for group, key in _ROWS:
        name = f"{group}/{key}" if group else key
        left = (ours.get(group) or {}).get(key) if group else ours.get(key)
        right = (plain.get(group) or {}).get(key) if group else plain.get(key)
        if left is None and right is None:
            continue
        if group:
            name += f" (n={(ours.get(group) or plain.get(group))['pages']})"
        print(f"{name:32} {_cell(left):>9} {_cell(right):>9}")


def _cell(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_ROOT)
    parser.add_argument("--through-crawl", action="store_true", help="serve the pages and archive them with the crawl CLI")
    parser.add_argument("--level", choices=("best", "fast"), default="best")
    parser.add_argument("--jobs", type=int, default=1, help="processes for direct extraction (CPU times stay per page)")
    parser.add_argument("--collections", nargs="+", choices=COLLECTIONS, default=list(COLLECTIONS))
    parser.add_argument("--limit", type=int, help="only the first N pages of each collection")
    parser.add_argument("--dump", type=Path, help="write every page's extracted fields to this JSON file")
    args = parser.parse_args(argv)
    if not (args.corpus / "README.md").exists():
        parser.error(f"{args.corpus} is not the corpus (no README.md)")
    pages = load_corpus(args.corpus, tuple(args.collections), args.limit)

    start = time.perf_counter()
    results = extract_all(pages, args.level, args.jobs, with_ours=not args.through_crawl)
    direct_seconds = time.perf_counter() - start
    plain_cpu = sum(r["plain_cpu"] for r in results)
    plain = score(pages, [r["plain"] for r in results])
    plain["pages_per_s"] = len(pages) / plain_cpu
    if args.through_crawl:
        from bench.crawlpath import crawl_corpus  # Scrapy only for this mode

        crawled = crawl_corpus(pages, args.level)
        ours_found = crawled.found
        ours = score(pages, ours_found)
        # Wall-clock throughput of the whole crawl; CPU of the crawl's process tree (Scrapy included).
        ours["pages_per_s"] = len(pages) / crawled.seconds
        ours["cpu_ratio"] = crawled.cpu_seconds / plain_cpu
    else:
        ours_found = [r["ours"] for r in results]
        ours_cpu = sum(r["ours_cpu"] for r in results)
        ours = score(pages, ours_found)
        ours["pages_per_s"] = len(pages) / ours_cpu  # per core
        ours["cpu_ratio"] = ours_cpu / plain_cpu
    report = {
        "mode": "through-crawl" if args.through_crawl else "direct",
        "level": args.level,
        "extractor": extract.__module__,
        "seconds": round(time.perf_counter() - start, 1),
        "direct_seconds": round(direct_seconds, 1),
        "ours": ours,
        "plain": plain,
    }
    if args.dump:
        dump = [
            {"collection": p.collection, "id": p.id, "url": p.url, "ours": o, "plain": r["plain"]}
            for p, o, r in zip(pages, ours_found, results)
        ]
        args.dump.write_text(json.dumps(dump, ensure_ascii=False, indent=1), encoding="utf-8")
    print_table(report)
    print(json.dumps(report, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
