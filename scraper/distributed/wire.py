"""The format of every entry newsarchive puts in Redis: versioned msgpack data, never pickle.

Anyone who can write to the frontier's Redis can put entries in it; with pickle,
reading one ran whatever code it named. Here an entry is a version marker and a
msgpack document of plain data (maps, lists, text, raw bytes, numbers), checked
for the shape newsarchive writes before anything uses it. Anything else (a pickle,
a later version, a request naming a class or a method that is not a spider
callback) is :class:`BadEntry`: moved aside to the dead-letter list and counted by
the frontier, never run and never retried.

This module is also scrapy-redis's ``SCHEDULER_SERIALIZER`` (it has ``loads`` and
``dumps``); requests go through Scrapy's ``request_to_dict``, callbacks by name.
msgpack (not JSON) because bodies and headers are bytes, and it keeps them so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import msgpack
from scrapy import Request
from scrapy.utils.request import request_from_dict

from archive.store import PackedBody
from scraper.crawl.pipelines import RECORD_FIELDS

# "NA" and the format's version: bump it when the shape of an entry changes.
MAGIC = b"NA\x01"

# The spider methods a queued request may name: the spiders' parse_* callbacks and on_error.
_CALLBACK = re.compile(r"parse(_[a-z]+)*|on_error")
# Meta keys that say where and how a request connects: a proxy (one at 169.254.169.254 would
# reach what the address guard keeps out), a download slot (one per request would outrun the
# per-site limits), timeouts, sizes, retries. Scrapy derives them from the settings and the
# environment at each download, so a queued request's own are dropped, never obeyed.
_DERIVED_META = {
    "proxy", "_auth_proxy", "_scheme_proxy", "_slot_proxy", "download_slot", "download_timeout", "download_maxsize",
    "download_warnsize", "bindaddress", "max_retry_times", "handle_httpstatus_all",
}  # fmt: skip


class BadEntry(ValueError):
    """An entry that is not newsarchive data of this version: never used, moved aside."""


def _refuse_extension(code: int, data: bytes) -> Any:
    raise BadEntry(f"msgpack extension type {code}")


def dumps(value: Any) -> bytes:
    """One entry: the version marker, then the value as msgpack (bytes stay bytes)."""
    return MAGIC + msgpack.packb(value, use_bin_type=True)


def loads(data: Any) -> Any:
    """The value of an entry written by :func:`dumps`; :class:`BadEntry` for anything else."""
    if not isinstance(data, bytes) or not data.startswith(MAGIC):
        raise BadEntry("not newsarchive data of version 1 (a pickle, or written by another program)")
    try:
        return msgpack.unpackb(data[len(MAGIC) :], raw=False, ext_hook=_refuse_extension)
    except BadEntry:
        raise
    except (ValueError, msgpack.UnpackException) as exc:  # malformed, nested too deep, bad UTF-8
        raise BadEntry(f"not valid msgpack: {exc}") from None


def _check(condition: bool, what: str) -> None:
    if not condition:
        raise BadEntry(what)


def _is_text(value: Any) -> bool:
    return value is None or isinstance(value, str)


# -- requests ---------------------------------------------------------------------


def request_of(data: bytes, spider: Any) -> Request:
    """The request a queue entry holds, for this spider; :class:`BadEntry` unless it is
    a plain Request whose callbacks are the spider's own."""
    fields = loads(data)
    _check(isinstance(fields, dict), "a request entry is not a map")
    _check("_class" not in fields, "a request entry names a class")
    _check(isinstance(fields.get("url"), str), "a request entry has no URL")
    for name in ("callback", "errback"):
        _check(fields.get(name) is None or _callback_name(fields[name], spider), f"a request entry names {name} {fields.get(name)!r}")
    cb_kwargs = fields.get("cb_kwargs") or {}
    _check(
        isinstance(cb_kwargs, dict) and all(_callback_name(value, spider) for value in cb_kwargs.values()),
        "a request entry's callback arguments are not callback names",
    )
    _check(
        isinstance(fields.get("meta") or {}, dict) and isinstance(fields.get("headers") or {}, dict),
        "a request entry's meta or headers are not maps",
    )
    fields["meta"] = {key: value for key, value in (fields.get("meta") or {}).items() if key not in _DERIVED_META}
    try:
        return request_from_dict(fields, spider=spider)
    except (TypeError, ValueError, AttributeError, LookupError) as exc:  # LookupError: an unknown encoding too
        raise BadEntry(f"not a request: {exc}") from None


def _callback_name(name: Any, spider: Any) -> bool:
    return isinstance(name, str) and bool(_CALLBACK.fullmatch(name)) and callable(getattr(spider, name, None))


# -- pages for the writer ------------------------------------------------------------


@dataclass
class PageEntry:
    """One entry of the writer's queue: a page to record (``page``) or a run's source to close (``finish``)."""

    kind: str
    run: str | None
    fields: dict[str, Any]


def page_entry(kind: str, run: str | None, fields: dict[str, Any]) -> bytes:
    """An entry of the writer's queue; a packed body travels as a map."""
    body = fields.get("body")
    if isinstance(body, PackedBody):
        fields = {**fields, "body": {"hash": body.hash, "size": body.size, "data": body.data, "codec": body.codec}}
    return dumps([kind, run, fields])


def page_of(data: bytes) -> PageEntry:
    """The entry :func:`page_entry` wrote; :class:`BadEntry` for anything else."""
    value = loads(data)
    _check(isinstance(value, list) and len(value) == 3, "a page entry is not [kind, run, fields]")
    kind, run, fields = value
    _check(kind in ("page", "finish") and _is_text(run) and isinstance(fields, dict), "a page entry has the wrong shape")
    if kind == "finish":
        _check(isinstance(fields.get("source"), str) and _is_counts(fields.get("counts")), "a finish entry has the wrong shape")
        return PageEntry(kind, run, fields)
    _check(set(fields) <= set(RECORD_FIELDS), "a page entry has unknown fields")
    _check(all(isinstance(fields.get(name), str) for name in ("url", "source", "kind")), "a page entry lacks url, source or kind")
    _check(
        isinstance(fields.get("status"), int) and (fields.get("crawl_id") is None or isinstance(fields["crawl_id"], int)),
        "a page entry's status is not a number",
    )
    _check(
        all(_is_text(fields.get(name)) for name in ("error", "redirected_from", "fetched_url", "why_not_article")),
        "a page entry's error, redirect, fetched URL or reason is not text",
    )
    headers = fields.get("headers") or {}
    _check(
        isinstance(headers, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in headers.items()),
        "a page entry's headers are not text",
    )
    article = fields.get("article")
    _check(article is None or _is_article(article), "a page entry's article is not a map of text")
    body = fields.get("body")
    if isinstance(body, dict):
        try:
            body = PackedBody(**body)
        except TypeError:
            raise BadEntry("a page entry's packed body has the wrong fields") from None
        _check(
            isinstance(body.hash, str) and isinstance(body.size, int) and isinstance(body.data, bytes) and body.codec in ("zstd", "zlib"),
            "a page entry's packed body is not data",
        )
        fields = {**fields, "body": body}
    else:
        _check(body is None or isinstance(body, bytes), "a page entry's body is not bytes")
    return PageEntry(kind, run, fields)


def _is_counts(counts: Any) -> bool:
    """A run's counts as ``crawl_counts`` makes them: numbers, the error kinds' numbers, URLs."""
    if not isinstance(counts, dict):
        return False
    kinds, urls = counts.get("error_kinds", {}), counts.get("robots_blocked_urls", [])
    numbers = [value for key, value in counts.items() if key not in ("error_kinds", "robots_blocked_urls")]
    return (
        all(isinstance(value, int) for value in numbers)
        and isinstance(kinds, dict)
        and all(isinstance(key, str) and isinstance(value, int) for key, value in kinds.items())
        and isinstance(urls, list)
        and all(isinstance(url, str) for url in urls)
    )


_SCALARS = (str, int, float, bool, type(None))


def _is_article(article: Any) -> bool:
    return isinstance(article, dict) and all(
        isinstance(key, str) and (isinstance(value, _SCALARS) or (isinstance(value, list) and all(isinstance(item, str) for item in value)))
        for key, value in article.items()
    )
