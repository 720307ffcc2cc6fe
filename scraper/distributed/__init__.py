"""Distributed mode: many machines crawl through a frontier in Redis, one writer keeps the archive.

It plugs into the single crawl (``scraper.crawl``) at one seam, the spiders' ``seen``
state and the crawler settings it applies (``components.apply_frontier``); the crawl
never imports it.
"""
