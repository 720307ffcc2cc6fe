"""Downloader middlewares of newsarchive."""

from __future__ import annotations

from scrapy import Request
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.robotstxt import RobotParser
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred


class SharedRobotsTxtMiddleware(RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware, with every waiting request getting the parser.

    In Scrapy 2.19 only the first of several requests that wait for a site's
    robots.txt receives the parser; the others receive None and are let through,
    so a disallowed URL requested at the same moment as others is fetched anyway.
    """

    async def robot_parser(self, request: Request) -> RobotParser | None:
        parser = await super().robot_parser(request)
        cached = self._parsers.get(urlparse_cached(request).netloc)
        return parser if cached is None or isinstance(cached, Deferred) else cached
