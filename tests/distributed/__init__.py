"""Tests of distributed mode (scraper/distributed/): a real redis-server, workers and a writer."""
