"""Load and validate ``config.yaml``.

Every mistake in a config is reported as one :class:`ConfigError` that names the
file, the line and the key, so the CLI can print it and exit with code 2
instead of showing a traceback.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import timedelta
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import yaml
from pydantic import (
    AnyHttpUrl,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

DEFAULT_USER_AGENT = "newsarchive/0.1 (+https://github.com/newsarchive/newsarchive)"

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d|w)\s*$")
_DURATION_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_MAX_DURATION = timedelta(days=36525)  # so "since" stays a date and "every" a real timetable
_DAILY = re.compile(r"^\s*daily at ([01]\d|2[0-3]):([0-5]\d)\s*$")


class ConfigError(Exception):
    """A config file that cannot be used; the message says where and why."""


class FrontierError(Exception):
    """The ``frontier:`` Redis cannot be used; the message says why.

    Defined here, not beside the Redis client, so the CLI can catch it without loading Redis.
    """


def parse_duration(value: str | int | float) -> timedelta:
    """Turn ``45s``, ``15m``, ``2h``, ``1d``, ``1w`` (or a number of seconds) into a timedelta."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = float(value)
    else:
        match = _DURATION.match(str(value))
        if not match:
            raise ValueError(f"{value!r} is not a duration such as 45s, 15m, 2h, 1d or 1w")
        seconds = float(match.group(1)) * _DURATION_UNITS[match.group(2)]
    if not seconds > 0:
        raise ValueError(f"{value!r} must be longer than zero")
    if not seconds <= _MAX_DURATION.total_seconds():
        raise ValueError(f"{value!r} is longer than 100 years")
    return timedelta(seconds=seconds)


def format_duration(seconds: float) -> str:
    """The inverse of :func:`parse_duration`, for people: ``90`` -> ``1m30s``, ``93600`` -> ``1d2h``."""
    seconds = round(seconds)
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        if seconds >= size or (unit == "s" and not parts):
            parts.append(f"{seconds // size}{unit}")
            seconds %= size
    return "".join(parts[:2])


def schedule_seconds(value: str) -> float:
    """How many seconds apart a timetable (``15m``, ``daily at 06:30``) runs."""
    return 86400.0 if _DAILY.match(value) else parse_duration(value).total_seconds()


def daily_time(value: str) -> str | None:
    """``HH:MM`` of a ``daily at HH:MM`` timetable; None for a plain duration."""
    match = _DAILY.match(value)
    return f"{match.group(1)}:{match.group(2)}" if match else None


def _check_schedule(value: str | None) -> str | None:
    if value is None or _DAILY.match(value):
        return value
    parse_duration(value)
    return value


def _check_revisit(steps: list[str] | None) -> list[str] | None:
    if steps is not None:
        deltas = [parse_duration(step) for step in steps]
        if deltas != sorted(set(deltas)):
            raise ValueError("revisit steps must grow: e.g. [1h, 6h, 24h, 3d]")
    return steps


HttpUrl = AnyHttpUrl


class CrawlSettings(BaseModel):
    """Politeness and performance knobs; the defaults are safe for the web."""

    model_config = ConfigDict(extra="forbid")

    user_agent: str = DEFAULT_USER_AGENT
    contact: str | None = Field(
        default=None, description="URL or e-mail added to the User-Agent so site owners can reach you"
    )
    robots: bool = True
    concurrency: int = Field(default=16, ge=1, le=512, description="requests in flight in all")
    per_site_concurrency: int = Field(default=2, ge=1, le=64)
    delay: float = Field(default=1.0, ge=0, allow_inf_nan=False, description="seconds between requests to one site")
    autothrottle: bool = True
    timeout: float = Field(default=30.0, gt=0, le=600)
    retries: int = Field(default=2, ge=0, le=10)
    retry_after_max: float = Field(
        default=300.0, ge=0, le=86400, description="longest wait (s) a 429/503 or its Retry-After imposes"
    )
    max_page_size: int = Field(default=20 * 1024 * 1024, ge=1024, description="bytes")
    max_entries: int = Field(
        default=10_000, ge=1, description="most new links taken from one feed, sitemap or page per crawl"
    )
    extract: Literal["best", "fast"] = "best"
    workers: int | None = Field(
        default=None, ge=0, le=64, description="extraction processes; 0 runs extraction in-process"
    )
    extraction_timeout: float = Field(
        default=30.0, gt=0, le=3600, allow_inf_nan=False,
        description="seconds one page's extraction may take before its worker is killed (not with workers: 0)",
    )
    extraction_memory: int = Field(
        default=1536, ge=256, le=1_048_576, description="MB of address space one extraction worker may use"
    )
    max_sitemaps: int = Field(
        default=1000, ge=1, le=1_000_000, description="most sitemaps (and sitemap indexes) read per source per crawl"
    )
    max_sitemap_depth: int = Field(
        default=3, ge=1, le=10, description="most sitemap indexes followed one below the other"
    )
    revisit: list[str] = Field(
        default=["1h", "6h", "24h", "3d"],
        description="ages (since first seen) at which an archived article is fetched again; [] never",
    )

    @field_validator("revisit")
    @classmethod
    def _revisit_grows(cls, steps: list[str]) -> list[str]:
        return _check_revisit(steps)


class ScheduleSettings(BaseModel):
    """How `newsarchive schedule` runs the crawls, and when it calls a source unhealthy."""

    model_config = ConfigDict(extra="forbid")

    max_parallel: int = Field(default=2, ge=1, le=64, description="crawls running at once")
    jitter: str | float = Field(default="5s", description="random delay, up to this, before each due crawl")
    grace: str | float = Field(default="30s", description="how long crawls may take to stop on SIGTERM")
    backoff_max: str | float = Field(default="6h", description="longest wait after consecutive failures")
    silent_after: str | float = Field(default="2d", description="flag a source with no new article for this long")
    log_file: str | None = Field(default=None, description="log here, rotated, instead of to stderr")
    log_max_bytes: int = Field(default=10_000_000, ge=10_000, description="rotate the log at this size")
    log_backups: int = Field(default=5, ge=0, le=100, description="rotated logs kept")

    @field_validator("jitter")
    @classmethod
    def _jitter_is_duration(cls, value: str | float) -> str | float:
        if not _is_zero(value):
            parse_duration(value)
        return value

    @field_validator("grace", "backoff_max", "silent_after")
    @classmethod
    def _is_duration(cls, value: str | float) -> str | float:
        parse_duration(value)
        return value

    def seconds(self, key: str) -> float:
        """One of the duration settings, in seconds."""
        value = getattr(self, key)
        return 0.0 if _is_zero(value) else parse_duration(value).total_seconds()


def _is_zero(value: str | float) -> bool:
    return str(value).strip() in ("0", "0s", "0.0")


class Source(BaseModel):
    """One news source and the ways to find its articles."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    feeds: list[HttpUrl] = []
    sitemaps: list[HttpUrl] = []
    urls: list[HttpUrl] = []
    sections: list[HttpUrl] = []
    follow: list[str] = Field(default=[], description="regexes a followed section link must match")
    deny: list[str] = Field(default=[], description="regexes of links never followed")
    depth: int = Field(default=1, ge=0, le=10)
    since: str | None = None
    every: str | None = None
    # Per-source overrides of the global crawl settings.
    robots: bool | None = None
    delay: float | None = Field(default=None, ge=0, allow_inf_nan=False)
    per_site_concurrency: int | None = Field(default=None, ge=1, le=64)
    user_agent: str | None = None
    autothrottle: bool | None = None
    retries: int | None = Field(default=None, ge=0, le=10)
    retry_after_max: float | None = Field(default=None, ge=0, le=86400)

    revisit: list[str] | None = None

    @field_validator("revisit")
    @classmethod
    def _revisit_grows(cls, steps: list[str] | None) -> list[str] | None:
        return _check_revisit(steps)

    @field_validator("since")
    @classmethod
    def _since_is_duration(cls, value: str | None) -> str | None:
        if value is not None:
            parse_duration(value)
        return value

    @field_validator("every")
    @classmethod
    def _every_is_schedule(cls, value: str | None) -> str | None:
        return _check_schedule(value)

    @field_validator("follow", "deny")
    @classmethod
    def _patterns_compile(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"{pattern!r} is not a valid regular expression: {exc}") from None
        return patterns

    @model_validator(mode="after")
    def _has_a_way_in(self) -> Source:
        if not (self.feeds or self.sitemaps or self.urls or self.sections):
            raise ValueError("a source needs at least one of feeds, sitemaps, sections or urls")
        return self

    @property
    def since_delta(self) -> timedelta | None:
        return parse_duration(self.since) if self.since else None

    def listing_settings(self) -> str:
        """A fingerprint of the settings that decide which entries of the source's listings a
        crawl takes: when it changes, the listings must be read again in full."""
        chosen = self.model_dump(mode="json", include={"feeds", "sitemaps", "sections", "follow", "deny", "depth", "since"})
        return hashlib.sha256(json.dumps(chosen, sort_keys=True).encode("utf-8")).hexdigest()[:16]

    def modes(self) -> list[str]:
        """The discovery modes this source uses, named like the spiders."""
        return [mode for mode in ("feeds", "sitemaps", "sections", "urls") if getattr(self, mode)]


class Config(BaseModel):
    """The whole ``config.yaml``."""

    model_config = ConfigDict(extra="forbid")

    archive: str = "archive.db"
    crawl: CrawlSettings = CrawlSettings()
    every: str = "1h"
    schedule: ScheduleSettings = ScheduleSettings()
    frontier: str | None = Field(
        default=None, description="redis://HOST:PORT/DB: crawl on many machines through this Redis"
    )
    frontier_timeout: str | float = Field(
        default="60s", description="in-flight work of a stopped worker or writer goes back to the queue after this"
    )
    sources: list[Source] = Field(min_length=1)
    # Where the file was read from; relative paths in it are relative to its folder.
    path: Path | None = Field(default=None, exclude=True)

    @field_validator("every")
    @classmethod
    def _every_is_schedule(cls, value: str) -> str:
        _check_schedule(value)
        return value

    @field_validator("frontier")
    @classmethod
    def _frontier_is_redis(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError(f"{redacted(value)!r} is not a Redis URL such as redis://127.0.0.1:6379/0 (rediss:// for TLS)")
        return value

    def with_frontier(self, url: str | None) -> Config:
        """This config, crawling through the frontier at ``url`` (``--frontier``) when one is given."""
        if url is None:
            return self
        try:
            return self.model_copy(update={"frontier": self._frontier_is_redis(url)})
        except ValueError as exc:
            raise ConfigError(f"--frontier: {exc}") from None

    def with_since(self, age: str | None) -> Config:
        """This config with every source's ``since`` set to ``age`` (``crawl --since``), when one is given."""
        if age is None:
            return self
        try:
            parse_duration(age)
        except ValueError as exc:
            raise ConfigError(f"--since: {exc}") from None
        sources = [source.model_copy(update={"since": age}) for source in self.sources]
        return self.model_copy(update={"sources": sources})

    @field_validator("frontier_timeout")
    @classmethod
    def _timeout_is_duration(cls, value: str | float) -> str | float:
        if parse_duration(value).total_seconds() < 5:
            raise ValueError(f"{value!r} is too short: workers renew their leases every few seconds; use 5s or more")
        return value

    @field_validator("sources")
    @classmethod
    def _names_unique(cls, sources: list[Source]) -> list[Source]:
        seen: set[str] = set()
        for source in sources:
            if source.name in seen:
                raise ValueError(f"duplicate source name {source.name!r}")
            seen.add(source.name)
        return sources

    @property
    def archive_path(self) -> Path:
        base = self.path.parent if self.path else Path.cwd()
        return (base / self.archive).resolve()

    @property
    def log_path(self) -> Path | None:
        """The scheduler's log file, relative to the config file's folder."""
        if not self.schedule.log_file:
            return None
        base = self.path.parent if self.path else Path.cwd()
        return (base / self.schedule.log_file).resolve()

    def every_of(self, source: Source) -> str:
        """The timetable of a source: its own ``every``, else the global one."""
        return source.every or self.every

    def revisit_steps(self, source: Source) -> list[timedelta]:
        """When the source's archived articles are due for a revisit, as ages since first seen."""
        steps = self.crawl.revisit if source.revisit is None else source.revisit
        return [parse_duration(step) for step in steps]

    def select(self, names: list[str] | tuple[str, ...] = ()) -> list[Source]:
        """The named sources (all when no name is given); unknown names are an error."""
        if not names:
            return list(self.sources)
        known = {source.name: source for source in self.sources}
        unknown = [name for name in names if name not in known]
        if unknown:
            raise ConfigError(
                f"unknown source {', '.join(map(repr, unknown))}; "
                f"the config has {', '.join(sorted(known))}"
            )
        return [known[name] for name in names]


def load_config(path: str | Path) -> Config:
    """Read and validate a config file, raising :class:`ConfigError` on any problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such config file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from None
    return parse_config(text, path)


def parse_config(text: str, path: Path | str = "config.yaml") -> Config:
    """Validate config text; ``path`` is used in messages and to resolve the archive path."""
    path = Path(path)
    try:
        data = yaml.safe_load(text)
        root = yaml.compose(text)
    except RecursionError:
        raise ConfigError(f"{path}: nested too deeply to be a config") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(f"{where}: not valid YAML: {problem}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the config must be a mapping with a 'sources' list")
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_describe(exc, root, path)) from None
    config.path = path.resolve()
    return config


def _describe(exc: ValidationError, root: yaml.Node | None, path: Path) -> str:
    lines = []
    for error in exc.errors():
        loc = [part for part in error["loc"] if not _is_union_tag(part)]
        key = _format_loc(loc)
        line = _line_of(root, loc)
        where = f"{path}:{line}" if line else str(path)
        message = error["msg"].removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            message = "unknown key"
        elif error["type"] == "missing":
            message = "required key is missing"
        lines.append(f"{where}: {key or 'config'}: {message}")
    return "\n".join(lines)


def _is_union_tag(part: Any) -> bool:
    # pydantic puts the type tried ("url", "function-after[...]") into the location.
    return isinstance(part, str) and ("[" in part or part in {"url", "str", "int", "float", "bool"})


def _format_loc(loc: list[Any]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _line_of(root: yaml.Node | None, loc: list[Any]) -> int | None:
    """The 1-based line of the deepest YAML node that the location reaches."""
    node = root
    line = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if key_node.value == part:
                    node, line = value_node, key_node.start_mark.line + 1
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            return line
    return line


def redacted(url: str) -> str:
    """A URL without its password (a frontier's ``redis://USER:PASSWORD@HOST``), for messages and logs."""
    parts = urlsplit(url)
    if not parts.password:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return parts._replace(netloc=f"{parts.username or ''}:***@{host}").geturl()
