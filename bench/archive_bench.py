"""Search latency and size per article on a large generated archive.

    python bench/archive_bench.py [--articles 100000] [--db bench/out/bench.db] [--keep]

Writes N synthetic articles through the real write path (``Archive.record_page``:
raw page compressed once per content, FTS5 kept in sync by triggers), then
prints the archive's size per article (by table, from SQLite's dbstat), search
latency through ``archive.queries.search`` (the function behind
``newsarchive search``) for queries of every selectivity, one timed
``newsarchive search`` command, and the peak memory of exporting every
article to JSON Lines (it should not grow with the archive).

Texts are drawn from a Zipf-distributed vocabulary of made-up words, so term
frequencies look like real prose; pages carry about 15 kB of page furniture
around the article, like a light news page.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from archive.queries import Selection, search  # noqa: E402
from archive.store import Archive  # noqa: E402

SOURCES = [f"source-{n:02d}" for n in range(10)]
SYLLABLES = [consonant + vowel for consonant in "bdklmnrstv" for vowel in "aeiou"]


def vocabulary(rng: random.Random, size: int) -> tuple[list[str], list[float]]:
    words = sorted({"".join(rng.choices(SYLLABLES, k=rng.randint(2, 4))) for _ in range(size * 2)})[:size]
    rng.shuffle(words)
    weights, total = [], 0.0
    for rank in range(1, len(words) + 1):
        total += 1 / rank**1.07
        weights.append(total)
    return words, weights


def furniture(rng: random.Random, words: list[str]) -> str:
    nav = "".join(f'<li><a href="/section/{w}/">{w.title()}</a></li>' for w in words[:40])
    script = "<script>window.dataLayer=[" + ",".join(f'{{"k{i}":"{rng.random()}"}}' for i in range(250)) + "]</script>"
    return f"<header><nav><ul>{nav}</ul></nav></header>{script}"


def generate(db_path: Path, count: int) -> float:
    rng = random.Random(20261127)
    words, cumulative = vocabulary(rng, 30_000)
    chrome = furniture(rng, words)
    start = datetime(2025, 11, 27, tzinfo=timezone.utc)
    began = time.perf_counter()
    with Archive(db_path) as archive:
        for n in range(count):
            paragraphs = [
                " ".join(rng.choices(words, cum_weights=cumulative, k=rng.randint(40, 90))).capitalize() + "."
                for _ in range(rng.randint(5, 10))
            ]
            title = " ".join(rng.choices(words, cum_weights=cumulative, k=rng.randint(6, 11))).capitalize()
            published = (start + timedelta(minutes=5 * n)).isoformat()
            body = "".join(f"<p>{p}</p>" for p in paragraphs)
            page = (
                f"<!DOCTYPE html><html><head><title>{title}</title></head>"
                f"<body>{chrome}<main><h1>{title}</h1>{body}</main></body></html>"
            )
            archive.record_page(
                url=f"https://news{n % 10}.example/{published[:10]}/story-{n}.html",
                source=SOURCES[n % len(SOURCES)],
                kind="article",
                outcome="article",
                status=200,
                crawl_id=None,
                body=page.encode(),
                headers={"Content-Type": "text/html; charset=utf-8"},
                article={
                    "title": title,
                    "text": "\n\n".join(paragraphs),
                    "published": published,
                    "language": "en",
                    "authors": ["Bench Writer"],
                    "extractor": "bench",
                },
            )
            if n and n % 20_000 == 0:
                print(f"  {n} articles, {n / (time.perf_counter() - began):.0f}/s", flush=True)
    return time.perf_counter() - began


def sizes(archive: Archive) -> dict[str, int]:
    """Bytes per table, its indexes and (for the FTS index) its shadow tables."""
    groups: dict[str, int] = {}
    for name, size in archive.db.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name"):
        owner = next((t for t in ("articles_fts", "articles", "bodies", "pages", "revisions", "crawls") if t in name), "other")
        if name.startswith("sqlite_autoindex_"):
            owner = name.removeprefix("sqlite_autoindex_").rsplit("_", 1)[0]
        groups[owner] = groups.get(owner, 0) + size
    return groups


def pick_terms(archive: Archive) -> dict[str, tuple[str, int]]:
    """Real terms of the archive, from very common to rare, with how many articles have them."""
    archive.db.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.vocab USING fts5vocab(main, articles_fts, row)")
    terms = list(archive.db.execute("SELECT term, doc FROM temp.vocab ORDER BY doc DESC"))
    ranks = {"very common": 0, "common": 50, "medium": 1000, "rare": len(terms) // 2}
    return {label: terms[rank] for label, rank in ranks.items()}


def peak_rss_mb(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Seconds and peak resident memory (MB) of one command."""
    began = time.perf_counter()
    child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise SystemExit(f"{command} failed")
    return time.perf_counter() - began, usage.ru_maxrss / 1024


def time_query(archive: Archive, query: str, selection: Selection, runs: int = 15) -> tuple[float, float, float, int]:
    timings, found = [], 0
    for _ in range(runs):
        began = time.perf_counter()
        found = len(search(archive.db, query, selection, limit=20))
        timings.append((time.perf_counter() - began) * 1000)
    first = timings[0]
    timings.sort()
    return first, statistics.median(timings), timings[int(len(timings) * 0.95) - 1], found


def fresh_archive(db: Path, articles: int, keep: bool) -> float | None:
    """Generate an archive of ``articles`` at ``db`` unless ``keep`` and it exists; the seconds it took, or None."""
    db.parent.mkdir(parents=True, exist_ok=True)
    if keep and db.exists():
        return None
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    print(f"generating {articles} articles in {db} ...")
    return generate(db, articles)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--db", type=Path, default=REPO / "bench" / "out" / "bench.db")
    parser.add_argument("--keep", action="store_true", help="reuse the archive if it already has the articles")
    args = parser.parse_args()
    took = fresh_archive(args.db, args.articles, args.keep)
    if took is not None:
        print(f"generated in {took:.0f} s ({args.articles / took:.0f} articles/s through Archive.record_page)")

    with Archive(args.db) as archive:
        archive.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        total = archive.db["articles"].count
        size = args.db.stat().st_size
        print(f"\narchive: {total} articles, {size / 1e6:.0f} MB on disk, {size / total / 1024:.1f} kB per article")
        for owner, nbytes in sorted(sizes(archive).items(), key=lambda item: -item[1]):
            print(f"  {owner:<14} {nbytes / 1e6:8.1f} MB  {nbytes / total / 1024:6.2f} kB/article")
        raw = archive.db.execute("SELECT sum(size), sum(length(body)) FROM bodies").fetchone()
        print(f"  raw pages: {raw[0] / total / 1024:.1f} kB/article as served, {raw[1] / total / 1024:.1f} kB compressed")

    with Archive(args.db, readonly=True) as archive:
        picked = pick_terms(archive)
        queries = [(f"{label} term ({docs} docs)", term, Selection()) for label, (term, docs) in picked.items()]
        picks = {label: term for label, (term, _) in picked.items()}
        queries += [
            ("two terms, AND", f"{picks['common']} {picks['medium']}", Selection()),
            ("phrase", f'"{picks["very common"]} {picks["common"]}"', Selection()),
            ("prefix", picks["medium"][:3] + "*", Selection()),
            ("common term, one source", picks["common"], Selection(sources=("source-03",))),
            ("common term, last 30 days", picks["common"], Selection(since="2026-10-01")),
        ]
        print("\nsearch latency, limit 20 (ms): first / median / p95 of 15 runs, results")
        for label, query, selection in queries:
            first, median, p95, found = time_query(archive, query, selection)
            print(f"  {label:<38} {first:7.1f} {median:7.1f} {p95:7.1f}   {found}")

    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "scraper", "search", picks["medium"], "--archive", str(args.db), "--json"]
    began = time.perf_counter()
    subprocess.run(command, env=env, check=True, capture_output=True)
    print(f"\n`newsarchive search` command, start to finish: {(time.perf_counter() - began) * 1000:.0f} ms")

    for label, extra in (("one source (1/10)", ["--source", "source-03"]), ("all articles", [])):
        seconds, peak = peak_rss_mb([sys.executable, "-m", "scraper", "export", "--archive", str(args.db), "-o", os.devnull, *extra], env)
        print(f"export jsonl, {label}: {seconds:.1f} s, peak RSS {peak:.0f} MB")


if __name__ == "__main__":
    main()
