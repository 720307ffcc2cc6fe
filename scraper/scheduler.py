"""The long-running scheduler behind `newsarchive schedule`.

Each source has a timetable (``every``) kept by the ``schedule`` package. A
due source is queued with a small random jitter, then crawled by a child
process (`python -m scraper crawl --source NAME`: Twisted's reactor cannot run
twice in one process), at most ``schedule.max_parallel`` at once and never two
of one source. A source still crawling when it falls due again is skipped, and
a queued source is queued once, so missed runs never pile up. Consecutive
failures back a source off (its interval doubles, up to ``backoff_max``); the
timetable is rebuilt from the ``crawls`` table on start, so it survives restarts.

SIGTERM/SIGINT stop launching crawls and pass SIGTERM on to the running ones
(a second one at half the grace period forces them to stop, still recording
their run; any left at the end are killed and their runs closed). SIGHUP
reloads the config; a broken one is reported and the old one kept.
"""

from __future__ import annotations

import logging
import logging.handlers
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import IO, Any

import schedule
import yaml

from archive.health import run_history, source_health
from archive.locks import LockBusy, scheduler_lock, source_lock
from archive.store import Archive
from scraper.config import (
    Config,
    ConfigError,
    Source,
    daily_time,
    format_duration,
    load_config,
    schedule_seconds,
)

logger = logging.getLogger("newsarchive.schedule")

TICK = 0.2  # seconds between looks at the timetable and the children


@dataclass
class Child:
    """One crawl running in its own process."""

    source: str
    run: str
    process: subprocess.Popen
    output: IO[bytes]
    started: float = field(default_factory=time.monotonic)
    terms_sent: int = 0
    overran: bool = False


def backoff_seconds(interval: float, failures: int, cap: float) -> float | None:
    """How long to wait after ``failures`` consecutive failed crawls; None when on timetable.

    The interval doubles with each failure, up to ``cap`` (never below the
    source's own interval: backing off never crawls more often).
    """
    if failures <= 0:
        return None
    return min(interval * 2**failures, max(cap, interval))


class Scheduler:
    """Crawl every source of a config on its timetable until told to stop."""

    def __init__(self, config: Config):
        self.config = config
        self.timetable = schedule.Scheduler()
        self.children: dict[str, Child] = {}
        self.queued: dict[str, float] = {}  # source -> monotonic time it may start (after jitter)
        self.launched: dict[str, datetime] = {}  # source -> when this scheduler last started its crawl
        self.flags: dict[str, dict[str, str]] = {}
        self.stop_requested = False
        self.reload_requested = False
        self.lock = scheduler_lock(config.archive_path)
        self.archive: Archive | None = None
        self.workdir: Path | None = None  # made by run(): the config snapshot and the children's output

    @property
    def snapshot(self) -> Path:
        """Children crawl with this copy of the last config that loaded without error."""
        assert self.workdir is not None
        return self.workdir / "config.yaml"

    # -- the main loop ----------------------------------------------------------

    def run(self) -> int:
        """Run until SIGTERM/SIGINT; returns the exit code (0 after a clean stop).

        Raises :class:`LockBusy` when another scheduler runs on the same archive.
        """
        if not self.lock.try_acquire():
            raise LockBusy(self.lock.busy.format(holder=self.lock.holder()))
        setup_logging(self.config)
        self.workdir = Path(tempfile.mkdtemp(prefix="newsarchive-schedule-"))
        try:
            self.archive = Archive(self.config.archive_path)
            self._install_signal_handlers()
            self._apply(self.config)
            logger.info(
                "scheduler started: %d source(s), archive %s, at most %d crawl(s) at once",
                len(self.config.sources),
                self.config.archive_path,
                self.config.schedule.max_parallel,
            )
            self._log_health([source.name for source in self.config.sources])
            while not self.stop_requested:
                if self.reload_requested:
                    self.reload_requested = False
                    self.reload()
                self.timetable.run_pending()
                self._reap()
                self._launch_queued()
                time.sleep(TICK)
            self._stop_children()
            logger.info("scheduler stopped")
            return 0
        finally:
            if self.archive is not None:
                self.archive.close()
            self.lock.release()
            shutil.rmtree(self.workdir, ignore_errors=True)

    def _install_signal_handlers(self) -> None:
        def stop(signum: int, _frame: Any) -> None:
            self.stop_requested = True

        def reload(signum: int, _frame: Any) -> None:
            self.reload_requested = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGHUP, reload)

    # -- the timetable -----------------------------------------------------------

    def reload(self) -> None:
        """Read the config file again; keep the old config when the new one is broken."""
        path = self.config.path
        try:
            config = load_config(path)
        except ConfigError as exc:
            logger.error("config reload failed, keeping the old config:\n%s", exc)
            return
        if config.archive_path != self.config.archive_path:
            logger.error(
                "config reload refused, keeping the old config: the archive moved from %s to %s; "
                "restart the scheduler to change archives",
                self.config.archive_path,
                config.archive_path,
            )
            return
        self._apply(config)
        logger.info("config reloaded from %s: %d source(s)", path, len(config.sources))

    def _apply(self, config: Config) -> None:
        """Make ``config`` the one children crawl with, and lay out its timetable."""
        self.config = config
        data = config.model_dump(mode="json", exclude_unset=True)
        data["archive"] = str(config.archive_path)  # the snapshot lives elsewhere than the config
        self.snapshot.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        self.timetable.clear()
        names = {source.name for source in config.sources}
        self.queued = {name: at for name, at in self.queued.items() if name in names}
        for source in config.sources:
            self._add_job(source)

    def _add_job(self, source: Source) -> None:
        every = self.config.every_of(source)
        at = daily_time(every)
        job = self.timetable.every().day.at(at) if at else self.timetable.every(schedule_seconds(every)).seconds
        job.do(self._fall_due, source.name)
        # Pick up where the history left off: a restart neither repeats a crawl early
        # nor forgets a failing source's backoff.
        now = datetime.now()
        last = self._last_crawl(source.name)
        started = self._last_start(source.name, last)
        if started is None:
            job.next_run = now  # never crawled: start right away
            return
        interval = schedule_seconds(every)
        backoff = self._backoff(source.name, interval)
        if last is not None and backoff is not None and backoff > interval:
            due = _local(last["finished"] or last["started"]) + timedelta(seconds=backoff)
        elif at is None:
            due = started + timedelta(seconds=interval)
        elif started < now - timedelta(days=1):
            due = now  # the daily run was missed while the scheduler was down: one catch-up crawl
        else:
            return  # the next HH:MM, as the timetable says
        job.next_run = max(due, now)

    def _last_start(self, source: str, last: dict[str, Any] | None) -> datetime | None:
        """When the source's last crawl started, as the ``schedule`` package's local time.

        The archive's stamps are to the second and a child writes its row only once it
        runs, so after a reload this scheduler's own launch time, where later, is the truer.
        """
        starts = [_local(last["started"])] if last is not None else []
        if source in self.launched:
            starts.append(self.launched[source])
        return max(starts, default=None)

    def _last_crawl(self, source: str) -> dict[str, Any] | None:
        assert self.archive is not None
        rows = run_history(self.archive.db, source, limit=1)
        return rows[0] if rows else None

    def _backoff(self, source: str, interval: float) -> float | None:
        assert self.archive is not None
        health = source_health(
            self.archive.db, [source], silent_after=timedelta(seconds=self.config.schedule.seconds("silent_after"))
        )[source]
        return backoff_seconds(interval, health.consecutive_failures, self.config.schedule.seconds("backoff_max"))

    def _job(self, source: str) -> schedule.Job | None:
        for job in self.timetable.get_jobs():
            if job.job_func is not None and job.job_func.args == (source,):
                return job
        return None

    def _fall_due(self, source: str) -> None:
        """Called by the timetable: queue the source, unless it is running or queued already."""
        child = self.children.get(source)
        if child is not None:
            if not child.overran:  # once per crawl, not at every tick of a long overrun
                child.overran = True
                logger.warning(
                    "%s: still crawling (for %s) when due again; runs due meanwhile are skipped",
                    source,
                    format_duration(time.monotonic() - child.started),
                )
            return
        jitter = self.config.schedule.seconds("jitter")
        self.queued.setdefault(source, time.monotonic() + random.uniform(0, jitter))

    # -- children ----------------------------------------------------------------

    def _launch_queued(self) -> None:
        now = time.monotonic()
        for source, at in sorted(self.queued.items(), key=lambda item: item[1]):
            if at > now or len(self.children) >= self.config.schedule.max_parallel:
                continue
            del self.queued[source]
            lock = source_lock(self.config.archive_path, source)
            if lock.is_held_elsewhere():
                logger.warning("%s: skipped, being crawled by %s", source, lock.holder())
                continue
            self._launch(source)

    def _launch(self, source: str) -> None:
        run = uuid.uuid4().hex[:12]
        output = tempfile.TemporaryFile(dir=self.workdir)
        command = [
            sys.executable, "-m", "scraper", "crawl",
            "--config", str(self.snapshot), "--source", source, "--run", run,
        ]  # fmt: skip
        try:
            # A session of its own: a Ctrl-C in the terminal reaches the scheduler only,
            # which then stops its children in order.
            process = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
            )
        except OSError as exc:
            output.close()
            logger.error("%s: cannot start a crawl process: %s", source, exc)
            return
        self.children[source] = Child(source, run, process, output)
        self.launched[source] = datetime.now()
        job = self._job(source)
        if job is not None and job.at_time is None:
            # The interval runs from this start, however long the source waited for a free slot.
            job.next_run = max(job.next_run, datetime.now() + timedelta(seconds=job.interval))
        logger.info("%s: crawl started (run %s, pid %d)", source, run, process.pid)

    def _reap(self) -> None:
        for source, child in list(self.children.items()):
            if child.process.poll() is not None:
                del self.children[source]
                self._finished(child)

    def _finished(self, child: Child) -> None:
        assert self.archive is not None
        # A crawl killed before it could close its rows leaves them "running": close them.
        self.archive.interrupt_running(run=child.run)
        child.output.seek(0)
        output = child.output.read().decode("utf-8", "replace").strip().splitlines()
        child.output.close()
        took = format_duration(time.monotonic() - child.started)
        row = next(self.archive.db["crawls"].rows_where("run = ?", [child.run]), None)
        if row is None:
            if self.stop_requested:
                logger.info("%s: crawl stopped before it began", child.source)
            else:
                last_line = output[-1] if output else f"exit code {child.process.returncode}"
                logger.error("%s: crawl did not run: %s", child.source, last_line)
            return
        logger.info(
            "%s: %s in %s: %d pages, %d new, %d updated, %d unchanged, %d errors %s",
            child.source, row["status"], took, row["pages"], row["new"], row["updated"],
            row["unchanged"], row["errors"], row["error_kinds"],
        )  # fmt: skip
        if child.process.returncode not in (0, 1) and not self.stop_requested:
            last_line = output[-1] if output else ""
            logger.error("%s: crawl exited with code %d: %s", child.source, child.process.returncode, last_line)
        self._after_crawl(child.source, row)

    def _after_crawl(self, source: str, row: dict[str, Any]) -> None:
        """Back a failing source off, and report changes of its health."""
        assert self.archive is not None
        config_source = next((s for s in self.config.sources if s.name == source), None)
        if config_source is not None:
            interval = schedule_seconds(self.config.every_of(config_source))
            wait = self._backoff(source, interval)
            job = self._job(source)
            if wait is not None and wait > interval and job is not None:
                self.archive.set_backoff(row["id"], round(wait))
                job.next_run = max(job.next_run, datetime.now() + timedelta(seconds=wait))
                logger.warning("%s: backing off after failures: next crawl in %s", source, format_duration(wait))
        self._log_health([source])

    def _log_health(self, sources: list[str]) -> None:
        assert self.archive is not None
        silent_after = timedelta(seconds=self.config.schedule.seconds("silent_after"))
        for name, health in source_health(self.archive.db, sources, silent_after=silent_after).items():
            before = self.flags.get(name, {})
            for kind, message in health.flags.items():
                if before.get(kind) != message:
                    logger.warning("%s: unhealthy (%s): %s", name, kind, message)
            if before and not health.flags:
                logger.info("%s: healthy again", name)
            self.flags[name] = health.flags

    def _stop_children(self) -> None:
        """SIGTERM the running crawls, force them at half the grace period, kill them at its end."""
        grace = self.config.schedule.seconds("grace")
        self.queued.clear()
        if self.children:
            logger.info("stopping: %d crawl(s) running, waiting up to %s", len(self.children), format_duration(grace))
        start = time.monotonic()
        while self.children:
            elapsed = time.monotonic() - start
            for child in self.children.values():
                # Scrapy stops gracefully on the first signal and forces the stop on the second.
                wanted = 1 if elapsed < grace / 2 else 2
                while child.terms_sent < wanted:
                    _signal(child.process, signal.SIGTERM)
                    child.terms_sent += 1
            if elapsed >= grace:
                for child in self.children.values():
                    logger.error("%s: crawl did not stop within %s, killing it", child.source, format_duration(grace))
                    _signal(child.process, signal.SIGKILL)
                    child.process.wait()
            self._reap()
            time.sleep(TICK)


def _signal(process: subprocess.Popen, signum: int) -> None:
    if process.poll() is None:
        process.send_signal(signum)


def _local(stamp: str) -> datetime:
    """A UTC timestamp from the archive as the naive local time the ``schedule`` package uses."""
    parsed = datetime.fromisoformat(stamp)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone().replace(tzinfo=None)


def setup_logging(config: Config) -> None:
    """Log the scheduler to ``schedule.log_file`` (rotated) when set, else to stderr."""
    path = config.log_path
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=config.schedule.log_max_bytes, backupCount=config.schedule.log_backups, encoding="utf-8"
        )
    else:
        handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    logger.handlers[:] = [handler]
    logger.setLevel(logging.INFO)
    logger.propagate = False
