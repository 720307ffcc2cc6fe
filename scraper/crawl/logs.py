"""Logging for crawls: one line per fault, never a traceback storm."""

from __future__ import annotations

import logging

# Scrapy components that log an expected network fault with a full traceback.
_NOISY_LOGGERS = ("scrapy.core.scraper",)
# Scrapy components that log a fault which the spider's errback (or scraper.crawl.safety) then
# logs again, with its kind: "Gave up retrying", "larger than download max size", ...
_REPEATING_LOGGERS = (
    "scrapy.downloadermiddlewares.retry",
    "scrapy.downloadermiddlewares.robotstxt",
    "scrapy.downloadermiddlewares.httpcompression",
    "scrapy.core.downloader.handlers.http11",
)


class _OneLine(logging.Filter):
    """Keep the message of an expected fault, drop its traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and not _is_bug(record.exc_info[1]):
            record.exc_info = None
            record.exc_text = None
        return True


def _is_bug(exc: BaseException | None) -> bool:
    # Programming errors keep their traceback; network and parse faults do not need one.
    return isinstance(exc, (AttributeError, TypeError, NameError, KeyError, IndexError, AssertionError))


class _SaidElsewhere(logging.Filter):
    """Drop warnings and errors about a fault that is logged once more, by kind."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno < logging.WARNING or _is_bug(record.exc_info[1] if record.exc_info else None)


def quiet_expected_faults() -> None:
    """Log each fault once, in one line."""
    for names, kind in ((_NOISY_LOGGERS, _OneLine), (_REPEATING_LOGGERS, _SaidElsewhere)):
        for name in names:
            logger = logging.getLogger(name)
            if not any(isinstance(f, kind) for f in logger.filters):
                logger.addFilter(kind())
