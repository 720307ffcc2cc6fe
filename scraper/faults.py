"""Faults of the hostile web, counted by kind in the run's record."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class Fault(Exception):
    """A request refused, or a response dropped, for a reason the run counts as ``kind``."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind


def count_fault(count: Callable[[str], Any], kind: str) -> None:
    """Count one failure of this kind with ``count`` (a stats collector's ``inc_value``),
    and so in ``crawls.error_kinds``."""
    count("newsarchive/errors")
    count(f"newsarchive/error_kinds/{kind}")
