"""Tests of the extraction library (scraper/extract/): golden pages, the parse, the body vote."""
