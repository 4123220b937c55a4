"""A local HTTP server for previewing a built site (Pagefind's search needs HTTP):
the standard library's, bound to 127.0.0.1 only, serving one folder and nothing else
in it that a site does not hold: no listings, no dot files, no link out of the folder,
no other Host than this machine's (a web page's DNS rebinding gets nothing), and every
connection timed out, a bounded number at a time."""

from __future__ import annotations

import functools
import http.server
import os
import socket
import socketserver
import threading
from pathlib import Path
from typing import Any

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


LOCAL_HOSTS = ("127.0.0.1", "localhost", "[::1]")
TIMEOUT = 30  # seconds a connection may stay idle
MAX_CONNECTIONS = 32  # served at once; more wait in the listen queue


class _Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = EXTENSIONS

    def parse_request(self) -> bool:
        if not super().parse_request():
            return False
        host = (self.headers.get("Host") or "").strip().lower()
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        if name not in LOCAL_HOSTS:
            self.send_error(421, "Misdirected Request", "this server answers to 127.0.0.1 only")
            return False
        return True

    def translate_path(self, path: str) -> str:
        """The file for ``path``; a name that is hidden, or that resolves out of the
        served folder (through a link), maps to nothing."""
        found = super().translate_path(path)
        root = Path(self.directory).resolve()
        target = Path(found).resolve()
        relative = Path(os.path.relpath(found, self.directory)).parts
        if not target.is_relative_to(root) or any(p.startswith(".") for p in relative):
            return str(root / ".not-served")
        return found

    def list_directory(self, path: str | os.PathLike[str]) -> Any:
        self.send_error(404, "Not Found")
        return None

    def log_message(self, format: str, *args: object) -> None:
        if self.server.verbose:  # type: ignore[attr-defined]
            super().log_message(format, *args)


class SiteServer(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.slots = threading.BoundedSemaphore(MAX_CONNECTIONS)

    def process_request(self, request: Any, client_address: Any) -> None:
        self.slots.acquire()  # a bounded number of threads, whatever the clients do
        try:
            super().process_request(request, client_address)
        except BaseException:
            self.slots.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.slots.release()

    def get_request(self) -> tuple[socket.socket, Any]:
        connection, address = super().get_request()
        connection.settimeout(TIMEOUT)  # read at call time: tests shorten it
        return connection, address


def make_server(folder: Path, port: int = 8000, verbose: bool = False) -> SiteServer:
    """A server of ``folder`` on 127.0.0.1:``port`` (0: any free port); not started."""
    handler = functools.partial(_Handler, directory=str(folder))
    server = SiteServer(("127.0.0.1", port), handler)
    server.verbose = verbose  # type: ignore[attr-defined]
    return server
