"""A :class:`~bench.corpus_web.LoopbackWeb`'s sites served by nginx instead of Python's http.server.

Python's server runs in the benchmark's own process and costs real CPU per
page (about 0.4 of a core at the fetch ceiling), which the crawls being measured
then lack. nginx serves the same files, from the same addresses and ports, for a
small share of that. ``bench/throughput.py`` uses it when ``nginx`` is installed
(``apt-get install nginx-light``) and says which server it used.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bench.corpus_web import LoopbackWeb

_TYPES = {"text/html": "html", "application/xml": "xml"}


def nginx_available() -> bool:
    return shutil.which("nginx") is not None


class NginxWeb:
    """Serve every page of ``web`` (static, status 200) from files under ``folder``."""

    def __init__(self, web: LoopbackWeb, folder: Path):
        self.web = web
        self.folder = folder
        self.process: subprocess.Popen | None = None

    @property
    def sites(self) -> list:
        return self.web.sites

    @property
    def url_of(self) -> dict[str, str]:
        return self.web.url_of

    def start(self) -> NginxWeb:
        servers = []
        for index, site in enumerate(self.web.sites):
            root = self.folder / f"site{index}"
            for path, response in site.pages.items():
                if response.status != 200 or response.content_type.split(";")[0] not in _TYPES:
                    raise ValueError(f"{site.base}{path}: only HTML and XML pages with status 200 can be served")
                file = root / unquote(path).lstrip("/")
                file.parent.mkdir(parents=True, exist_ok=True)
                file.write_bytes(response.body)
            # The Python server only held the port; nginx takes the same address and port over.
            site.server.server_close()
            servers.append(f"server {{ listen {urlsplit(site.base).netloc}; root {root}; }}")
        types = " ".join(f"{mime} {extension};" for mime, extension in _TYPES.items())
        config = self.folder / "nginx.conf"
        config.write_text(
            "user root; worker_processes 1; daemon off;\n"
            f"error_log {self.folder}/error.log; pid {self.folder}/nginx.pid;\n"
            "events { worker_connections 4096; }\n"
            f"http {{ access_log off; types {{ {types} }} charset utf-8; charset_types application/xml;\n"
            "keepalive_requests 1000000;\n" + "\n".join(servers) + "\n}\n",
            encoding="utf-8",
        )
        self.process = subprocess.Popen(["nginx", "-p", str(self.folder), "-c", str(config)], stderr=subprocess.PIPE)
        self._wait_until_listening()
        return self

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def _wait_until_listening(self, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        for site in self.web.sites:
            parts = urlsplit(site.base)
            while True:
                try:
                    socket.create_connection((parts.hostname, parts.port), timeout=1).close()
                    break
                except OSError:
                    if self.process.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(f"nginx did not start: {self.process.stderr.read().decode()[-500:]}") from None
                    time.sleep(0.05)
