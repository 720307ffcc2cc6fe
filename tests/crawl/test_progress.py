"""An interactive crawl shows a live progress line; elsewhere it prints plain progress lines."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import REPO, run_cli, write_config
from tests.newssite import ARTICLES, build_news_site


def test_progress_live_on_a_terminal_and_plain_elsewhere(make_site, tmp_path: Path):
    site = build_news_site(make_site())
    for article in ARTICLES:  # slow enough for a few progress updates
        site.pages[article.path] = lambda page=site.pages[article.path]: (time.sleep(0.6), page)[1]
    write_config(
        tmp_path,
        [{"name": "rss", "feeds": [f"{site.base}/rss.xml"]}, {"name": "atom", "feeds": [f"{site.base}/atom.xml"]}],
        per_site_concurrency=1,
    )
    # On a terminal: the line is redrawn in place (carriage returns, rich's erase-line).
    leader, follower = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(REPO), "TERM": "xterm", "COLUMNS": "150"}
    crawl = subprocess.Popen(
        [sys.executable, "-m", "scraper", "crawl", "--source", "rss"], cwd=tmp_path, env=env, stdout=follower, stderr=follower
    )
    os.close(follower)
    screen = b""
    while chunk := _read(leader):
        screen += chunk
    assert crawl.wait(timeout=60) == 0
    text = screen.decode("utf-8", "replace")
    assert "crawling: " in text and " pages/s" in text and "\r\x1b[2K" in text
    assert "progress: " not in text
    # Not on a terminal: plain lines, one every --progress-every seconds.
    plain = run_cli("crawl", "--source", "atom", "--progress-every", "0.3", cwd=tmp_path)
    assert plain.returncode == 0, plain.stderr
    lines = [line for line in plain.stderr.splitlines() if line.startswith("progress: ")]
    assert lines and all(" articles (" in line and " errors, " in line for line in lines)
    assert "\x1b[" not in plain.stderr


def _read(fd: int) -> bytes:
    try:
        return os.read(fd, 65536)
    except OSError:  # the terminal closed with the crawl
        return b""
