"""Logging for crawls: one line per fault, never a traceback storm."""

from __future__ import annotations

import logging

# Scrapy components that log an expected network fault with a full traceback.
_NOISY_LOGGERS = ("scrapy.downloadermiddlewares.robotstxt", "scrapy.core.scraper")


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


def quiet_expected_faults() -> None:
    for name in _NOISY_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, _OneLine) for f in logger.filters):
            logger.addFilter(_OneLine())
