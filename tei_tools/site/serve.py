"""A local HTTP server for previewing a built site (Pagefind's search needs HTTP):
the standard library's, bound to 127.0.0.1 only, serving one folder."""

from __future__ import annotations

import functools
import http.server
import socketserver
from pathlib import Path

# What the site holds, with the types browsers need (Pagefind's WebAssembly above all).
EXTENSIONS = {
    **http.server.SimpleHTTPRequestHandler.extensions_map,
    ".wasm": "application/wasm",
    ".js": "text/javascript",
    ".json": "application/json",
    ".xml": "application/xml",
    ".pf_meta": "application/octet-stream",
    ".pf_fragment": "application/octet-stream",
    ".pf_index": "application/octet-stream",
    ".pf_filter": "application/octet-stream",
}


class _Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = EXTENSIONS

    def log_message(self, format: str, *args: object) -> None:
        if self.server.verbose:  # type: ignore[attr-defined]
            super().log_message(format, *args)


class SiteServer(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def make_server(folder: Path, port: int = 8000, verbose: bool = False) -> SiteServer:
    """A server of ``folder`` on 127.0.0.1:``port`` (0: any free port); not started."""
    handler = functools.partial(_Handler, directory=str(folder))
    server = SiteServer(("127.0.0.1", port), handler)
    server.verbose = verbose  # type: ignore[attr-defined]
    return server
