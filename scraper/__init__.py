"""newsarchive: Scrapy settings, middlewares, pipelines, extraction, config, scheduler, CLI."""
