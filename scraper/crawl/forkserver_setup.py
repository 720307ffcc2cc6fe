"""Preloaded by the extraction pool's forkserver: it, and the workers it forks, ignore SIGINT and SIGTERM.

A Ctrl-C reaches every process of the terminal's process group, and systemd sends
SIGTERM to every process of the service. Stopping is the crawl's process's job: it
stops fetching, lets the pages in flight be extracted and written, then shuts the pool
down. A forkserver that died would break the pool (it reports its workers' exits), and a
worker interrupted mid-page would print a traceback and lose the page. They still exit
when the crawl's process dies (see ``scraper.crawl.pool``).
"""

import signal

# Set before the forkserver starts serving: it keeps these, and its workers inherit them.
signal.signal(signal.SIGINT, signal.SIG_IGN)
signal.signal(signal.SIGTERM, signal.SIG_IGN)
