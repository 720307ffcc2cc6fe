"""One crawl on Scrapy, in one process: settings, middlewares, pipelines, the extraction pool.

``scraper.crawl.run`` runs it; the other modules are the Scrapy components it is built of.
"""
