"""Faults of the hostile web, counted by kind in the run's record."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from OpenSSL.SSL import Error as OpenSSLError
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    ResponseDataLossError,
)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import (
    ConnectError,
    ConnectionLost,
    ConnectionRefusedError,
    DNSLookupError,
    TCPTimedOutError,
    TimeoutError,
)
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived


class Fault(Exception):
    """A request refused, or a response dropped, for a reason the run counts as ``kind``."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind


class BlockedAddress(DNSLookupError):
    """A name whose answer is an address the crawl may not reach (see ``scraper.crawl.safety``)."""


def count_fault(count: Callable[[str], Any], kind: str) -> None:
    """Count one failure of this kind with ``count`` (a stats collector's ``inc_value``),
    and so in ``crawls.error_kinds``."""
    count("newsarchive/errors")
    count(f"newsarchive/error_kinds/{kind}")


_FAILURE_KINDS: list[tuple[type[BaseException], str]] = [
    (CannotResolveHostError, "dns"),
    (DownloadTimeoutError, "timeout"),
    (DownloadCancelledError, "too_large"),  # over DOWNLOAD_MAXSIZE
    (DownloadConnectionRefusedError, "connection_refused"),
    (ResponseDataLossError, "data_loss"),
    (DownloadFailedError, "download_failed"),
    (DNSLookupError, "dns"),
    (TimeoutError, "timeout"),
    (TCPTimedOutError, "timeout"),
    (ConnectionRefusedError, "connection_refused"),
    (ConnectError, "connection"),
    (ResponseNeverReceived, "no_response"),
    (ConnectionLost, "connection_lost"),
    (ResponseFailed, "response_failed"),
]


def _tls_failed(failure: Failure) -> bool:
    """Whether the connection failed in the TLS handshake (a bad certificate, no common protocol).

    Scrapy wraps Twisted's ResponseNeverReceived in DownloadFailedError; Twisted keeps the
    OpenSSL error among the reasons it never received a response.
    """
    error: BaseException | None = failure.value
    while error is not None:
        if isinstance(error, OpenSSLError):
            return True
        reasons = getattr(error, "reasons", None) or []
        if any(isinstance(reason, Failure) and reason.check(OpenSSLError) for reason in reasons):
            return True
        error = error.__cause__
    return False


def failure_kind(failure: Failure) -> str:
    """A short name for why a request failed, used to count errors by kind: ``http_404``,
    ``dns``, ``connection_refused``, ``timeout``, ``tls``, ..."""
    if failure.check(HttpError):
        return f"http_{failure.value.response.status}"
    if failure.check(Fault):
        return failure.value.kind
    if failure.check(BlockedAddress) or isinstance(failure.value.__cause__, BlockedAddress):
        return "blocked_address"
    if _tls_failed(failure):
        return "tls"
    for exc_type, kind in _FAILURE_KINDS:
        if failure.check(exc_type):
            return kind
    return type(failure.value).__name__.lower()
