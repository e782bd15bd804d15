"""A fake outside service (BSrE, SIASN…) served on a free local port by its own threads: the
subclass names its request handler, which reaches the fake's state as ``self.state``."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeService:
    handler: type[BaseHTTPRequestHandler]
    _server: ThreadingHTTPServer | None = None

    def start(self) -> str:
        """Serve on a free local port; returns the base URL."""
        handler = type("Handler", (self.handler,), {"state": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
