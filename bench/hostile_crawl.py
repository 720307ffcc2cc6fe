"""Crawl the hostile web (tests/hostile.py) once and print wall time, peak memory and faults.

    python bench/hostile_crawl.py [--timeout 3] [--retries 1] [--max-entries 40] [--keep DIR]

Runs `newsarchive crawl` in a child process, as a user would, with the given
limits (everything else at its default) and reports the child's peak RSS.
"""

from __future__ import annotations

import argparse
import json
import resource
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.conftest import run_cli, write_config  # noqa: E402
from tests.hostile import HostileWeb  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=3)
    parser.add_argument("--retries", type=int, default=1)
    parser.add_argument("--max-entries", type=int, default=40)
    parser.add_argument("--keep", type=Path, help="crawl into this folder and keep the archive")
    args = parser.parse_args()

    web = HostileWeb().start()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="hostile-"))
    folder.mkdir(parents=True, exist_ok=True)
    write_config(folder, web.sources(), timeout=args.timeout, retries=args.retries, max_entries=args.max_entries)
    started = time.monotonic()
    result = run_cli("crawl", cwd=folder, timeout=600)
    wall = time.monotonic() - started
    peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KiB on Linux
    web.stop()

    conn = sqlite3.connect(folder / "archive.db")
    urls = {row[0] for row in conn.execute("SELECT url FROM articles")}
    good = sum(1 for article in web.good if web.main.base + article.path in urls)
    print(f"exit code      {result.returncode}")
    print(f"wall time      {wall:.1f} s")
    print(f"peak RSS       {peak_mib:.0f} MiB (the crawl process)")
    print(f"good articles  {good}/{len(web.good)} archived (plus {len(urls) - good} from the robots.txt-broken hosts)")
    for source, kinds in conn.execute("SELECT source, error_kinds FROM crawls ORDER BY id"):
        print(f"faults {source:15} {json.dumps(json.loads(kinds), sort_keys=True)}")
    log_lines = [line for line in result.stderr.splitlines() if line.strip()]
    print(f"log lines      {len(log_lines)} ({sum('Traceback' in line for line in log_lines)} tracebacks)")


if __name__ == "__main__":
    main()
