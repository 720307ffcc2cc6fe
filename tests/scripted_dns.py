"""Scrapy settings for crawls whose names resolve by a script, never by real DNS.

A test runs `newsarchive crawl` with ``SCRAPY_SETTINGS_MODULE=tests.scripted_dns`` and
``NEWSARCHIVE_TEST_DNS`` set to JSON ``{"name": ["answer", ...]}``: each lookup of a
name takes its next answer (the last one repeats), ``"fail"`` fails the lookup, an IP
literal answers itself, and any other name fails. Only the network lookup is replaced: newsarchive's own
resolver (``GuardedResolver``, with Scrapy's cache) sits on top of it as in production.
``NEWSARCHIVE_TEST_DNS_CACHE=0`` turns Scrapy's DNS cache off, so every lookup asks again.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from typing import Any

from twisted.internet import defer
from twisted.internet.base import ThreadedResolver
from twisted.internet.error import DNSLookupError

from scraper.crawl.safety import GuardedResolver, ip_literal
from scraper.crawl.settings import *  # noqa: F403  (the project's settings, then ours)

TWISTED_DNS_RESOLVER = "tests.scripted_dns.ScriptedResolver"
DNSCACHE_ENABLED = os.environ.get("NEWSARCHIVE_TEST_DNS_CACHE", "1") == "1"


class ScriptedNetwork(ThreadedResolver):
    """The network's answers, from the script instead of the system's resolver."""

    script: dict[str, list[str]] = json.loads(os.environ.get("NEWSARCHIVE_TEST_DNS", "{}"))
    asked: defaultdict[str, int] = defaultdict(int)

    def getHostByName(self, name: str, timeout: Any = ()) -> defer.Deferred:
        if ip_literal(name):
            return defer.succeed(name)  # as the system's resolver does: an address is its own answer
        answers = self.script.get(name.lower())
        if not answers:
            return defer.fail(DNSLookupError(f"{name}: not in the test's DNS script"))
        answer = answers[min(self.asked[name.lower()], len(answers) - 1)]
        self.asked[name.lower()] += 1
        return defer.fail(DNSLookupError(f"{name}: SERVFAIL")) if answer == "fail" else defer.succeed(answer)


class ScriptedResolver(GuardedResolver, ScriptedNetwork):
    """newsarchive's resolver and Scrapy's cache, over the scripted network."""
