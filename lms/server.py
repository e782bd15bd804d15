"""``lms serve``: gunicorn with gevent workers, so that a slow client costs a greenlet, not a worker.

A sync worker reads a request, runs the app and writes the answer before it takes the next
connection: five phones that trickle their headers hold five workers and the site answers
nobody. Here each connection is a greenlet; a worker waits on thousands of sockets at once and
runs the app only for requests that have arrived whole. docs/OPERATOR.md explains the choice
and the settings.
"""

from __future__ import annotations

import gc
import io
import os
import sys
from importlib.util import find_spec

from gunicorn.app.base import BaseApplication

# Open connections per worker; each slow client holds one (and a file descriptor).
WORKER_CONNECTIONS = 1000
# Seconds a kept-alive connection may stay idle, and also the time a client has to send a
# request's headers (gunicorn's async workers read them under this timeout).
KEEPALIVE = 5
# A request body must make progress: a read of up to 64 KiB waits at most this long.
BODY_IDLE_SECONDS = 30
BODY_CHUNK = 64 * 1024


def default_workers() -> int:
    """Worker processes when neither ``--workers`` nor ``LMS_WORKERS`` says: one per core (at
    least 2, so that one long request never holds the whole site; at most 9, for the database's
    connections). A worker runs one request at a time and the app is CPU-bound (its database
    answers in well under a millisecond), so more workers than cores only take turns on them:
    on 2 cores, 5 workers served the lesson page at two thirds of the rate of 2
    (PERFORMANCE.md)."""
    return min(max(os.cpu_count() or 1, 2), 9)


def run(host: str, port: int, workers: int) -> None:
    """Serve on host:port until interrupted.

    This process is replaced by a fresh interpreter that runs gunicorn: its workers must
    monkey-patch the standard library before the app is imported, and the command that
    checked the database has imported it already. ``-P``: the installed ``lms``, never a
    folder of that name in the directory the command was started from."""
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(sys.executable,
             [sys.executable, "-P", "-m", "lms.server", f"{host}:{port}", str(workers)])


class BufferedExchange:
    """WSGI middleware for the gevent workers: a request is read whole, then the app runs it —
    one request at a time per worker — and makes the whole answer before it is sent.

    Greenlets wait on sockets; only the app's turn is taken one at a time. So a request never
    waits on a client while it holds a database transaction, and two requests of one process
    never hold transactions at once: on SQLite the second would block the whole process (SQLite
    waits in C) on a lock the first could then never release; on PostgreSQL a row lock would be
    held while the other greenlets of the worker render pages. Throughput comes from the worker
    processes, as with sync workers; files from disk are streamed, outside the turn.
    """

    def __init__(self, app, max_body: int):
        self.app = app
        self.max_body = max_body
        self.turn = None  # made in the worker, after gevent has patched the standard library

    def __call__(self, environ, start_response):
        import gevent
        from gevent.lock import Semaphore

        try:
            self._buffer_body(environ)
        except gevent.Timeout:
            # The client stalled while sending; it is unlikely to read this, so plain text.
            start_response("408 Request Timeout", [("Content-Type", "text/plain"),
                                                   ("Connection", "close")])
            return [b"Request body timed out\n"]
        if self.turn is None:
            self.turn = Semaphore(1)
        with self.turn:
            result = self.app(environ, start_response)
            wrapper = environ.get("wsgi.file_wrapper")
            if isinstance(wrapper, type) and isinstance(result, wrapper):
                return result  # a file on disk: sent outside the turn, no transaction open
            try:
                return [b"".join(result)]
            finally:
                if hasattr(result, "close"):
                    result.close()

    def _buffer_body(self, environ) -> None:
        length = environ.get("CONTENT_LENGTH", "")
        if length.isdigit():
            remaining = int(length)
            if remaining > self.max_body:
                return  # the app answers 413 without reading it
        elif environ.get("wsgi.input_terminated"):  # chunked: one byte over the limit is enough
            remaining = self.max_body + 1
        else:
            return
        import gevent

        stream, chunks = environ["wsgi.input"], []
        while remaining > 0:
            with gevent.Timeout(BODY_IDLE_SECONDS):
                chunk = stream.read(min(remaining, BODY_CHUNK))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
        # CONTENT_LENGTH stays as sent: a body cut short still reads as a disconnected client.
        environ["wsgi.input"] = io.BytesIO(b"".join(chunks))


def gunicorn_options(bind: str, workers: int) -> dict:
    """The gunicorn settings of ``lms serve`` (bench/bench_http.py serves its bare route with
    the same)."""
    return {
        "bind": bind, "workers": workers, "worker_class": "gevent",
        "worker_connections": WORKER_CONNECTIONS, "keepalive": KEEPALIVE,
        "timeout": 60, "graceful_timeout": 10, "accesslog": "-",
        # gunicorn's control socket is one path per user: two servers on a host would clash.
        "control_socket_disable": True,
    }


class Server(BaseApplication):
    """gunicorn serving the Flask app that ``make_app`` builds in each worker, buffered."""

    def __init__(self, options: dict, make_app):
        self.options = options
        self.make_app = make_app
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if key in self.cfg.settings:  # control_socket_disable: gunicorn 25 and later
                self.cfg.set(key, value)

    def load(self):
        app = self.make_app()
        # What the app built at start-up lives as long as the worker: the garbage collector's
        # full passes stop scanning it (about 170,000 objects, 100 ms a pass, every few
        # thousand requests; PERFORMANCE.md).
        gc.freeze()
        # Without a configured limit, bodies up to 20 MB are buffered and larger ones streamed.
        return BufferedExchange(app, app.config["MAX_CONTENT_LENGTH"] or 20 * 1024 * 1024)


def _lms_app():
    from lms import create_app

    return create_app()


def wait_for_postgresql_in_c() -> None:
    """Have psycopg wait for PostgreSQL's answers in C, blocking its worker, as without gevent.

    Seeing gevent's patched ``select``, psycopg would wait cooperatively: each wait goes
    through gevent's poll emulation and its hub (about 4 % of a lesson view's CPU and 15 % of
    a quiz submission's, which waits five times). That buys nothing here: a worker runs one
    request at a time (``BufferedExchange``), so while its request waits for the database no
    other request of the worker could run; only its other connections' reading and sending
    wait that long, as they do while the app computes. Set in the environment, read when
    psycopg is imported; an operator's own ``PSYCOPG_WAIT_FUNC`` wins. Only psycopg's compiled
    module has the C wait."""
    if find_spec("psycopg_binary") or find_spec("psycopg_c"):
        os.environ.setdefault("PSYCOPG_WAIT_FUNC", "wait_c")


def main(bind: str, workers: int) -> None:
    """Run gunicorn in this (fresh) process."""
    wait_for_postgresql_in_c()
    Server(gunicorn_options(bind, workers), _lms_app).run()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
