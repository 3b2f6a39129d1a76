"""`policyframes serve`: the built site on a local address, for reading in a browser.

A convenience only: the site is plain files and opens from disk as well.
"""

from __future__ import annotations

from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HOST = "127.0.0.1"


def make_server(site: Path, port: int = 8000) -> ThreadingHTTPServer:
    """A server of the site's files on HOST (port 0: any free port)."""
    return ThreadingHTTPServer((HOST, port), partial(SimpleHTTPRequestHandler, directory=str(site)))
