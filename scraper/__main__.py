"""`python -m scraper` is `newsarchive`."""

from scraper.cli import main

main()
