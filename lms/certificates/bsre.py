"""An HTTP client for BSrE's e-sign API (the agency's "esign client service"), standard library
only, a timeout on every call. BSrE cannot be reached from here: the shapes below are those of
BSrE's published technical guide (Petunjuk Teknis API Esign Client Service, API v1) as
integrators use them, and the tests run against a local server that follows them
(tests/certificates/bsre_server.py):

- every call: HTTP Basic with the instance's user and password (``LMS_BSRE_USER``,
  ``LMS_BSRE_PASSWORD``) against the instance's base URL (``LMS_BSRE_URL``);
- ``POST /api/sign/pdf``, multipart: ``file`` (the PDF), ``nik``, ``passphrase``,
  ``tampilan`` (``invisible`` or ``visible``; a visible one also ``image`` = ``false``,
  ``linkQR``, ``page``, ``xAxis``, ``yAxis``, ``width``, ``height`` in PDF points from the
  bottom left of the page). Success: ``200`` with the signed PDF as the body (and its id in an
  ``id_dokumen`` header). Failure: a JSON ``{"error": "...", "status_code": N}`` (``2011``:
  the NIK is not registered, ``2031``: wrong passphrase), with a 4xx or 5xx status;
- ``POST /api/sign/verify``, multipart ``signed_file``: JSON ``{"nama_dokumen",
  "jumlah_signature", "notes", "summary", "details": [{"info_signer": {"signer_name",...},
  "signature_document": {"signed_in",...}}]}``.

The official's passphrase goes into the request body and nowhere else: it is never logged,
never put in an error message (even one BSrE would echo it in), never stored."""

from __future__ import annotations

import base64
import http.client
import json
import secrets
import socket
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

_MAX_ANSWER = 32 * 1024 * 1024
_REASON_CHARS = 300
WRONG_PASSPHRASE, NOT_REGISTERED = 2031, 2011  # BSrE's status_code values

# What the verify endpoint gets from ``lms bsre check``: an empty one-page PDF.
BLANK_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
             b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
             b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
             b"trailer<</Root 1 0 R>>\n%%EOF\n")


class BsreError(Exception):
    """A call to BSrE failed; ``detail`` is BSrE's own message (or what went wrong).
    ``stops_batch``: the next certificates would fail the same way (or lock the official's
    account by repeating a wrong passphrase), so a batch stops there."""

    stops_batch = False

    def __init__(self, detail: str, status: int | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.status = status


class WrongPassphrase(BsreError):
    """BSrE refused the passphrase (status_code 2031)."""

    stops_batch = True


class SignerNotRegistered(BsreError):
    """The NIK has no active certificate at BSrE (status_code 2011)."""

    stops_batch = True


class CredentialsRefused(BsreError):
    """The instance's HTTP Basic user or password was refused (401/403)."""

    stops_batch = True


class Unavailable(BsreError):
    """No connection, no answer in time, or a gateway error: BSrE is down or unreachable."""

    stops_batch = True


class DocumentRefused(BsreError):
    """BSrE answered but did not sign this document (any other refusal or a broken answer)."""


class NotConfigured(ValueError):
    """A setting the client needs is missing; the message names it."""


@dataclass(frozen=True)
class Appearance:
    """How the signature shows on the page: invisible, or BSrE's QR stamp in a box (PDF
    points from the bottom left of ``page``) that links to ``link_qr``."""

    visible: bool = False
    link_qr: str | None = None
    page: int = 1
    x: int = 0
    y: int = 0
    width: int = 0
    height: int = 0

    def fields(self) -> list[tuple[str, str]]:
        """The multipart fields that describe it."""
        if not self.visible:
            return [("tampilan", "invisible")]
        fields = [("tampilan", "visible"), ("image", "false")]
        if self.link_qr:
            fields.append(("linkQR", self.link_qr))
        fields += [("page", str(self.page)), ("xAxis", str(self.x)), ("yAxis", str(self.y)),
                   ("width", str(self.width)), ("height", str(self.height))]
        return fields


@dataclass(frozen=True)
class BsreSettings:
    """The e-sign client service's address and the instance's credentials (``LMS_BSRE_*``)."""

    url: str
    user: str
    password: str
    timeout: float = 60
    visible: bool = False

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> BsreSettings:
        """The settings of the app; NotConfigured names the first missing one."""
        for key in ("BSRE_URL", "BSRE_USER", "BSRE_PASSWORD"):
            if not config.get(key):
                raise NotConfigured(f"LMS_{key} is not set")
        appearance = str(config.get("BSRE_APPEARANCE") or "invisible").strip().lower()
        if appearance not in ("invisible", "visible"):
            raise NotConfigured("LMS_BSRE_APPEARANCE must be invisible or visible")
        return cls(url=str(config["BSRE_URL"]).rstrip("/"), user=str(config["BSRE_USER"]),
                   password=str(config["BSRE_PASSWORD"]),
                   timeout=float(config.get("BSRE_TIMEOUT") or 60),
                   visible=appearance == "visible")


def configured(config: Mapping[str, Any]) -> bool:
    """True when BSrE signing is set up (the queue is offered only then)."""
    try:
        BsreSettings.from_config(config)
    except NotConfigured:
        return False
    return True


@dataclass(frozen=True)
class SignedDocument:
    """What ``/api/sign/pdf`` answered: the signed PDF and BSrE's id of it."""

    content: bytes
    document_id: str | None = None


@dataclass(frozen=True)
class VerifyResult:
    """What ``/api/sign/verify`` answered about a PDF."""

    signatures: int
    signers: list[str] = field(default_factory=list)
    summary: str = ""
    notes: str = ""


def _multipart(fields: list[tuple[str, str]], files: list[tuple[str, str, bytes]]
               ) -> tuple[bytes, str]:
    boundary = "kelasasn" + secrets.token_hex(12)
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
             .encode() + value.encode() + b"\r\n" for name, value in fields]
    parts += [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
              f'filename="{file_name}"\r\nContent-Type: application/pdf\r\n\r\n'.encode()
              + content + b"\r\n" for name, file_name, content in files]
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def _answer(body: bytes) -> tuple[str, int | None]:
    """BSrE's message and status_code from an error body (JSON ``error``/``message``, or
    the start of the text)."""
    try:
        data = json.loads(body)
    except ValueError:
        return body.decode("utf-8", "replace").strip()[:_REASON_CHARS], None
    if not isinstance(data, dict):
        return str(data)[:_REASON_CHARS], None
    code = data.get("status_code")
    code = int(code) if isinstance(code, int | str) and str(code).isdigit() else None
    for key in ("error", "message", "deskripsi_status", "pesan"):
        value = data.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()[:_REASON_CHARS], code
    return json.dumps(data, ensure_ascii=False)[:_REASON_CHARS], code


class BsreClient:
    """Calls to the instance's BSrE e-sign client service."""

    def __init__(self, settings: BsreSettings) -> None:
        self.settings = settings

    def _post(self, path: str, fields: list[tuple[str, str]],
              files: list[tuple[str, str, bytes]]) -> tuple[int, str, bytes, Any]:
        """(status, content type, body, headers) of any HTTP answer; Unavailable when there
        is none."""
        body, content_type = _multipart(fields, files)
        pair = f"{self.settings.user}:{self.settings.password}".encode()
        request = urllib.request.Request(
            self.settings.url + path, data=body, method="POST",
            headers={"Content-Type": content_type, "Accept": "application/pdf, application/json",
                     "Authorization": "Basic " + base64.b64encode(pair).decode()})
        timeout = self.settings.timeout
        try:
            with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310
                return (answer.status, answer.headers.get_content_type(),
                        answer.read(_MAX_ANSWER), answer.headers)
        except urllib.error.HTTPError as exc:
            try:
                return exc.code, exc.headers.get_content_type(), exc.read(_MAX_ANSWER), \
                    exc.headers
            finally:
                exc.close()
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError | socket.timeout):
                raise Unavailable(f"no answer within {timeout:g} s") from None
            raise Unavailable(f"cannot connect: {exc.reason}") from None
        except (TimeoutError, socket.timeout):
            raise Unavailable(f"no answer within {timeout:g} s") from None
        except (http.client.HTTPException, ConnectionError, OSError) as exc:
            raise Unavailable(f"broken answer: {exc.__class__.__name__}") from None

    @staticmethod
    def _refusal(status: int, body: bytes, secret: str | None = None) -> BsreError:
        """The error an answer other than success means."""
        detail, code = _answer(body)
        if secret:
            detail = detail.replace(secret, "***")
        detail = detail or f"HTTP {status}"
        lowered = detail.lower()
        if code == WRONG_PASSPHRASE or "passphrase" in lowered:
            return WrongPassphrase(detail, status)
        if code == NOT_REGISTERED or "tidak terdaftar" in lowered or "not registered" in lowered:
            return SignerNotRegistered(detail, status)
        if status in (401, 403):
            return CredentialsRefused(detail, status)
        if status in (502, 503, 504):
            return Unavailable(f"HTTP {status}: {detail}", status)
        return DocumentRefused(detail, status)

    def sign_pdf(self, content: bytes, file_name: str, nik: str, passphrase: str,
                 appearance: Appearance) -> SignedDocument:
        """``POST /api/sign/pdf``: the PDF signed by the holder of ``nik``."""
        fields = [("nik", nik), ("passphrase", passphrase), *appearance.fields()]
        status, content_type, body, headers = self._post(
            "/api/sign/pdf", fields, [("file", file_name, content)])
        if status != 200:
            raise self._refusal(status, body, passphrase)
        if not body.startswith(b"%PDF-"):
            # Some deployments answer 200 with the JSON error.
            if content_type == "application/json":
                raise self._refusal(status, body, passphrase)
            raise DocumentRefused("the answer is not a PDF", status)
        return SignedDocument(body, headers.get("id_dokumen") or None)

    def verify_pdf(self, content: bytes, file_name: str = "dokumen.pdf") -> VerifyResult:
        """``POST /api/sign/verify``: the electronic signatures BSrE finds in a PDF."""
        status, _type, body, _headers = self._post(
            "/api/sign/verify", [], [("signed_file", file_name, content)])
        if status != 200:
            raise self._refusal(status, body)
        try:
            data = json.loads(body)
        except ValueError:
            raise DocumentRefused("the answer is not JSON", status) from None
        if not isinstance(data, dict):
            raise DocumentRefused("unexpected answer", status)
        if "jumlah_signature" not in data and data.get("error"):
            raise self._refusal(400, body)
        details = data.get("details") if isinstance(data.get("details"), list) else []
        signers = [str(d["info_signer"].get("signer_name") or "") for d in details
                   if isinstance(d, dict) and isinstance(d.get("info_signer"), dict)]
        count = data.get("jumlah_signature")
        return VerifyResult(signatures=int(count) if isinstance(count, int) else len(signers),
                            signers=signers, summary=str(data.get("summary") or ""),
                            notes=str(data.get("notes") or ""))
