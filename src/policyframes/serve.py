"""`policyframes serve`: the built site on a local address, for reading in a browser.

A convenience only: the site is plain files and opens from disk as well.
"""

from __future__ import annotations

import signal
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HOST = "127.0.0.1"


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # stopping never waits for a browser's open connection
    block_on_close = False


def make_server(site: Path, port: int = 8000) -> ThreadingHTTPServer:
    """A server of the site's files on HOST (port 0: any free port)."""
    return _Server((HOST, port), partial(SimpleHTTPRequestHandler, directory=str(site)))


def stop_on_terminate() -> None:
    """Make SIGTERM stop the server as Ctrl-C does."""
    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)
