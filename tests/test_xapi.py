"""xAPI statements: written on quiz results and completion, forwarded to an LRS."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

from sqlalchemy import select

from lms.xapi.models import XapiStatement
from tests.conftest import PASSING_ANSWERS


class _Lrs(BaseHTTPRequestHandler):
    received: list = []
    status = 200

    def do_POST(self):  # noqa: N802 (http.server's naming)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        headers = {k.lower(): v for k, v in self.headers.items()}
        _Lrs.received.append((self.path, headers, json.loads(body)))
        self.send_response(_Lrs.status)
        self.end_headers()

    def log_message(self, *args):
        pass


def _complete_course(client, make_user, login, make_course):
    import re

    slug = make_course()
    login(make_user())
    for key in ("pengantar", "lanjutan"):
        client.post(f"/kursus/{slug}/materi/{key}/selesai")
    page = client.get(f"/kursus/{slug}/kuis/kuis").get_data(as_text=True)
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    form = {"token": token, **{f"q-{k}": v for k, v in PASSING_ANSWERS.items()}}
    client.post(f"/kursus/{slug}/kuis/kuis", data=form)


def test_statements_are_recorded_and_forwarded(app, db, runner, client, make_user, login,
                                               make_course):
    _complete_course(client, make_user, login, make_course)
    verbs = sorted(s.verb for s in db.session.scalars(select(XapiStatement)))
    assert verbs == ["completed", "passed"]

    server = HTTPServer(("127.0.0.1", 0), _Lrs)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    app.config.update(XAPI_ENDPOINT=f"http://127.0.0.1:{server.server_port}/xapi",
                      XAPI_AUTH="lms:rahasia")
    _Lrs.status, _Lrs.received = 503, []
    failed = runner.invoke(args=["lms", "xapi-forward"])
    assert failed.exit_code == 1 and "503" in failed.output
    _Lrs.status = 200
    result = runner.invoke(args=["lms", "xapi-forward"])
    server.shutdown()
    server.server_close()
    assert result.exit_code == 0 and "2 statement(s) forwarded" in result.output
    path, headers, statements = _Lrs.received[-1]
    assert path == "/xapi/statements" and headers["x-experience-api-version"] == "1.0.3"
    assert headers["authorization"].startswith("Basic ")
    completed = next(s for s in statements if s["verb"]["display"]["en-US"] == "completed")
    assert completed["object"]["id"].endswith("/kursus/kursus-uji")
    assert completed["result"]["completion"] is True
    assert completed["actor"]["account"]["name"].isdigit()
    # Forwarded statements are not sent again.
    assert runner.invoke(args=["lms", "xapi-forward"]).output.startswith("0 statement")
