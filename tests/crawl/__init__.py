"""Tests of one crawl on Scrapy (scraper/crawl/, spiders/): real crawls of loopback servers."""
