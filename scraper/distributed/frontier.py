"""The shared state of a distributed crawl, in Redis: who crawls which source, the
requests in flight, the queue of extracted pages for the archive writer, counts
and the seen-state.

Everything that must not be lost moves between Redis structures atomically (Lua
scripts or MULTI): a request popped by a worker sits in an in-flight hash with a
deadline until the worker acknowledges it, and goes back to its queue when the
deadline passes (the worker stopped renewing it); a page taken by the writer sits
in the writer's processing list until the archive has committed it. Times come
from Redis's own clock, so machines with skewed clocks agree on deadlines.

Keys, all under ``newsarchive:``::

    requests:SOURCE:MODE    sorted set   queued requests (score: -priority), one queue per spider
    inflight:SOURCE:MODE    hash         token -> "score\\ndata" of requests being worked on
    deadlines:SOURCE:MODE   sorted set   token -> when it goes back to the queue
    run:SOURCE              string       the run crawling the source (claimed with NX, kept alive)
    current-run:SOURCE      string       the run its pages count in (outlives a short Redis outage)
    dupefilter:RUN          set          request fingerprints seen in the run
    pending:RUN             integer      pages of the run pushed but not yet in the archive
    counts:RUN:SOURCE       hash         the writer's counts (newsarchive/new, ...)
    statuses:RUN            hash         source -> the status the writer gave its crawls row (ok, empty, ...)
    items                   list         pages for the archive writer
    items:processing        list         pages the writer has taken and not yet committed
    writer                  string       the writer's lock
    seen / seen:ready       hash / flag  URLs archived as article or not_article -> when
    dead-letter             list         entries that were not our data (a pickle, ...), moved aside
    dead-letter:counts      hash         how many, by the key they were found in

Entries are data only (``scraper/distributed/wire.py``): nothing read from Redis
is ever unpickled or run. Credentials come from the URL
(``redis://USER:PASSWORD@HOST``, ``rediss://`` for TLS) or from the environment
(``NEWSARCHIVE_REDIS_USERNAME``, ``NEWSARCHIVE_REDIS_PASSWORD``), and are never logged.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

import redis

from scraper.config import Config, ConfigError, FrontierError, parse_duration, redacted
from scraper.distributed import wire

logger = logging.getLogger(__name__)

PREFIX = "newsarchive:"
ITEMS = PREFIX + "items"
PROCESSING = PREFIX + "items:processing"
WRITER_LOCK = PREFIX + "writer"
SEEN = PREFIX + "seen"
SEEN_READY = PREFIX + "seen:ready"
TOKENS = PREFIX + "tokens"
DUPEFILTER = PREFIX + "dupefilter"
DEAD_LETTER = PREFIX + "dead-letter"
DEAD_LETTER_COUNTS = PREFIX + "dead-letter:counts"
DEAD_LETTER_KEEP = 1000  # the newest entries moved aside are kept for a look; all are counted
RUN_KEY_TTL = 7 * 86400  # per-run keys outlive any crawl, then clean themselves up

# Pop the best request, give it a token and a deadline, in one step.
_LEASE = """
local popped = redis.call('ZPOPMIN', KEYS[1])
if #popped == 0 then return false end
local t = redis.call('TIME')
local token = redis.call('INCR', KEYS[4])
redis.call('HSET', KEYS[2], token, popped[2] .. '\\n' .. popped[1])
redis.call('ZADD', KEYS[3], t[1] + ARGV[1], token)
return {token, popped[1]}
"""
# Push back the requests whose deadline passed (ARGV[1] = 1) or the given tokens (ARGV[1] = 0).
_REQUEUE = """
local tokens = {}
if ARGV[1] == '1' then
  local t = redis.call('TIME')
  tokens = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', t[1], 'LIMIT', 0, 1000)
else
  for i = 2, #ARGV do tokens[#tokens + 1] = ARGV[i] end
end
local count = 0
for _, token in ipairs(tokens) do
  local value = redis.call('HGET', KEYS[2], token)
  if value then
    local cut = string.find(value, '\\n', 1, true)
    local score = cut and tonumber(string.sub(value, 1, cut - 1))
    if score then
      redis.call('ZADD', KEYS[1], score, string.sub(value, cut + 1))
      count = count + 1
    else  -- not written by us: aside, never back in the queue
      redis.call('LPUSH', KEYS[4], value)
      redis.call('LTRIM', KEYS[4], 0, 999)  -- DEAD_LETTER_KEEP
      redis.call('HINCRBY', KEYS[5], 'inflight', 1)
    end
  end
  redis.call('HDEL', KEYS[2], token)
  redis.call('ZREM', KEYS[3], token)
end
return count
"""
_RENEW = """
local t = redis.call('TIME')
for i = 2, #ARGV do redis.call('ZADD', KEYS[1], 'XX', t[1] + ARGV[1], ARGV[i]) end
return 0
"""
# A lock (the writer's, a run's claim of a source): keep it, or take it when free; 0 when another holds it.
_HOLD_LOCK = """
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return 1
"""
_RELEASE_LOCK = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""
_TAKE_ITEMS = """
local out = {}
for i = 1, tonumber(ARGV[1]) do
  local value = redis.call('LMOVE', KEYS[1], KEYS[2], 'RIGHT', 'LEFT')
  if not value then break end
  out[#out + 1] = value
end
return out
"""

REDIS_ERRORS = (redis.ConnectionError, redis.TimeoutError)
BAD_ENTRY = "bad_frontier_entry"  # the fault kind of an entry moved aside


class Outage:
    """One log line when Redis goes away and one when it is back, not one per failed call
    (one per process: every component of a process shares its URL's :func:`outage`)."""

    def __init__(self, url: str):
        self.url = redacted(url)
        self.down_since: float | None = None

    def failed(self, exc: Exception) -> None:
        if self.down_since is None:
            self.down_since = time.monotonic()
            logger.warning("Redis at %s is unreachable (%s); retrying until it is back", self.url, exc)

    def ok(self) -> None:
        if self.down_since is not None:
            logger.warning("Redis at %s is back after %.0f s", self.url, time.monotonic() - self.down_since)
            self.down_since = None


_outages: dict[str, Outage] = {}


def outage(url: str) -> Outage:
    return _outages.setdefault(url, Outage(url))


class FrontierRedis(redis.Redis):
    """A Redis client that takes credentials the URL leaves out from the environment
    (also the class scrapy-redis builds its clients with: ``REDIS_PARAMS``)."""

    @classmethod
    def from_url(cls, url: str, **options: Any) -> FrontierRedis:
        parts = urlsplit(url)
        password = os.environ.get("NEWSARCHIVE_REDIS_PASSWORD")
        if password and not parts.password:
            options["password"] = password
            username = os.environ.get("NEWSARCHIVE_REDIS_USERNAME")
            if username and not parts.username:
                options["username"] = username
        return super().from_url(url, **options)


def connect(url: str) -> redis.Redis:
    return FrontierRedis.from_url(url, socket_connect_timeout=5, socket_timeout=30, health_check_interval=15)


def _int(value: Any) -> int:
    """A counter read back from Redis; 0 for what is not a number (not written by us)."""
    try:
        return int(value or 0)
    except ValueError:
        return 0


def queue_keys(source: str, mode: str) -> tuple[str, str, str]:
    """The (queue, in-flight, deadlines) keys of one spider's requests."""
    return (f"{PREFIX}requests:{source}:{mode}", f"{PREFIX}inflight:{source}:{mode}", f"{PREFIX}deadlines:{source}:{mode}")


def run_key(source: str) -> str:
    return f"{PREFIX}run:{source}"


def current_run_key(source: str) -> str:
    return f"{PREFIX}current-run:{source}"


def counts_key(run: str, source: str) -> str:
    return f"{PREFIX}counts:{run}:{source}"


def statuses_key(run: str) -> str:
    return f"{PREFIX}statuses:{run}"


class Frontier:
    """A client of the frontier's Redis, for the crawl runner, the workers and the writer."""

    def __init__(self, url: str, timeout: float = 60.0, client: redis.Redis | None = None):
        self.url = url
        self.timeout = timeout  # seconds before the work of a silent worker or writer is taken back
        self.redis = client or connect(url)
        self.outage = outage(url)
        self._lease = self.redis.register_script(_LEASE)
        self._requeue = self.redis.register_script(_REQUEUE)
        self._renew = self.redis.register_script(_RENEW)
        self._hold_lock = self.redis.register_script(_HOLD_LOCK)
        self._release_lock = self.redis.register_script(_RELEASE_LOCK)
        self._take_items = self.redis.register_script(_TAKE_ITEMS)

    @classmethod
    def from_config(cls, config: Config) -> Frontier:
        if not config.frontier:
            raise ConfigError(f"{config.path}: no frontier: set `frontier: redis://HOST:PORT/DB` or pass --frontier")
        return cls(config.frontier, parse_duration(config.frontier_timeout).total_seconds())

    def check(self) -> None:
        """Fail with a clear message when Redis cannot be reached."""
        try:
            self.redis.ping()
        except redis.RedisError as exc:
            raise FrontierError(f"cannot reach Redis at {redacted(self.url)}: {exc}") from None

    # -- requests ---------------------------------------------------------------

    def lease(self, source: str, mode: str) -> tuple[int, bytes] | None:
        """Take the best queued request of a spider as (token, data), in flight until acknowledged."""
        popped = self._lease(keys=[*queue_keys(source, mode), TOKENS], args=[int(self.timeout)])
        return (int(popped[0]), popped[1]) if popped else None

    def acknowledge(self, source: str, mode: str, tokens: Iterable[int]) -> None:
        _, inflight, deadlines = queue_keys(source, mode)
        tokens = list(tokens)
        if tokens:
            with self.redis.pipeline() as pipe:
                pipe.hdel(inflight, *tokens)
                pipe.zrem(deadlines, *tokens)
                pipe.execute()

    def renew(self, source: str, mode: str, tokens: Iterable[int]) -> None:
        tokens = list(tokens)
        if tokens:
            self._renew(keys=[queue_keys(source, mode)[2]], args=[int(self.timeout), *tokens])

    def requeue_expired(self, source: str, mode: str) -> int:
        """Put back the requests whose worker stopped renewing them; returns how many."""
        return self._requeue(keys=[*queue_keys(source, mode), DEAD_LETTER, DEAD_LETTER_COUNTS], args=[1])

    def requeue(self, source: str, mode: str, tokens: Iterable[int]) -> int:
        """Put back these requests at once (a worker stopping cleanly)."""
        tokens = list(tokens)
        return self._requeue(keys=[*queue_keys(source, mode), DEAD_LETTER, DEAD_LETTER_COUNTS], args=[0, *tokens]) if tokens else 0

    def dead_letter_request(self, source: str, mode: str, token: int, data: bytes) -> None:
        """Move a leased entry that is not a request of ours aside, and count it in the source's run."""
        _, inflight, deadlines = queue_keys(source, mode)
        run = self.run_of(source)
        with self.redis.pipeline() as pipe:
            pipe.hdel(inflight, token)
            pipe.zrem(deadlines, token)
            self._dead_letter(pipe, "requests", data)
            if run:
                pipe.hincrby(counts_key(run, source), "newsarchive/errors", 1)
                pipe.hincrby(counts_key(run, source), f"newsarchive/error_kinds/{BAD_ENTRY}", 1)
                pipe.expire(counts_key(run, source), RUN_KEY_TTL)
            pipe.execute()

    def _dead_letter(self, pipe: Any, where: str, data: bytes) -> None:
        pipe.lpush(DEAD_LETTER, data)  # as found: to look at, never to read back
        pipe.ltrim(DEAD_LETTER, 0, DEAD_LETTER_KEEP - 1)
        pipe.hincrby(DEAD_LETTER_COUNTS, where, 1)

    def dead_letters(self) -> dict[str, int]:
        """How many entries were moved aside, by the key they were found in."""
        return {key.decode("utf-8", "replace"): _int(value) for key, value in self.redis.hgetall(DEAD_LETTER_COUNTS).items()}

    # -- runs -------------------------------------------------------------------

    def claim(self, source: str, run: str) -> str | None:
        """Make ``run`` the crawl of the source; returns the run that holds it when another does."""
        if self.redis.set(run_key(source), run, nx=True, ex=int(self.timeout)):
            self.redis.set(current_run_key(source), run, ex=RUN_KEY_TTL)
            return None
        holder = self.redis.get(run_key(source))
        return holder.decode() if holder else self.claim(source, run)

    def keep_claims(self, sources: Iterable[str], run: str) -> None:
        for source in sources:
            if not self._hold_lock(keys=[run_key(source)], args=[run, int(self.timeout)]):
                logger.error("%s: run %s lost its claim to run %s", source, run, self.run_of(source))

    def release(self, sources: Iterable[str], run: str) -> None:
        for source in sources:
            self._release_lock(keys=[run_key(source)], args=[run])
            self._release_lock(keys=[current_run_key(source)], args=[run])

    def run_of(self, source: str) -> str | None:
        """The run the source's pages and requests count in now."""
        run = self.redis.get(current_run_key(source))
        return run.decode() if run else None

    def run_done(self, run: str, spiders: Iterable[tuple[str, str]]) -> bool:
        """Whether no request of these (source, mode) spiders is queued or in flight,
        and every page of the run is in the archive."""
        with self.redis.pipeline(transaction=False) as pipe:
            for source, mode in spiders:
                queue, inflight, _ = queue_keys(source, mode)
                pipe.zcard(queue)
                pipe.hlen(inflight)
            sizes = pipe.execute()
        return not any(sizes) and not self.pending(run)

    def counts(self, run: str, source: str) -> dict[str, int]:
        counts = self.redis.hgetall(counts_key(run, source))
        return {key.decode("utf-8", "replace"): _int(value) for key, value in counts.items()}

    def seen_request(self, run: str | None, fingerprint: str) -> bool:
        """Record a request fingerprint in the run's duplicate filter; True when it was there."""
        key = f"{DUPEFILTER}:{run or 'unclaimed'}"
        with self.redis.pipeline() as pipe:
            pipe.sadd(key, fingerprint)
            pipe.expire(key, RUN_KEY_TTL)
            added, _ = pipe.execute()
        return not added

    # -- pages for the writer -----------------------------------------------------

    def push_page(self, fields: dict[str, Any]) -> None:
        """Queue one page for the archive, counted as pending in its source's current run."""
        run = self.run_of(fields["source"])
        with self.redis.pipeline() as pipe:
            pipe.lpush(ITEMS, wire.page_entry("page", run, fields))
            if run:
                pipe.incr(f"{PREFIX}pending:{run}")
                pipe.expire(f"{PREFIX}pending:{run}", RUN_KEY_TTL)
            pipe.execute()

    def push_finish(self, run: str, source: str, counts: dict[str, Any], interrupted: bool = False) -> None:
        """Ask the writer to close the run's crawls row for the source with these counts (``interrupted``
        when the crawl was stopped before it was done)."""
        with self.redis.pipeline() as pipe:
            pipe.lpush(ITEMS, wire.page_entry("finish", run, {"source": source, "counts": counts, "interrupted": interrupted}))
            pipe.incr(f"{PREFIX}pending:{run}")
            pipe.delete(counts_key(run, source))
            pipe.execute()

    def pending(self, run: str) -> int:
        """Pages and crawl closings of the run that the writer has not committed yet."""
        return _int(self.redis.get(f"{PREFIX}pending:{run}"))

    def take_statuses(self, run: str) -> dict[str, str]:
        """The status the writer gave each crawls row of the run it closed (source -> status), once."""
        with self.redis.pipeline() as pipe:
            pipe.hgetall(statuses_key(run))
            pipe.delete(statuses_key(run))
            statuses, _ = pipe.execute()
        return {key.decode("utf-8", "replace"): value.decode("utf-8", "replace") for key, value in statuses.items()}

    def hold_writer_lock(self, writer: str) -> bool:
        return bool(self._hold_lock(keys=[WRITER_LOCK], args=[writer, max(1, int(self.timeout))]))

    def release_writer_lock(self, writer: str) -> None:
        self._release_lock(keys=[WRITER_LOCK], args=[writer])

    def take_pages(self, limit: int, wait: float) -> list[wire.PageEntry]:
        """The pages the writer must commit next: what a stopped writer left in the
        processing list, else up to ``limit`` new ones (waiting up to ``wait`` s for the first).
        Entries that are not ours are moved aside at once, never written nor taken again."""
        raw = self.redis.lrange(PROCESSING, 0, -1)
        if not raw:
            first = self.redis.blmove(ITEMS, PROCESSING, wait, "RIGHT", "LEFT")
            if first is None:
                return []
            raw = [first, *self._take_items(keys=[ITEMS, PROCESSING], args=[limit - 1])]
            raw.reverse()  # oldest first
        else:
            logger.warning("writing again %d pages taken but not acknowledged (a writer stopped, or Redis went away)", len(raw))
            raw.reverse()
        entries = []
        for data in raw:
            try:
                entries.append(wire.page_of(data))
            except wire.BadEntry as exc:
                logger.error("a queued page that is not newsarchive data (%s) moved aside to %s, never read", exc, DEAD_LETTER)
                with self.redis.pipeline() as pipe:
                    pipe.lrem(PROCESSING, 1, data)
                    self._dead_letter(pipe, "items", data)
                    pipe.execute()
        return entries

    def acknowledge_pages(
        self,
        pending: dict[str, int],
        counts: dict[tuple[str, str], dict[str, int]],
        seen: dict[str, str],
        statuses: dict[tuple[str, str], str] | None = None,
    ) -> None:
        """After commit: drop the processing list, settle pending and counts, publish seen URLs and
        the statuses of the crawls rows closed (in the same transaction: a run whose pending is
        settled finds them)."""
        with self.redis.pipeline() as pipe:
            pipe.delete(PROCESSING)
            for (run, source), status in (statuses or {}).items():
                pipe.hset(statuses_key(run), source, status)
                pipe.expire(statuses_key(run), RUN_KEY_TTL)
            for run, number in pending.items():
                pipe.decrby(f"{PREFIX}pending:{run}", number)
            for (run, source), values in counts.items():
                key = counts_key(run, source)
                for name, value in values.items():
                    pipe.hincrby(key, name, value)
                pipe.expire(key, RUN_KEY_TTL)
            if seen:
                pipe.hset(SEEN, mapping=seen)
            pipe.execute()

    # -- seen-state ---------------------------------------------------------------

    def seen_ready(self) -> bool:
        return bool(self.redis.exists(SEEN_READY))

    def load_seen(self, urls: Iterable[tuple[str, str]]) -> int:
        """Publish the archive's seen URLs (url, fetched_at), then mark the seen-state ready."""
        count = 0
        batch: dict[str, str] = {}
        for url, fetched_at in urls:
            batch[url] = fetched_at
            if len(batch) == 5000:
                self.redis.hset(SEEN, mapping=batch)
                count += len(batch)
                batch = {}
        if batch:
            self.redis.hset(SEEN, mapping=batch)
            count += len(batch)
        self.redis.set(SEEN_READY, 1)
        return count

    def known_urls(self, urls: Iterable[str]) -> set[str]:
        """Which of these URLs the archive already holds as article or not_article."""
        urls = list(urls)
        known: set[str] = set()
        for start in range(0, len(urls), 1000):
            chunk = urls[start : start + 1000]
            known.update(url for url, when in zip(chunk, self.redis.hmget(SEEN, chunk)) if when is not None)
        return known
