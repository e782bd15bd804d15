"""An HTTP client for BKN's SIASN API gateway (standard library only, a timeout on every call).

Two tokens go with every call, as BKN documents: the gateway's own (OAuth2 client credentials
at ``LMS_SIASN_TOKEN_URL``, sent as ``Authorization: Bearer``) and the SIASN user's SSO token
(sent as ``Auth: bearer``), either given as ``LMS_SIASN_SSO_TOKEN`` or obtained by a password
grant of a service account at ``LMS_SIASN_SSO_TOKEN_URL``. Both are kept until shortly before
they expire (read on the app's clock) and fetched again after a 401.

What a call's failure means for the record matters more than its message, so errors come in
three classes: ``Refused`` (SIASN answered and did not record it: safe to send again once the
cause is fixed), ``Unreachable`` (the request certainly did not reach kursus/save: safe to send
again) and ``Uncertain`` (it may have been recorded: a timeout or a broken answer after the
request left, a 5xx from the gateway) which a push reconciles instead of sending twice."""

from __future__ import annotations

import base64
import http.client
import json
import secrets
import socket
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from lms.timeutil import utcnow

DOCUMENT_REF_KURSUS = "874"  # id_ref_dokumen of a course certificate in SIASN
_TOKEN_MARGIN = timedelta(seconds=30)
_MAX_ANSWER = 4 * 1024 * 1024
_REASON_CHARS = 500


class SiasnError(Exception):
    """A call to SIASN failed; ``reason`` is what to show the operator."""

    def __init__(self, reason: str, status: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


class Refused(SiasnError):
    """SIASN answered with a refusal (4xx, or ``success: false``): nothing was recorded."""


class Unreachable(SiasnError):
    """The request did not reach the endpoint (no connection, no token): nothing recorded."""


class Uncertain(SiasnError):
    """The request may have been recorded (timeout or broken answer after sending, 5xx)."""


class NotConfigured(ValueError):
    """A setting the client needs is missing; the message names it."""


@dataclass(frozen=True)
class SiasnSettings:
    """The gateway's address and credentials (``LMS_SIASN_*``)."""

    url: str
    token_url: str
    client_id: str
    client_secret: str
    sso_token: str | None = None
    sso_token_url: str | None = None
    sso_client_id: str | None = None
    sso_username: str | None = None
    sso_password: str | None = None
    timeout: float = 30

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> SiasnSettings:
        """The settings of the app; NotConfigured names the first missing one."""
        required = ("SIASN_URL", "SIASN_TOKEN_URL", "SIASN_CLIENT_ID", "SIASN_CLIENT_SECRET")
        for key in required:
            if not config.get(key):
                raise NotConfigured(f"LMS_{key} is not set")
        if not config.get("SIASN_SSO_TOKEN"):
            for key in ("SIASN_SSO_TOKEN_URL", "SIASN_SSO_CLIENT_ID", "SIASN_SSO_USERNAME",
                        "SIASN_SSO_PASSWORD"):
                if not config.get(key):
                    raise NotConfigured(f"LMS_{key} is not set (or give LMS_SIASN_SSO_TOKEN)")
        return cls(
            url=str(config["SIASN_URL"]).rstrip("/") + "/",
            token_url=str(config["SIASN_TOKEN_URL"]),
            client_id=str(config["SIASN_CLIENT_ID"]),
            client_secret=str(config["SIASN_CLIENT_SECRET"]),
            sso_token=config.get("SIASN_SSO_TOKEN") or None,
            sso_token_url=config.get("SIASN_SSO_TOKEN_URL") or None,
            sso_client_id=config.get("SIASN_SSO_CLIENT_ID") or None,
            sso_username=config.get("SIASN_SSO_USERNAME") or None,
            sso_password=config.get("SIASN_SSO_PASSWORD") or None,
            timeout=float(config.get("SIASN_TIMEOUT") or 30),
        )


@dataclass
class _Token:
    value: str
    expires_at: datetime | None  # naive UTC; None: does not expire (a given SSO token)

    def fresh(self) -> bool:
        return self.expires_at is None or utcnow() + _TOKEN_MARGIN < self.expires_at


def _reason(body: bytes, fallback: str) -> str:
    """SIASN's message from an answer body (``message``, ``error_description``, ``error``,
    ``data`` as text), else the start of the body, else ``fallback``."""
    try:
        data = json.loads(body)
    except ValueError:
        text = body.decode("utf-8", "replace").strip()
        return (text or fallback)[:_REASON_CHARS]
    if isinstance(data, dict):
        for key in ("message", "error_description", "error", "data"):
            value = data.get(key)
            if isinstance(value, str) and value.strip():
                return value.strip()[:_REASON_CHARS]
    return (json.dumps(data, ensure_ascii=False) or fallback)[:_REASON_CHARS]


class SiasnClient:
    """Calls to SIASN on behalf of the configured instance."""

    def __init__(self, settings: SiasnSettings) -> None:
        self.settings = settings
        self._gateway: _Token | None = None
        self._sso: _Token | None = (_Token(settings.sso_token, None)
                                    if settings.sso_token else None)

    # --- tokens ---------------------------------------------------------------------------

    def _token_request(self, url: str, form: dict[str, str],
                       basic: tuple[str, str] | None = None) -> _Token:
        headers = {"Accept": "application/json",
                   "Content-Type": "application/x-www-form-urlencoded"}
        if basic:
            pair = f"{basic[0]}:{basic[1]}".encode()
            headers["Authorization"] = "Basic " + base64.b64encode(pair).decode()
        request = urllib.request.Request(url, data=urllib.parse.urlencode(form).encode(),
                                         headers=headers, method="POST")
        try:
            status, body = self._open(request)
        except Uncertain as exc:  # a token request records nothing: retrying is safe
            raise Unreachable(f"token: {exc.reason}") from None
        if status != 200:
            raise Unreachable(f"token: {_reason(body, f'HTTP {status}')}", status)
        try:
            data = json.loads(body)
            value = str(data["access_token"])
        except (ValueError, KeyError, TypeError):
            raise Unreachable("token: the answer has no access_token") from None
        expires_in = data.get("expires_in")
        expires = (utcnow() + timedelta(seconds=int(expires_in))
                   if isinstance(expires_in, int | float) and expires_in > 0 else None)
        return _Token(value, expires)

    def gateway_token(self) -> str:
        """The gateway's access token (client credentials), fetched when missing or old."""
        if self._gateway is None or not self._gateway.fresh():
            self._gateway = self._token_request(
                self.settings.token_url, {"grant_type": "client_credentials"},
                basic=(self.settings.client_id, self.settings.client_secret))
        return self._gateway.value

    def sso_token(self) -> str:
        """The SIASN user's SSO token: the configured one, or a password grant's."""
        if self._sso is None or not self._sso.fresh():
            s = self.settings
            if not (s.sso_token_url and s.sso_client_id and s.sso_username and s.sso_password):
                raise Unreachable("the SSO token was refused and no SSO account is configured")
            self._sso = self._token_request(s.sso_token_url, {
                "grant_type": "password", "client_id": s.sso_client_id,
                "username": s.sso_username, "password": s.sso_password})
        return self._sso.value

    def _forget_tokens(self) -> None:
        self._gateway = None
        if self._sso is not None and self._sso.expires_at is not None:
            self._sso = None

    # --- transport ------------------------------------------------------------------------

    def _open(self, request: urllib.request.Request) -> tuple[int, bytes]:
        """Send one request: (status, body) of any HTTP answer; Unreachable when no
        connection was made, Uncertain when the request may have been received."""
        try:
            with urllib.request.urlopen(request, timeout=self.settings.timeout) as answer:  # noqa: S310
                return answer.status, answer.read(_MAX_ANSWER)
        except urllib.error.HTTPError as exc:
            try:
                return exc.code, exc.read(_MAX_ANSWER)
            finally:
                exc.close()
        except urllib.error.URLError as exc:
            reason = exc.reason
            if isinstance(reason, TimeoutError | socket.timeout):
                raise Uncertain(f"no answer within {self.settings.timeout:g} s") from None
            raise Unreachable(f"cannot connect: {reason}") from None
        except (TimeoutError, socket.timeout):
            raise Uncertain(f"no answer within {self.settings.timeout:g} s") from None
        except (http.client.HTTPException, ConnectionError, OSError) as exc:
            raise Uncertain(f"broken answer: {exc.__class__.__name__}: {exc}") from None

    def _call(self, method: str, path: str, *, body: bytes | None = None,
              content_type: str | None = None) -> dict[str, Any]:
        """An API call with both tokens; a 401 fetches fresh tokens once (the gateway
        refused before the service saw the request). Returns the JSON object answered."""
        for attempt in (1, 2):
            headers = {"Accept": "application/json",
                       "Authorization": f"Bearer {self.gateway_token()}",
                       "Auth": f"bearer {self.sso_token()}"}
            if content_type:
                headers["Content-Type"] = content_type
            request = urllib.request.Request(self.settings.url + path, data=body,
                                             headers=headers, method=method)
            status, answer = self._open(request)
            if status == 401 and attempt == 1:
                self._forget_tokens()
                continue
            if status >= 500:
                raise Uncertain(f"HTTP {status}: {_reason(answer, 'server error')}", status)
            if status >= 400:
                raise Refused(_reason(answer, f"HTTP {status}"), status)
            try:
                data = json.loads(answer)
            except ValueError:
                raise Uncertain(f"HTTP {status}: the answer is not JSON") from None
            if not isinstance(data, dict):
                raise Uncertain(f"HTTP {status}: unexpected answer")
            return data
        raise Refused("HTTP 401: the gateway refused fresh tokens", 401)  # pragma: no cover

    # --- SIASN operations -----------------------------------------------------------------

    def save_course(self, record: Mapping[str, Any]) -> str:
        """``POST kursus/save``: the new ``rwKursusId``. ``success: false`` is Refused; a
        success without an id is Uncertain (it may have been recorded)."""
        data = self._call("POST", "kursus/save", body=json.dumps(record).encode(),
                          content_type="application/json")
        if data.get("success") is False:
            raise Refused(_reason(json.dumps(data).encode(), "refused"))
        rw_id = (data.get("mapData") or {}).get("rwKursusId") if isinstance(
            data.get("mapData"), dict) else None
        if not rw_id:
            raise Uncertain("accepted without mapData.rwKursusId: "
                            + _reason(json.dumps(data).encode(), "no message"))
        return str(rw_id)

    def upload_document(self, rw_kursus_id: str, content: bytes, file_name: str) -> str:
        """``POST upload-dok-rw`` (multipart: file, id_riwayat, id_ref_dokumen 874): the
        document's ``dok_uri`` (or '' when SIASN names none)."""
        boundary = "kelasasn" + secrets.token_hex(12)
        parts = []
        for name, value in (("id_riwayat", rw_kursus_id),
                            ("id_ref_dokumen", DOCUMENT_REF_KURSUS)):
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"'
                         f"\r\n\r\n{value}\r\n".encode())
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                     f'filename="{file_name}"\r\nContent-Type: application/pdf\r\n\r\n'.encode()
                     + content + b"\r\n")
        parts.append(f"--{boundary}--\r\n".encode())
        data = self._call("POST", "upload-dok-rw", body=b"".join(parts),
                          content_type=f"multipart/form-data; boundary={boundary}")
        if data.get("success") is False:
            raise Refused(_reason(json.dumps(data).encode(), "refused"))
        document = data.get("data")
        return str(document.get("dok_uri") or "") if isinstance(document, dict) else ""

    def course_history(self, nip: str) -> list[dict[str, Any]]:
        """``GET pns/rw-kursus/{nip}``: the employee's course records in SIASN."""
        try:
            data = self._call("GET", f"pns/rw-kursus/{urllib.parse.quote(nip)}")
        except Refused as exc:
            # SIASN answers 404 {"code": 0, "data": "Data tidak ditemukan"} for no records.
            if exc.status == 404 and exc.reason == "Data tidak ditemukan":
                return []
            raise
        rows = data.get("data")
        if rows is None or rows == "Data tidak ditemukan":
            return []
        if not isinstance(rows, list):
            raise Uncertain("rw-kursus: unexpected answer")
        return [row for row in rows if isinstance(row, dict)]
