"""Scrapy project settings: polite defaults, safe for the open web.

``config.yaml``'s ``crawl:`` section and each source's overrides are applied on
top of these by ``scraper.crawl.configure.apply_config`` when a spider starts.
"""

from scrapy.settings import default_settings

from scraper.config import DEFAULT_USER_AGENT

BOT_NAME = "newsarchive"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

# Politeness: obey robots.txt, say who we are, go slowly per site and adapt to it.
ROBOTSTXT_OBEY = True
USER_AGENT = DEFAULT_USER_AGENT
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
DOWNLOAD_DELAY_JITTER = 0.5  # each delay is 0.5x to 1.5x DOWNLOAD_DELAY
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [429, 500, 502, 503, 504, 522, 524, 408]

# Bounds, so one hostile page cannot exhaust the machine.
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 20 * 1024 * 1024
DOWNLOAD_WARNSIZE = 5 * 1024 * 1024
REDIRECT_MAX_TIMES = 10

# The archive is the cache and the seen-set; Scrapy's own are not needed.
HTTPCACHE_ENABLED = False
COOKIES_ENABLED = False
# No way into the running crawl from outside: Scrapy's telnet console and its remote-control
# HTTP server (which runs the Python code it is sent; on by default in Scrapy 2.19, one per crawler).
# The latter is left out of the base list, not only switched off: Scrapy imports every listed
# extension, even one that is off, and this one imports aiohttp's web server (0.2 s at each start).
TELNETCONSOLE_ENABLED = False
EXTENSIONS_BASE = {
    name: order for name, order in default_settings.EXTENSIONS_BASE.items() if not name.endswith(".RemoteControl")
}

ITEM_PIPELINES = {
    "scraper.crawl.pipelines.ExtractionPipeline": 300,
    "scraper.crawl.pipelines.ArchivePipeline": 800,
}
SPIDER_MIDDLEWARES = {
    "scraper.crawl.safety.EntryLimitMiddleware": 50,
    # Each spider middleware wraps every page's callback output in one more async generator.
    # These three do nothing for us: discovery tracks its own depth (spiders/sections.py),
    # sites need not learn which page led us to them, and the meta-copy check is a lint.
    "scrapy.spidermiddlewares.referer.RefererMiddleware": None,
    "scrapy.spidermiddlewares.depth.DepthMiddleware": None,
    "scrapy.spidermiddlewares.metacopy.MetaCopyDetectionMiddleware": None,
}
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.httpauth.HttpAuthMiddleware": None,  # no source logs in
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "scraper.crawl.middlewares.SharedRobotsTxtMiddleware": 100,
    # Guards against the hostile web (scraper/safety.py); see docs/reliability.md.
    "scraper.crawl.safety.PublicAddressMiddleware": 40,  # before robots.txt is fetched for a host
    "scraper.crawl.safety.ResponseGuardMiddleware": 60,  # sees bodies after decompression
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "scraper.crawl.safety.MetaRefreshMiddleware": 580,
    "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": None,
    "scraper.crawl.safety.HttpCompressionMiddleware": 590,
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "scraper.crawl.safety.RedirectMiddleware": 600,
    # Nearer the downloader than RetryMiddleware (550): it sees a 429/503 first and pauses
    # the site; the retried request then waits in its process_request.
    "scraper.crawl.middlewares.RetryAfterMiddleware": 560,
    "scraper.crawl.middlewares.ConditionalListingMiddleware": 570,
    # Last before the downloader: counts a request as in flight until its response returns.
    "scraper.crawl.middlewares.SharedPolitenessMiddleware": 950,
}
# Names answering a private address are refused when the download connects, too (scraper/safety.py).
TWISTED_DNS_RESOLVER = "scraper.crawl.safety.GuardedResolver"
# Only the web: no local files, FTP, S3 or data: URLs, whatever a page links to.
DOWNLOAD_HANDLERS = {"file": None, "data": None, "ftp": None, "s3": None}

# Requests wait in memory up to a share per queue, then on disk (scraper/queues.py).
SCHEDULER_MEMORY_QUEUE = "scraper.crawl.queues.SpillingQueue"

# Responses waiting for extraction are bounded in bytes: back-pressure on fetching.
SCRAPER_SLOT_MAX_ACTIVE_SIZE = 8_000_000
# A callback's output is handled by this many tasks at once, created afresh for each
# response: Scrapy's default of 100 meant 100 asyncio tasks per page for one item.
# Our callbacks yield one item (and requests, which are only queued), so one is enough.
CONCURRENT_ITEMS = 1
# A development-time lint that parses every callback's source, per spider instance; a run has many.
WARN_ON_GENERATOR_RETURN_VALUE = False

LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"

# newsarchive's own settings.
NEWSARCHIVE_CONFIG = "config.yaml"  # used by `scrapy crawl` when -a config=... is not given
NEWSARCHIVE_EXTRACT_WORKERS = None  # None: one extraction process per core; 0: in-process
NEWSARCHIVE_EXTRACT_LEVEL = "best"  # best | fast
NEWSARCHIVE_EXTRACT_TIMEOUT = 30.0  # seconds one page's extraction may take (scraper/crawl/pool.py)
NEWSARCHIVE_EXTRACT_MEMORY = 1536 * 2**20  # bytes of address space an extraction worker may use
NEWSARCHIVE_MAX_SITEMAPS = 1000  # sitemaps (and indexes) read per source per crawl
NEWSARCHIVE_MAX_SITEMAP_DEPTH = 3  # sitemap indexes followed one below the other
NEWSARCHIVE_TOTAL_CONCURRENCY = 0  # requests in flight across all crawlers; 0: CONCURRENT_REQUESTS
# Bytes of responses waiting for extraction, all crawlers together, before downloads pause.
NEWSARCHIVE_MAX_BACKLOG_BYTES = 16 * 1024 * 1024
NEWSARCHIVE_QUEUE_DIR = None  # folder for requests past the share in memory; set per crawl
NEWSARCHIVE_QUEUE_IN_MEMORY = 256  # requests per queue (download slot and priority) kept in memory
NEWSARCHIVE_RETRY_AFTER_MAX = 300.0  # longest pause (s) a 429/503 or its Retry-After can impose
NEWSARCHIVE_RETRY_BACKOFF = 2.0  # pause (s) after a 429/503 without Retry-After, doubled per retry
