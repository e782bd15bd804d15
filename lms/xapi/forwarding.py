"""Send the stored statements to a Learning Record Store, in batches, as they were recorded.

A batch the LRS accepts is marked forwarded. A batch it refuses because of a statement in it
(400, 409, 413, 422… — any 4xx but the ones in ``STOPS``) is split in halves until the refused
statements are alone: each is parked with the LRS's answer, the others go through. An answer
that says the LRS, its address or the credentials are the problem (``STOPS``, 5xx, no
connection, a redirect) stops the run: nothing more is sent, and the rest waits for the next
run."""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from lms.timeutil import utcnow
from lms.xapi.models import XapiStatement
from lms.xapi.services import pending

# Not a statement's fault: wrong credentials (401, 403), a wrong endpoint (404, 405), a proxy
# asking for credentials (407), the LRS busy or slow (408, 425, 429).
STOPS = frozenset({401, 403, 404, 405, 407, 408, 425, 429})
EXCERPT = 300  # characters of the LRS's answer kept with a parked statement


@dataclass(frozen=True)
class Answer:
    """The LRS's answer to one POST: its status (0 when none came) and an excerpt of it."""

    status: int
    text: str

    @property
    def accepted(self) -> bool:
        return 200 <= self.status < 300

    @property
    def refused(self) -> bool:
        """Refused because of what was sent: the refused statement is parked."""
        return 400 <= self.status < 500 and self.status not in STOPS

    def __str__(self) -> str:
        if not self.status:
            return f"LRS not reached: {self.text}"
        return f"LRS answered {self.status}" + (f": {self.text}" if self.text else "")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is answered as it is: urllib would follow a 301/302 of a POST with a GET,
    whose 200 (a page of statements) would pass for the batch accepted."""

    def redirect_request(self, *_args, **_kwargs) -> None:
        return None


class Lrs:
    """``POST {endpoint}/statements`` with HTTP Basic ``user:password`` (``auth``)."""

    def __init__(self, endpoint: str, auth: str | None, timeout: float = 10) -> None:
        self.url = endpoint.rstrip("/") + "/statements"
        self.auth = auth
        self.timeout = timeout
        self.opener = urllib.request.build_opener(_NoRedirect)

    def post(self, batch: list[dict]) -> Answer:
        """Send ``batch`` as one JSON array; the answer, whatever it is."""
        request = urllib.request.Request(
            self.url, method="POST", data=json.dumps(batch).encode(),
            headers={"Content-Type": "application/json", "X-Experience-API-Version": "1.0.3"})
        if self.auth:
            request.add_header("Authorization",
                               "Basic " + base64.b64encode(self.auth.encode()).decode())
        try:
            with self.opener.open(request, timeout=self.timeout) as response:  # noqa: S310
                return Answer(response.status, "")
        except urllib.error.HTTPError as exc:
            try:
                body = exc.read(4 * EXCERPT).decode("utf-8", "replace")
            finally:
                exc.close()  # it holds the connection open
            if 300 <= exc.code < 400:  # the endpoint moved: say where to
                body = f"redirects to {exc.headers.get('Location', '?')}; check the endpoint"
            return Answer(exc.code, " ".join(body.split())[:EXCERPT])
        except OSError as exc:
            return Answer(0, str(getattr(exc, "reason", exc)))


@dataclass
class ForwardReport:
    """What one run did: statements sent, those parked (refused by the LRS) and, when it
    stopped early, why (the rest stays pending for the next run)."""

    sent: int = 0
    parked: list[XapiStatement] = field(default_factory=list)
    stopped: str | None = None


class Stopped(Exception):
    """The LRS cannot take statements now (or ever, with these settings)."""


def forward_batch(session: Session, lrs: Lrs, report: ForwardReport,
                  batch_size: int = 500) -> bool:
    """Send the oldest pending statements (one batch), parking what the LRS refuses; adds to
    ``report``. False when nothing was pending or the run must stop (``report.stopped``).
    Flushes; the caller commits after each batch, also after a stop (what was sent stays
    marked), so that a long first run keeps what it did if it is interrupted."""
    batch = pending(session, batch_size)
    if not batch:
        return False
    try:
        _send(lrs, batch, report)
    except Stopped as exc:
        report.stopped = str(exc)
    session.flush()
    return report.stopped is None


def _send(lrs: Lrs, batch: list[XapiStatement], report: ForwardReport) -> None:
    answer = lrs.post([row.statement for row in batch])
    if answer.accepted:
        now = utcnow()
        for row in batch:
            row.forwarded_at = now
        report.sent += len(batch)
    elif not answer.refused:
        raise Stopped(str(answer))
    elif len(batch) == 1:
        batch[0].parked_at, batch[0].parked_reason = utcnow(), str(answer)[:500]
        report.parked.append(batch[0])
    else:  # find the refused ones: halves, until they are alone
        middle = len(batch) // 2
        _send(lrs, batch[:middle], report)
        _send(lrs, batch[middle:], report)
