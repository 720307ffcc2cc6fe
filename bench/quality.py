"""Extraction quality on the shared corpus: ours beside plain trafilatura, in one run, on the dev and check splits.

    python -m bench.quality [CORPUS] [--split dev|check|all] [--errors title|authors|date|body]
                            [--through-crawl] [--level best|fast] [--jobs N]

The peer is plain trafilatura as a careful user runs it:
``bare_extraction(html, url=url, with_metadata=True, include_comments=False)`` (without
``with_metadata`` it finds no title, author or date at all; its default keeps reader
comments in the text, a weaker baseline than the one we must beat).

Every collection is split by site into **dev** (two thirds) and **check** (one third):
the SHA-1 of the page's registered domain modulo 3, remainder 2 being check (see
``bench.corpus``). Rules are written against dev pages; check is read only as aggregate
figures and a rule stays only when it helps or holds there. ``--without-scripts`` measures
pages as a cleaning tool saves them, with no ``<script>`` and so no JSON-LD; ``--without-meta``
removes the ``<meta>`` elements too (no OpenGraph, no site name), leaving the visible HTML and
``<title>``. ``--split all`` (the default)
prints dev and check side by side, each with ours and plain; ``--errors FIELD`` lists the
dev pages where our FIELD is wrong (it refuses to list check pages).

Direct mode calls ``extract`` on each page; ``--through-crawl`` serves the pages on
127.0.0.1 and archives them with the real crawl CLI instead. The CPU ratio is our CPU
seconds over plain trafilatura's on the same pages (per page, single process).

The corpus is a sample of sites, so every figure is also given with its 95% interval,
and ours minus plain's with the interval of that difference, from redrawing each split's
sites (``bench.intervals``): an interval holding zero says these pages cannot tell ours
from plain on that figure, and a floor inside a figure's interval is neither met nor
missed for sure: the first interval table says of each of issue 18's floors whether the
figure meets it (``met``), misses it (``missed``) or cannot tell (``open``). Prints the
figures, then the two interval tables, then everything as one JSON line (each split's
``interval`` and ``difference``: figure -> [value, low, high]).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import trafilatura

from bench.corpus import COLLECTIONS, DEFAULT_ROOT, SPLITS, Page, add_stripping_options, load_corpus, stripping
from bench.intervals import Interval, difference_intervals, figure_intervals
from bench.scoring import body_scores, figures_of, page_tally, same_authors, same_day, same_title, shingle_counts, squash, summed
from scraper.extract import extract

Fields = dict[str, Any] | None  # title, authors, published, text; None when nothing was extracted
_pages: list[Page] = []  # read by forked workers
# Article pages scoring below this F1 are listed as body errors, as are those where plain does better.
BODY_ERROR_F1 = 0.95
# Issue 18's floors on the check split (for leaked furniture a ceiling): a figure meets one for sure only when its
# whole 95% interval clears it, and misses it for sure only when the whole interval falls short.
FLOORS = {
    "articles/f1": 0.975, "metadata/title": 0.90, "metadata/authors": 0.88, "metadata/day": 0.99,
    "boilerplate/with_found": 0.94,
}
CEILINGS = {"boilerplate/without_leaked": 0.05}


def plain_fields(page: Page) -> Fields:
    """What plain trafilatura finds, in our field names."""
    document = trafilatura.bare_extraction(page.html, url=page.url, with_metadata=True, include_comments=False)
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


def _extract_both(job: tuple[int, str, bool, bool]) -> dict[str, Any]:
    index, level, with_ours, with_plain = job
    page = _pages[index]
    plain, plain_cpu = _timed(plain_fields, page) if with_plain else (None, 0.0)
    ours, ours_cpu = _timed(our_fields, page, level) if with_ours else (None, 0.0)
    return {"plain": plain, "plain_cpu": plain_cpu, "ours": ours, "ours_cpu": ours_cpu}


def extract_all(
    pages: list[Page], level: str, jobs: int, with_ours: bool = True, with_plain: bool = True
) -> list[dict[str, Any]]:
    """Plain and our extraction of every page (unless told not to do one), with CPU seconds each."""
    global _pages
    _pages = pages
    work = [(index, level, with_ours, with_plain) for index in range(len(pages))]
    if jobs <= 1:
        return [_extract_both(job) for job in work]
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        return pool.map(_extract_both, work, chunksize=4)


def _empty(fields: Fields) -> bool:
    return fields is None or not (fields.get("text") or "").strip()


def page_tallies(pages: list[Page], found: list[Fields]) -> list[Counter[str]]:
    """What each page adds to the sums every figure of one extractor is made of."""
    return [page_tally(page.collection, page.truth, fields or {}) for page, fields in zip(pages, found)]


def score(pages: list[Page], found: list[Fields], tallies: list[Counter[str]] | None = None) -> dict[str, Any]:
    """Every figure of one extractor over the corpus (from its pages' ``tallies`` where they are already made)."""
    figures: dict[str, Any] = {"pages": len(pages), "empty": sum(map(_empty, found)) / max(1, len(pages))}
    return {**figures, **figures_of(summed(tallies if tallies is not None else page_tallies(pages, found)))}


ROWS = [
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
    """One row per figure; ours and plain for each split side by side, with each split's page counts."""
    splits = report["splits"]
    header = "".join(f" {split + ' ours':>11} {split + ' plain':>11}" for split in splits)
    print(f"{'figure':40}{header}")
    for group, key in ROWS:
        cells, counts = [], []
        for figures in splits.values():
            ours, plain = figures["ours"], figures["plain"]
            left = (ours.get(group) or {}).get(key) if group else ours.get(key)
            right = (plain.get(group) or {}).get(key) if group else plain.get(key)
            cells += [left, right]
            if group and (ours.get(group) or plain.get(group)):
                counts.append(str((ours.get(group) or plain.get(group))["pages"]))
        if all(cell is None for cell in cells):
            continue
        name = f"{group}/{key}" if group else key
        if counts:
            name += f" (n={'/'.join(counts)})"
        print(f"{name:40}" + "".join(f" {_cell(cell):>11}" for cell in cells))


def floor_verdict(name: str, interval: Interval) -> str | None:
    """``met``, ``missed`` or ``open`` (the floor inside the interval) for a figure issue 18 sets a floor or ceiling for."""
    _, low, high = interval
    if name in FLOORS:
        return "met" if low >= FLOORS[name] else "missed" if high < FLOORS[name] else "open"
    if name in CEILINGS:
        return "met" if high <= CEILINGS[name] else "missed" if low > CEILINGS[name] else "open"
    return None


def print_intervals(report: dict[str, Any], kind: str) -> None:
    """Our figures (``kind`` "interval", each with its verdict on issue 18's floor) or ours minus plain's
    ("difference"), each with its 95% interval over sites drawn again."""
    splits = report["splits"]
    title = "ours, floor" if kind == "interval" else "ours - plain"
    print(f"{title + ' [95% interval]':40}" + "".join(f" {split:>33}" for split in splits))
    for group, key in ROWS:
        name = f"{group}/{key}"
        if group and any(name in figures[kind] for figures in splits.values()):
            print(f"{name:40}" + "".join(f" {_interval(name, figures[kind].get(name), kind):>33}" for figures in splits.values()))


def _interval(name: str, interval: Interval | None, kind: str) -> str:
    if interval is None:
        return "-"
    if kind == "difference":
        return "{:+.3f} [{:+.3f}, {:+.3f}]".format(*interval)
    return "{:.3f} [{:.3f}, {:.3f}] {:>6}".format(*interval, floor_verdict(name, interval) or "")


def _cell(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def print_errors(field: str, pages: list[Page], results: list[dict[str, Any]]) -> None:
    """The dev pages where our ``field`` is wrong, with the truth and both extractors' answers."""
    rows = [(page, result) for page, result in zip(pages, results) if page.split == "dev"]
    if field == "body":
        _print_body_errors(rows)
        return
    truth_key = {"title": "title", "authors": "authors", "date": "published"}[field]
    same = {"title": same_title, "authors": same_authors, "date": same_day}[field]
    wrong = 0
    for page, result in rows:
        if page.collection != "metadata":
            continue
        ours, plain = result["ours"] or {}, result["plain"] or {}
        if same(page.truth[truth_key], ours.get(truth_key)):
            continue
        wrong += 1
        print(f"{page.id}  {page.url}")
        print(f"  truth: {page.truth[truth_key]!r}")
        print(f"  ours:  {ours.get(truth_key)!r}")
        print(f"  plain: {plain.get(truth_key)!r}{'  (right)' if same(page.truth[truth_key], plain.get(truth_key)) else ''}")
    print(f"{wrong} dev metadata pages with a wrong {field}")


def _print_body_errors(rows: list[tuple[Page, dict[str, Any]]]) -> None:
    """Article pages by our F1, worst first, beside plain's; then boilerplate snippets leaked or missed."""
    scored = []
    for page, result in rows:
        if page.collection == "articles":
            ours = body_scores([shingle_counts(page.truth["body"], (result["ours"] or {}).get("text"))])
            plain = body_scores([shingle_counts(page.truth["body"], (result["plain"] or {}).get("text"))])
            scored.append((ours["f1"], page, ours, plain))
    for _, page, ours, plain in sorted(scored, key=lambda row: row[0]):
        if ours["f1"] < BODY_ERROR_F1 or ours["f1"] < plain["f1"]:
            print(
                f"{page.id}  P/R/F1 ours {ours['precision']:.3f}/{ours['recall']:.3f}/{ours['f1']:.3f}"
                f"  plain {plain['precision']:.3f}/{plain['recall']:.3f}/{plain['f1']:.3f}  {page.url}"
            )
    for page, result in rows:
        if page.collection == "boilerplate":
            text = squash((result["ours"] or {}).get("text"))
            leaked = [s for s in page.truth["without"] if squash(s) in text]
            missed = [s for s in page.truth["with"] if squash(s) not in text]
            if leaked or missed:
                print(f"{page.id}  {page.url}\n  leaked: {leaked}\n  missed: {missed}")


def split_indices(pages: list[Page], splits: tuple[str, ...] = SPLITS) -> dict[str, list[int]]:
    """The positions of each split's pages, split by split."""
    return {split: [index for index, page in enumerate(pages) if page.split == split] for split in splits}


def split_report(pages: list[Page], results: list[dict[str, Any]], ours_found: list[Fields], ours_cpu: float | None) -> dict[str, Any]:
    """Both extractors' figures over some pages, ours with their intervals and with those of ours minus plain's."""
    plain_found = [r["plain"] for r in results]
    plain_tallies, ours_tallies = page_tallies(pages, plain_found), page_tallies(pages, ours_found)
    plain_cpu = sum(r["plain_cpu"] for r in results)
    plain = score(pages, plain_found, plain_tallies)
    plain["pages_per_s"] = len(pages) / plain_cpu
    ours = score(pages, ours_found, ours_tallies)
    if ours_cpu is not None:
        ours["pages_per_s"] = len(pages) / ours_cpu  # per core
        ours["cpu_ratio"] = ours_cpu / plain_cpu
    return {
        "ours": ours,
        "plain": plain,
        "interval": figure_intervals(pages, ours_tallies),
        "difference": difference_intervals(pages, ours_tallies, plain_tallies),
    }


def check_corpus(parser: argparse.ArgumentParser, corpus: Path) -> None:
    """Stop with one line when the path is not the shared corpus."""
    if not (corpus / "README.md").exists():
        parser.error(f"{corpus} is not the corpus (no README.md)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_ROOT)
    parser.add_argument("--split", choices=(*SPLITS, "all"), default="all", help="all: dev and check side by side")
    parser.add_argument("--errors", choices=("title", "authors", "date", "body"), help="list our errors of one field on dev pages")
    parser.add_argument("--through-crawl", action="store_true", help="serve the pages and archive them with the crawl CLI")
    parser.add_argument("--level", choices=("best", "fast"), default="best")
    parser.add_argument("--jobs", type=int, default=1, help="processes for direct extraction (CPU times stay per page)")
    parser.add_argument("--collections", nargs="+", choices=COLLECTIONS, default=list(COLLECTIONS))
    parser.add_argument("--limit", type=int, help="only the first N pages of each collection")
    add_stripping_options(parser)
    parser.add_argument("--dump", type=Path, help="write every dev page's extracted fields to this JSON file")
    args = parser.parse_args(argv)
    check_corpus(parser, args.corpus)
    if args.split == "check" and (args.errors or args.dump):
        parser.error("check pages are read as aggregate figures only: --errors and --dump list dev pages")
    if args.errors and args.through_crawl:
        parser.error("--errors lists direct extraction")
    pages = load_corpus(
        args.corpus, tuple(args.collections), args.limit, args.split, **stripping(args)
    )

    start = time.perf_counter()
    results = extract_all(pages, args.level, args.jobs, with_ours=not args.through_crawl)
    direct_seconds = time.perf_counter() - start
    if args.through_crawl:
        from bench.crawlpath import crawl_corpus  # Scrapy only for this mode

        crawled = crawl_corpus(pages, args.level)
        ours_found = crawled.found
    else:
        ours_found = [r["ours"] for r in results]
    splits = {}
    for split, chosen in split_indices(pages, SPLITS if args.split == "all" else (args.split,)).items():
        part = [pages[index] for index in chosen]
        part_results = [results[index] for index in chosen]
        ours_cpu = None if args.through_crawl else sum(r["ours_cpu"] for r in part_results)
        splits[split] = split_report(part, part_results, [ours_found[index] for index in chosen], ours_cpu)
    if args.through_crawl:
        # The whole crawl's process tree (Scrapy included) over plain trafilatura on all pages; wall-clock pages/s.
        plain_cpu = sum(r["plain_cpu"] for r in results)
        for figures in splits.values():
            figures["ours"]["cpu_ratio"] = crawled.cpu_seconds / plain_cpu
            figures["ours"]["pages_per_s"] = len(pages) / crawled.seconds
    report = {
        "mode": "through-crawl" if args.through_crawl else "direct",
        "level": args.level,
        **stripping(args),
        "extractor": extract.__module__,
        "seconds": round(time.perf_counter() - start, 1),
        "direct_seconds": round(direct_seconds, 1),
        "splits": splits,
    }
    if args.dump:
        dump = [
            {"collection": p.collection, "id": p.id, "url": p.url, "ours": o, "plain": r["plain"]}
            for p, o, r in zip(pages, ours_found, results)
            if p.split == "dev"
        ]
        args.dump.write_text(json.dumps(dump, ensure_ascii=False, indent=1), encoding="utf-8")
    if args.errors:
        print_errors(args.errors, pages, results)
    print_table(report)
    print_intervals(report, "interval")
    print_intervals(report, "difference")
    print(json.dumps(report, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
