"""newsarchive's program: the config, the command line, the scheduler, and its three parts
``extract`` (HTML to an article), ``crawl`` (one crawl on Scrapy) and ``distributed``."""
