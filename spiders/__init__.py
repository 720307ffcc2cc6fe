"""One spider per way of finding articles (and one for revisits); ``SPIDERS`` maps a mode to its spider."""

from spiders.feeds import FeedSpider
from spiders.revisits import RevisitSpider
from spiders.sections import SectionSpider
from spiders.sitemaps import SitemapSpider
from spiders.urls import UrlSpider

SPIDERS = {spider.mode: spider for spider in (FeedSpider, SitemapSpider, SectionSpider, UrlSpider, RevisitSpider)}

__all__ = ["SPIDERS", "FeedSpider", "RevisitSpider", "SectionSpider", "SitemapSpider", "UrlSpider"]
