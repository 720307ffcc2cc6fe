"""One spider per way of finding articles; ``SPIDERS`` maps a source key to its spider."""

from spiders.feeds import FeedSpider
from spiders.sections import SectionSpider
from spiders.sitemaps import SitemapSpider
from spiders.urls import UrlSpider

SPIDERS = {spider.mode: spider for spider in (FeedSpider, SitemapSpider, SectionSpider, UrlSpider)}

__all__ = ["SPIDERS", "FeedSpider", "SectionSpider", "SitemapSpider", "UrlSpider"]
