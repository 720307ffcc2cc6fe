"""Extraction off Scrapy's event loop, in a pool of worker processes that keeps every page to its budget.

trafilatura is CPU-bound: called in a Scrapy callback it blocks the event loop
and pins the crawl to one core. Each crawl process keeps one pool, shared by all
its crawlers and sized to the cores; ``workers=0`` extracts in-process (tests, debugging).

Each page runs under a :class:`PageBudget`: a wall-clock limit (past it, its worker
is killed and replaced) and an address-space limit (``RLIMIT_AS`` in the worker, so
an allocation past it fails with ``MemoryError`` instead of waking the OOM killer).
A worker that dies for any reason costs the page it held, no other: the pool starts
another. Each worker has a pipe of its own, so one killed mid-message cannot corrupt
or lock what the others send (``concurrent.futures``, pebble and loky share one
queue among workers, and a death breaks the whole pool or stalls it). Workers die
with the crawl: each watches the crawl's process through a pidfd (see :func:`die_with`).
"""

from __future__ import annotations

import asyncio
import ctypes
import multiprocessing
import os
import resource
import select
import signal
import threading
import time
from collections import deque
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

from archive.store import PackedBody, content_hash, pack_body

# zstd level of the raw bodies kept: at the fast level, about 7% more disk for
# two thirds of the compression time (measured on 500 corpus pages: 0.56 ms, not 0.89).
BODY_COMPRESSION = {"best": 3, "fast": 1}
# How long a stopping worker may take to finish its page before it is killed.
_STOP_GRACE = 5.0


@dataclass(frozen=True)
class PageBudget:
    """What one page's extraction may take: wall-clock seconds and bytes of address space
    (0: no limit)."""

    timeout: float = 30.0
    memory: int = 1536 * 1024 * 1024


class ExtractionFailed(Exception):
    """A page's extraction ended without a result; ``kind`` is what the run counts it as:
    ``extraction_timeout``, ``extraction_memory``, ``extraction_crashed`` or ``extraction_failed``."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind


_pools: dict[tuple[int, PageBudget], Executor] = {}


class _InlineExecutor(Executor):
    """Runs the call at once in this process, without a budget; for ``workers=0``."""

    def submit(self, fn, /, *args, **kwargs):  # type: ignore[override]
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # handed to the awaiting pipeline, as a pool would
            future.set_exception(exc)
        return future

    def start(self) -> None:
        pass


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


# glibc's mallopt parameters (malloc.h) and the values we set.
_M_MMAP_THRESHOLD, _MMAP_THRESHOLD = -3, 128 * 1024
_M_ARENA_MAX, _ARENA_MAX = -8, 2
# prctl(2): the signal a process gets when its parent dies.
_PR_SET_PDEATHSIG = 1


def _libc() -> ctypes.CDLL | None:
    try:
        return ctypes.CDLL("libc.so.6", use_errno=True)
    except OSError:
        return None  # not glibc


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
    libc = _libc()
    if libc is None:
        return  # not glibc: its allocator has its own ways
    libc.mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD)
    libc.mallopt(_M_ARENA_MAX, _ARENA_MAX)


def die_with(crawl: int) -> None:
    """End this worker the moment the crawl process ``crawl`` or this worker's parent dies.

    A worker's parent is the forkserver, which lives on while any worker does (each holds
    the pipe it watches), so the worker watches the crawl itself: a thread waits on a
    pidfd (Linux 5.3) and exits the process when the crawl ends; the parent-death signal
    covers a forkserver killed alone.
    """
    parent = os.getppid()
    libc = _libc()
    if libc is not None:
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)
    threading.Thread(target=_exit_when_gone, args=(crawl,), name="crawl-watch", daemon=True).start()


def _exit_when_gone(pid: int) -> None:
    try:
        descriptor = os.pidfd_open(pid)
    except (AttributeError, OSError):  # no pidfd here, or the crawl is gone already
        while _alive(pid):
            time.sleep(1)
    else:
        select.select([descriptor], [], [])
    os._exit(1)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return True


def get_pool(workers: int | None, budget: PageBudget | None = None) -> Executor:
    """The process-wide pool for this many workers (``None``: one per core) and this budget."""
    size = _size(workers)
    key = (size, budget or PageBudget())
    if key not in _pools:
        if size == 0:
            _pools[key] = _InlineExecutor()
        else:
            # forkserver: workers start from a clean, single-threaded parent that has
            # already imported the extractor, not from the threaded reactor process.
            # The forkserver exits when this process dies (it watches a pipe from it).
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["scraper.crawl.forkserver_setup", "scraper.extract.article"])
            _pools[key] = ExtractionPool(size, key[1], context)
    return _pools[key]


def start_pool(workers: int | None, budget: PageBudget | None = None) -> None:
    """Start the pool's worker processes now, in the background, instead of at the first page.

    The first start imports the extractor (a second of CPU) before any worker runs;
    begun while the crawl is being set up, it uses a core that would otherwise wait.
    """
    get_pool(workers, budget).start()  # type: ignore[attr-defined]


def _size(workers: int | None) -> int:
    return default_workers() if workers is None else workers


class _Worker:
    """One worker process, its end of the pipe, and the page it holds."""

    def __init__(self, context: Any, budget: PageBudget):
        self.connection, theirs = context.Pipe()
        self.process = context.Process(target=_serve, args=(theirs, budget.memory, os.getpid()), daemon=True, name="newsarchive-extract")
        self.process.start()
        theirs.close()
        self.task: _Task | None = None
        self.deadline = 0.0

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.connection.close()


@dataclass
class _Task:
    call: tuple[Any, tuple[Any, ...], dict[str, Any]]
    future: Future


class ExtractionPool(Executor):
    """A fixed number of worker processes, each page under the :class:`PageBudget`.

    A supervisor thread hands pages to idle workers, collects results, kills a worker
    whose page runs past the time limit, and replaces every worker that dies. The
    futures of failed pages raise :class:`ExtractionFailed`.
    """

    def __init__(self, size: int, budget: PageBudget, context: Any):
        self.size = size
        self.budget = budget
        self.context = context
        self._pending: deque[_Task] = deque()
        self._lock = threading.Lock()
        self._closing = False
        self._cancel = False
        self._wake_reader, self._wake_writer = multiprocessing.Pipe(duplex=False)
        self._woken = False  # a wake-up is in the pipe already: one is enough
        self._thread: threading.Thread | None = None
        self.replaced = 0  # workers started again after one died or was killed

    def start(self) -> None:
        with self._lock:
            if self._thread is None and not self._closing:
                self._thread = threading.Thread(target=self._supervise, name="extraction-pool", daemon=True)
                self._thread.start()

    def submit(self, fn, /, *args, **kwargs):  # type: ignore[override]
        future: Future = Future()
        with self._lock:
            if self._closing:
                raise RuntimeError("cannot schedule new pages after the pool was shut down")
            self._pending.append(_Task((fn, args, kwargs), future))
        self.start()
        self._wake()
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        with self._lock:
            self._closing = True
            self._cancel = self._cancel or cancel_futures
            thread = self._thread
        self._wake()
        if thread is not None and wait:
            thread.join()
        elif thread is None:
            self._fail_pending()

    def _wake(self) -> None:
        with self._lock:
            if self._woken:
                return
            self._woken = True
        try:
            self._wake_writer.send_bytes(b"")
        except OSError:
            pass  # the supervisor has ended

    # -- the supervisor thread ---------------------------------------------------

    def _supervise(self) -> None:
        workers: list[_Worker] = []
        try:
            while True:
                while len(workers) < self.size and not self._closing:
                    workers.append(_Worker(self.context, self.budget))
                self._hand_out(workers)
                busy = [worker for worker in workers if worker.task]
                with self._lock:
                    if self._closing and not busy and (self._cancel or not self._pending):
                        break
                deadline = min((worker.deadline for worker in busy), default=float("inf"))
                timeout = max(0.0, deadline - time.monotonic()) if deadline != float("inf") else None
                ready = set(wait([self._wake_reader, *(w.connection for w in busy), *(w.process.sentinel for w in workers)], timeout))
                with self._lock:
                    while self._wake_reader.poll():
                        self._wake_reader.recv_bytes()
                    self._woken = False
                for worker in list(workers):
                    spent = False
                    if worker.task and (worker.connection in ready or worker.process.sentinel in ready):
                        spent = self._collect(worker)
                    if spent or worker.process.sentinel in ready or not worker.process.is_alive():
                        self._bury(worker, workers, "extraction_crashed", _death(worker.process.exitcode))
                    elif worker.task and time.monotonic() > worker.deadline:
                        self._bury(worker, workers, "extraction_timeout", f"over the {self.budget.timeout:g} s limit")
        except BaseException as exc:  # a pool that cannot start workers: every page fails, the crawl goes on
            self._fail_pending(ExtractionFailed("extraction_failed", f"the extraction pool failed: {exc!r}"))
            raise
        finally:
            self._stop(workers)
            self._fail_pending()

    def _hand_out(self, workers: list[_Worker]) -> None:
        for worker in workers:
            if worker.task is not None or not worker.process.is_alive():
                continue
            with self._lock:
                task = self._next_task()
            if task is None:
                return
            try:
                worker.connection.send(task.call)
            except (OSError, EOFError):  # it died idle: the page goes to the next one
                with self._lock:
                    self._pending.appendleft(task)
                continue
            except Exception as exc:  # a call that does not pickle
                task.future.set_exception(exc)
                continue
            worker.task = task
            worker.deadline = time.monotonic() + self.budget.timeout if self.budget.timeout else float("inf")

    def _next_task(self) -> _Task | None:
        while self._pending:
            task = self._pending.popleft()
            if task.future.set_running_or_notify_cancel():
                return task
        return None

    def _collect(self, worker: _Worker) -> bool:
        """Take the worker's answer, if it sent one before it ended; True when the worker
        is spent (it ran out of memory: its heap is fragmented, its peak used up)."""
        try:
            if not worker.connection.poll():
                return False
            answer = worker.connection.recv()
        except (OSError, EOFError):
            return False  # died mid-answer: buried as crashed
        task, worker.task = worker.task, None
        assert task is not None
        if answer[0] == "ok":
            task.future.set_result(answer[1])
            return False
        task.future.set_exception(ExtractionFailed(answer[1], answer[2]))
        return answer[1] == "extraction_memory"

    def _bury(self, worker: _Worker, workers: list[_Worker], kind: str, why: str) -> None:
        """Kill the worker (if still alive), fail the page it held, and let a new one take its place."""
        worker.kill()
        workers.remove(worker)
        if worker.task is not None:
            worker.task.future.set_exception(ExtractionFailed(kind, why))
            self.replaced += 1

    def _stop(self, workers: list[_Worker]) -> None:
        for worker in workers:
            try:
                worker.connection.send(None)
            except (OSError, EOFError):
                pass
        deadline = time.monotonic() + _STOP_GRACE
        for worker in workers:
            worker.process.join(max(0.0, deadline - time.monotonic()))
            worker.kill()
            if worker.task is not None:
                worker.task.future.cancel() or worker.task.future.set_exception(
                    ExtractionFailed("extraction_failed", "the crawl stopped before the page was extracted")
                )
        workers.clear()

    def _fail_pending(self, error: BaseException | None = None) -> None:
        with self._lock:
            tasks, self._pending = list(self._pending), deque()
        for task in tasks:
            if error is None:
                task.future.cancel()
            elif task.future.set_running_or_notify_cancel():
                task.future.set_exception(error)


def _death(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        return f"the worker was killed by {signal.Signals(-exitcode).name}"
    return f"the worker exited with code {exitcode}"


def _serve(connection: Connection, memory: int, crawl: int) -> None:
    """A worker's life: pages from the pipe, each answered ``("ok", result)`` or ``("failed", kind, why)``."""
    die_with(crawl)  # SIGINT and SIGTERM are ignored (scraper.crawl.forkserver_setup): the crawl stops us
    if memory:
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        memory = memory if hard == resource.RLIM_INFINITY else min(memory, hard)
        resource.setrlimit(resource.RLIMIT_AS, (memory, hard))
    while True:
        try:
            call = connection.recv()
        except (EOFError, OSError):
            return  # the crawl is gone
        if call is None:
            return
        function, args, kwargs = call
        try:
            answer: tuple[Any, ...] = ("ok", function(*args, **kwargs))
        except MemoryError:
            answer = ("failed", "extraction_memory", f"over the {memory // 2**20} MB memory limit")
        except Exception as exc:
            # libxml2 reports a failed allocation as a parse error: the address space used says which it was.
            kind = "extraction_memory" if memory and _peak_address_space() > 0.9 * memory else "extraction_failed"
            answer = ("failed", kind, repr(exc)[:300])
        del call, args, kwargs
        connection.send(answer)


def _peak_address_space() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmPeak:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def prepare_page(
    body: bytes, content_type: str | None, url: str, hints: dict[str, Any], level: str
) -> tuple[dict[str, Any] | None, PackedBody, str | None]:
    """All the per-page CPU work, done in a worker: decode, extract and hash the article,
    hash and compress the body. Returns the article (None when there is none), the packed
    body, and why the page is no article (None when it is one)."""
    # Imported here, not at the top: the workers preload it, and the crawl's own process,
    # which only hands pages over, is spared its import time and memory.
    from scraper.extract import extract

    article = extract(body, url, level=level, hints=hints, content_type=content_type)
    packed = pack_body(body, BODY_COMPRESSION[level])
    if not article.is_article:
        return None, packed, article.not_article
    record = article.record()
    record["content_hash"] = content_hash(record["title"], record["text"])
    return record, packed, None


async def prepare_in_pool(
    pool: Executor, body: bytes, content_type: str | None, url: str, hints: dict[str, Any], level: str
) -> tuple[dict[str, Any] | None, PackedBody, str | None]:
    """Await :func:`prepare_page` run in the pool."""
    return await asyncio.wrap_future(pool.submit(prepare_page, body, content_type, url, hints, level))


def shutdown_pools() -> None:
    for pool in _pools.values():
        pool.shutdown(wait=True, cancel_futures=True)
    _pools.clear()
