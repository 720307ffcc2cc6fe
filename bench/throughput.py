"""Throughput of `newsarchive crawl` against its ceilings and against trafilatura's own crawler.

Starts a multi-site news web on loopback (``--sites`` sites on their own
addresses, ``--pages`` article pages: real corpus pages made unique per URL when
``../shared/corpus`` is there, generated pages otherwise), then, alternating,
for ``--rounds`` rounds measures:

1. ``newsarchive crawl`` end to end into a fresh archive, at both extraction levels;
2. the fetch ceiling: a bare Scrapy spider downloading the same URLs;
3. the extraction ceiling: the per-page work of our extraction workers (decode,
   extract, hash, compress) on the same pages from memory, on one process (an
   even sample of ``--one-core-pages``) and on all cores;
4. the peer: trafilatura's command-line crawler on the same URL list, with its
   politeness delay at zero and its parallelism set to ours;

and prints medians and ratios: of the medians, and within each round (each figure is
taken next to those it is compared with, so machine drift weighs less). It also prints
how near the crawl comes to what the cores allow when fetching and extraction share
them: the cores over the CPU the fetch and extraction ceilings spend per page. Run from
the repo root:

    python -m bench.throughput [--pages 2000] [--sites 100] [--rounds 3]
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import psutil
import yaml

from bench.corpus import DEFAULT_ROOT, load_corpus
from bench.corpus_web import LoopbackWeb
from bench.nginx_web import NginxWeb, nginx_available
from scraper.crawl.pool import default_workers, prepare_page
from tests.newssite import ARTICLES, article_page

REPO = Path(__file__).resolve().parents[1]
CONCURRENCY = 32
PER_SITE = 4
MEMORY_EVERY = 5  # CPU samples (100 ms apart) per memory sample


@dataclass
class Run:
    """One measured command: wall seconds, CPU seconds and peak memory (PSS) of its process tree."""

    seconds: float
    cpu: float
    peak_memory: int
    pages: int

    @property
    def rate(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0


def measure(
    command: list[str], cwd: Path, stop_after: float | None = None
) -> tuple[float, float, int, subprocess.CompletedProcess]:
    """Run a command (stopped with SIGINT after ``stop_after`` seconds), sampling its whole
    process tree: CPU every 100 ms, memory every 500 ms.

    Memory is the sum of PSS (shared pages split between the processes sharing
    them), so forked workers are not counted twice; CPU is the sum over every
    process seen of its last sampled user+system time. Reading PSS makes the kernel
    walk each process's pages (about 20 ms of CPU for a crawl's tree, with the
    process's memory locked meanwhile): taken every 100 ms it cost a tenth of a core
    and slowed the command measured, so memory, which changes slowly, is read less often.
    """
    started = time.perf_counter()
    # Output goes to files: a pipe read only at the end would stall a command that writes much.
    out, err = tempfile.TemporaryFile("w+"), tempfile.TemporaryFile("w+")
    process = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=err, text=True)
    root = psutil.Process(process.pid)
    tree, peak, cpu_of = [root], 0, {}
    for tick in itertools.count():
        if process.poll() is not None:
            break
        if stop_after is not None and time.perf_counter() - started > stop_after:
            process.send_signal(signal.SIGINT)
            stop_after = None
        try:
            if tick % MEMORY_EVERY == 0:
                tree = [root, *root.children(recursive=True)]
                peak = max(peak, sum(pss(proc) for proc in tree))
        except (psutil.Error, OSError):
            pass  # a process of the tree ended while it was read
        for proc in tree:
            with contextlib.suppress(psutil.Error):
                times = proc.cpu_times()
                cpu_of[proc.pid] = times.user + times.system
        time.sleep(0.1)
    seconds = time.perf_counter() - started
    outputs = []
    for stream in (out, err):
        stream.seek(0)
        outputs.append(stream.read())
        stream.close()
    return seconds, sum(cpu_of.values()), peak, subprocess.CompletedProcess(command, process.returncode, *outputs)


def pss(proc: psutil.Process) -> int:
    """A process's PSS in bytes, from the kernel's own sum.

    psutil reads the whole of /proc/PID/smaps: 7 ms for a process with 2,000
    mappings, holding its memory lock meanwhile, which slowed the crawls measured.
    """
    with open(f"/proc/{proc.pid}/smaps_rollup", encoding="ascii") as rollup:
        for line in rollup:
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    return proc.memory_full_info().pss


def build_pages(count: int, corpus: Path) -> list[bytes]:
    """``count`` distinct article pages: corpus pages made unique, or generated ones."""
    if (corpus / "articles" / "truth.jsonl").exists():
        originals = [page.html.encode("utf-8") for page in load_corpus(corpus, ("articles", "metadata"))]
    else:
        originals = [article_page(article, "http://example.org").encode() for article in ARTICLES]
    # A unique marker per copy, so no two URLs serve the same bytes.
    return [
        originals[i % len(originals)].replace(b"</body>", f"<!-- copy {i} --></body>".encode(), 1)
        for i in range(count)
    ]


def build_web(pages: list[bytes], sites: int) -> LoopbackWeb:
    return LoopbackWeb(
        [[(str(i), f"/news/{i}.html", pages[i]) for i in range(site, len(pages), sites)] for site in range(sites)]
    )


def run_ours(web: LoopbackWeb, level: str, folder: Path) -> Run:
    config = {
        "archive": "archive.db",
        "crawl": {
            "delay": 0,
            "autothrottle": False,
            "robots": False,
            "concurrency": CONCURRENCY,
            "per_site_concurrency": PER_SITE,
            "extract": level,
        },
        "sources": [{"name": f"site{i}", "sitemaps": [f"{site.base}/sitemap.xml"]} for i, site in enumerate(web.sites)],
    }
    (folder / "archive.db").unlink(missing_ok=True)
    (folder / "config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    seconds, cpu, peak, result = measure(
        [sys.executable, "-m", "scraper", "crawl", "--config", str(folder / "config.yaml")], REPO
    )
    conn = sqlite3.connect(folder / "archive.db")
    fetched = conn.execute("SELECT count(*) FROM pages WHERE kind = 'article' AND status = 200").fetchone()[0]
    conn.close()
    if result.returncode:
        print(result.stderr[-1500:], file=sys.stderr)
    return Run(seconds, cpu, peak, fetched)


def run_fetch_ceiling(urls_file: Path, count: int) -> Run:
    seconds, cpu, peak, result = measure(
        [sys.executable, "-m", "bench.fetch_only", str(urls_file), str(CONCURRENCY), str(PER_SITE)], REPO
    )
    return Run(seconds, cpu, peak, count)


def run_peer(urls_file: Path, folder: Path, count: int) -> Run:
    settings = folder / "trafilatura.cfg"
    settings.write_text(
        "[DEFAULT]\nDOWNLOAD_TIMEOUT = 30\nMAX_FILE_SIZE = 20000000\nMIN_FILE_SIZE = 10\nSLEEP_TIME = 0\n"
        "USER_AGENTS =\nCOOKIE =\nMAX_REDIRECTS = 2\nSSRF_PROTECTION = off\nINSECURE_SSL_FALLBACK = off\n"
        "MIN_EXTRACTED_SIZE = 250\nMIN_OUTPUT_SIZE = 1\nMIN_OUTPUT_COMM_SIZE = 1\nMAX_TREE_SIZE =\n"
        "EXTRACTION_TIMEOUT = 30\nMIN_DUPLCHECK_SIZE = 100\nMAX_REPETITIONS = 2\nEXTENSIVE_DATE_SEARCH = on\n"
        "EXTERNAL_URLS = off\n",
        encoding="utf-8",
    )
    out = folder / "peer-out"
    seconds, cpu, peak, result = measure(
        [
            # trafilatura's script beside this interpreter: a virtualenv's bin/ need not be on PATH.
            str(Path(sys.executable).with_name("trafilatura")), "-i", str(urls_file), "--parallel", str(CONCURRENCY),
            "-o", str(out), "--config-file", str(settings),
        ],
        folder,
    )
    # Every URL is fetched and extracted; the files written are fewer, because trafilatura names
    # them by content and copies of one page (made unique only in markup) share a name.
    written = sum(1 for _ in out.rglob("*.txt")) if out.exists() else 0  # past 1,000 files: subfolders
    if not written:
        print(result.stderr[-1500:], file=sys.stderr)
    return Run(seconds, cpu, peak, count)


def _extract(level: str, page: tuple[str, bytes]) -> bool:
    url, body = page
    article, _, _ = prepare_page(body, "text/html; charset=utf-8", url, {}, level)
    return article is not None


def run_extraction_ceiling(work: list[tuple[str, bytes]], level: str, workers: int) -> Run:
    """Our extraction of (url, body) pages from memory, as the crawl's workers run it."""
    cpu_before = time.process_time()
    started = time.perf_counter()
    if workers == 1:
        for page in work:
            _extract(level, page)
    else:
        with ProcessPoolExecutor(workers) as pool:
            list(pool.map(partial(_extract, level), work, chunksize=16))
    seconds = time.perf_counter() - started
    # Extraction in-process: CPU of this process (and of the pool's workers via wall x workers).
    cpu = time.process_time() - cpu_before if workers == 1 else seconds * workers
    return Run(seconds, cpu, psutil.Process().memory_full_info().pss, len(work))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--sites", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_ROOT)
    parser.add_argument(
        "--server", choices=("nginx", "python"), default="nginx" if nginx_available() else "python",
        help="what serves the loopback web (default: nginx when installed)",
    )
    parser.add_argument(
        "--one-core-pages", type=int, default=500,
        help="pages (an even sample) for the one-core extraction figures, which the ratios do not use",
    )
    parser.add_argument(
        "--only", nargs="+", metavar="WORD",
        help="run only the measurements whose name holds one of these words (e.g. fast peer)",
    )
    args = parser.parse_args()

    pages = build_pages(args.pages, args.corpus)
    cores = default_workers()
    results: dict[str, list[Run]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        web = build_web(pages, args.sites)
        web = NginxWeb(web, folder / "web").start() if args.server == "nginx" else web.start()
        try:
            urls_file = folder / "urls.txt"
            urls_file.write_text("\n".join(web.url_of[str(i)] for i in range(len(pages))) + "\n")
            work = [(web.url_of[str(i)], body) for i, body in enumerate(pages)]
            sample = work[:: max(1, len(work) // args.one_core_pages)]
            for round_number in range(args.rounds):
                # Each figure next to the ones it is compared with: this VM's speed drifts within minutes.
                # Every other round runs them in reverse order, so a drift favours neither side of a ratio.
                steps = {
                    "ours best": lambda: run_ours(web, "best", folder),
                    f"extract best {cores} cores": lambda: run_extraction_ceiling(work, "best", cores),
                    "ours fast": lambda: run_ours(web, "fast", folder),
                    "peer trafilatura": lambda: run_peer(urls_file, folder, len(pages)),
                    f"extract fast {cores} cores": lambda: run_extraction_ceiling(work, "fast", cores),
                    "fetch ceiling": lambda: run_fetch_ceiling(urls_file, len(pages)),
                    "extract best 1 core": lambda: run_extraction_ceiling(sample, "best", 1),
                    "extract fast 1 core": lambda: run_extraction_ceiling(sample, "fast", 1),
                }
                for name, step in list(steps.items())[:: -1 if round_number % 2 else 1]:
                    if args.only and not any(word in name for word in args.only):
                        continue
                    run = step()
                    results.setdefault(name, []).append(run)
                    print(
                        f"round {round_number + 1} {name:24} {run.rate:7.1f} pages/s  "
                        f"{run.cpu / max(run.pages, 1) * 1000:5.1f} ms CPU/page  ({run.pages} pages)",
                        file=sys.stderr,
                    )
        finally:
            web.stop()

    median = {name: statistics.median(run.rate for run in runs) for name, runs in results.items()}
    print(
        f"\n{args.pages} pages on {args.sites} loopback sites served by {args.server}, {cores} cores, "
        f"median of {args.rounds} rounds\n"
    )
    print(f"{'':26}{'pages/s':>9}{'CPU s/page':>12}{'peak MB':>9}")
    median_cpu = {
        name: statistics.median(run.cpu / run.pages for run in runs if run.pages) for name, runs in results.items()
    }
    for name, runs in results.items():
        memory = max(run.peak_memory for run in runs) / 1e6
        print(f"{name:26}{median[name]:9.1f}{median_cpu[name] * 1000:10.1f}ms{memory:9.0f}")
    figures = {
        "bench": "throughput", "pages": args.pages, "sites": args.sites, "cores": cores,
        "rounds": args.rounds, "server": args.server,
    }  # fmt: skip
    for level in ("best", "fast"):
        if not {f"ours {level}", "fetch ceiling", f"extract {level} {cores} cores", "peer trafilatura"} <= set(median):
            continue
        ceiling = min(median["fetch ceiling"], median[f"extract {level} {cores} cores"])
        ours = median[f"ours {level}"]
        figures[f"ours_{level}"] = round(ours, 1)
        figures[f"{level}_vs_ceiling"] = round(ours / ceiling, 3)
        figures[f"{level}_vs_peer"] = round(ours / median["peer trafilatura"], 2)
        figures[f"{level}_peak_mb"] = round(max(r.peak_memory for r in results[f"ours {level}"]) / 1e6)
        print(f"ours {level}: {ours / ceiling:.0%} of min(fetch, extraction on all cores); "
              f"{ours / median['peer trafilatura']:.2f}x trafilatura's crawler")
        # The ceiling above lets fetching and extraction each have the cores to themselves; in a
        # crawl they share them, so the CPU both spend per page bounds it too.
        fetch_cpu, extract_cpu = median_cpu["fetch ceiling"], median_cpu[f"extract {level} {cores} cores"]
        budget = cores / (fetch_cpu + extract_cpu)
        figures[f"{level}_vs_cpu_budget"] = round(ours / budget, 3)
        print(f"  {ours / budget:.0%} of what the cores allow for fetching and extracting together: "
              f"{cores} cores / ({fetch_cpu * 1000:.1f} + {extract_cpu * 1000:.1f} ms CPU a page) "
              f"= {budget:.1f} pages/s")
        # The same ratios within each round, whose figures were taken minutes apart, not a run apart.
        rounds = zip(
            results[f"ours {level}"], results["fetch ceiling"], results[f"extract {level} {cores} cores"],
            results["peer trafilatura"],
        )  # fmt: skip
        per_round = [(o.rate / min(f.rate, e.rate), o.rate / p.rate) for o, f, e, p in rounds]
        figures[f"{level}_vs_ceiling_per_round"] = [round(c, 3) for c, _ in per_round]
        figures[f"{level}_vs_peer_per_round"] = [round(r, 2) for _, r in per_round]
        print(f"  per round: {', '.join(f'{c:.0%}' for c, _ in per_round)} of the ceiling "
              f"(median {statistics.median(c for c, _ in per_round):.0%}); "
              f"{', '.join(f'{r:.2f}x' for _, r in per_round)} the peer "
              f"(median {statistics.median(r for _, r in per_round):.2f}x)")
    figures.update({name.replace(" ", "_"): round(rate, 1) for name, rate in median.items()})
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
