"""Extraction off Scrapy's event loop, in a pool of worker processes.

trafilatura is CPU-bound: called in a Scrapy callback it blocks the event loop
and pins the crawl to one core. Each crawl process keeps one pool, shared by all
its crawlers and sized to the cores; ``workers=0`` extracts in-process (tests, debugging).
"""

from __future__ import annotations

import asyncio
import ctypes
import multiprocessing
import os
import select
import threading
import time
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from typing import Any

from archive.store import PackedBody, content_hash, pack_body

_pools: dict[int, Executor] = {}
# zstd level of the raw bodies kept: at the fast level, about 7% more disk for
# two thirds of the compression time (measured on 500 corpus pages: 0.56 ms, not 0.89).
BODY_COMPRESSION = {"best": 3, "fast": 1}


class _InlineExecutor(Executor):
    """Runs the call at once in this process; for ``workers=0``."""

    def submit(self, fn, /, *args, **kwargs):  # type: ignore[override]
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # handed to the awaiting pipeline, as a pool would
            future.set_exception(exc)
        return future


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


# glibc's mallopt parameters (malloc.h) and the values we set.
_M_MMAP_THRESHOLD, _MMAP_THRESHOLD = -3, 128 * 1024
_M_ARENA_MAX, _ARENA_MAX = -8, 2


def release_freed_memory() -> None:
    """Make freed page bodies go back to the system, in this (the crawl's) process.

    Bodies of hundreds of kB come and go all crawl long. glibc serves such blocks from
    its heaps once one was freed (its mmap threshold rises) and keeps a heap per thread,
    so a crawl's memory grew with what it had fetched; this keeps them mmapped (returned
    on free) and the heaps to two. The extraction workers keep glibc's defaults: there
    the rising threshold lets each page reuse the last one's blocks, where a fixed one
    had every large block mapped and faulted in afresh (about 9% of `fast` extraction's
    throughput, for some 20 MB per worker).
    """
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return  # not glibc: its allocator has its own ways
    libc.mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD)
    libc.mallopt(_M_ARENA_MAX, _ARENA_MAX)


def get_pool(workers: int | None) -> Executor:
    """The process-wide pool for this many workers (``None``: one per core)."""
    size = _size(workers)
    if size not in _pools:
        if size == 0:
            _pools[size] = _InlineExecutor()
        else:
            # forkserver: workers start from a clean, single-threaded parent that has
            # already imported the extractor, not from the threaded reactor process.
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["scraper.crawl.forkserver_setup", "scraper.extract.article"])
            _pools[size] = ProcessPoolExecutor(
                max_workers=size, mp_context=context, initializer=_worker_started, initargs=(os.getpid(),)
            )
    return _pools[size]


def _worker_started(owner: int) -> None:
    """Exit when the process that made the pool dies, however it dies: workers ignore SIGINT
    and SIGTERM (``scraper.crawl.forkserver_setup``), and one left behind would wait for work
    forever (so would the forkserver, which lives as long as its workers)."""
    threading.Thread(target=_exit_with, args=(owner,), name="owner-watch", daemon=True).start()


def _exit_with(owner: int) -> None:
    try:
        # Readable once the process has exited (even before its parent reaps it).
        select.select([os.pidfd_open(owner)], [], [])
    except OSError:  # no pidfds (Linux before 5.3): look every second
        while _alive(owner):
            time.sleep(1)
    os._exit(0)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def start_pool(workers: int | None) -> None:
    """Start the pool's worker processes now, in the background, instead of at the first page.

    The first start imports the extractor (a second of CPU) before any worker runs;
    begun while the crawl is being set up, it uses a core that would otherwise wait.
    """
    pool = get_pool(workers)
    if isinstance(pool, ProcessPoolExecutor):
        threading.Thread(target=_start_workers, args=(pool, _size(workers)), daemon=True).start()


def _start_workers(pool: ProcessPoolExecutor, count: int) -> None:
    # A pool starts a worker per task submitted while none is idle, waiting for each.
    try:
        for _ in range(count):
            pool.submit(os.getpid)
    except RuntimeError:  # the crawl ended, and shut the pool down, first
        pass


def _size(workers: int | None) -> int:
    return default_workers() if workers is None else workers


def prepare_page(
    body: bytes, content_type: str | None, url: str, hints: dict[str, Any], level: str
) -> tuple[dict[str, Any] | None, PackedBody]:
    """All the per-page CPU work, done in a worker: decode, extract and hash the article,
    hash and compress the body."""
    # Imported here, not at the top: the workers preload it, and the crawl's own process,
    # which only hands pages over, is spared its import time and memory.
    from scraper.extract import extract

    article = extract(body, url, level=level, hints=hints, content_type=content_type)
    if not article.is_article:
        return None, pack_body(body, BODY_COMPRESSION[level])
    record = article.record()
    record["content_hash"] = content_hash(record["title"], record["text"])
    return record, pack_body(body, BODY_COMPRESSION[level])


async def prepare_in_pool(
    pool: Executor, body: bytes, content_type: str | None, url: str, hints: dict[str, Any], level: str
) -> tuple[dict[str, Any] | None, PackedBody]:
    """Await :func:`prepare_page` run in the pool."""
    return await asyncio.wrap_future(pool.submit(prepare_page, body, content_type, url, hints, level))


def shutdown_pools() -> None:
    for pool in _pools.values():
        pool.shutdown(wait=True, cancel_futures=True)
    _pools.clear()
