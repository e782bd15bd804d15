"""A local stand-in for an agency's BSrE e-sign client service, following the request and
response shapes of BSrE's technical guide (API v1) as integrators use them; BSrE itself
cannot be reached from here:

- every call needs HTTP Basic with the instance's user and password (401 otherwise);
- ``POST /api/sign/pdf``, multipart: ``file`` (a PDF), ``nik`` (16 digits), ``passphrase``,
  ``tampilan`` (``visible``/``invisible``); ``visible`` also needs ``page``, ``xAxis``,
  ``yAxis``, ``width``, ``height`` and either ``linkQR`` or ``image=true`` with an
  ``imageTTD`` file. Success: 200, the signed PDF (``application/pdf``) with an
  ``id_dokumen`` header. Failure: 400 ``{"error", "status_code"}``: 2011 the NIK is not
  registered, 2031 the passphrase is wrong; a missing field is a 400 naming it;
- ``POST /api/sign/verify``, multipart ``signed_file``: 200 ``{"nama_dokumen",
  "jumlah_signature", "notes", "details": [{"info_signer", "signature_document", ...}],
  "summary"}``.

"Signing" appends an incremental-update comment naming the signer to the PDF: enough for the
verify endpoint (and the tests) to recognise a document this server signed.
"""

from __future__ import annotations

import base64
import json
import re
import threading
import time
import uuid
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler

from tests.fake_service import FakeService

USER, PASSWORD = "kelas-asn", "rahasia-esign"
NIK, PASSPHRASE, SIGNER = "3604011203750001", "Sandi#TTE-2026!", "Dr. Ahmad Fauzi, M.Si."
MARK = re.compile(rb"%BSrE-TTE signer=(.+?) at=(\S+)\n")


class FakeBsre(FakeService):
    """The fake's state: registered signers, what it received, how it should misbehave."""

    def __init__(self) -> None:
        self.signers: dict[str, tuple[str, str]] = {NIK: (PASSPHRASE, SIGNER)}
        self.signed: list[dict] = []  # each successful sign call: nik, fields, file name
        self.calls: list[tuple[str, dict]] = []  # (path, fields without the passphrase)
        self.refuse_files: set[str] = set()  # file names answered 500 (a document failure)
        self.hang_seconds = 0.0  # answer sign calls only after this wait
        self.lock = threading.Lock()

    @staticmethod
    def settings(base: str) -> dict[str, object]:
        """The app settings that point Kelas ASN at this fake."""
        return {"BSRE_URL": base, "BSRE_USER": USER, "BSRE_PASSWORD": PASSWORD,
                "BSRE_TIMEOUT": 5}


def signer_of(pdf: bytes) -> str | None:
    """The signer this fake wrote into a PDF it signed (None: not signed here)."""
    found = MARK.search(pdf)
    return found.group(1).decode() if found else None


class _Handler(BaseHTTPRequestHandler):
    state: FakeBsre
    protocol_version = "HTTP/1.1"

    def log_message(self, *_args) -> None:  # quiet
        pass

    def _json(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _authorised(self) -> bool:
        expected = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        return self.headers.get("Authorization") == f"Basic {expected}"

    def _form(self) -> tuple[dict[str, str], dict[str, tuple[str, bytes]]]:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        content_type = self.headers.get("Content-Type", "")
        if not content_type.startswith("multipart/form-data"):
            return {}, {}
        head = f"Content-Type: {content_type}\r\n\r\n".encode()
        message = BytesParser(policy=HTTP).parsebytes(head + body)
        fields, files = {}, {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True)
            file_name = part.get_filename()
            if file_name is not None:
                files[name] = (file_name, payload)
            else:
                fields[name] = payload.decode()
        return fields, files

    def do_POST(self) -> None:  # noqa: N802
        if not self._authorised():
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            return self._json(401, {"error": "Unauthorized", "status_code": 401})
        fields, files = self._form()
        with self.state.lock:
            self.state.calls.append((self.path, {k: v for k, v in fields.items()
                                                 if k != "passphrase"}))
        if self.path == "/api/sign/pdf":
            return self._sign(fields, files)
        if self.path == "/api/sign/verify":
            return self._verify(files)
        return self._json(404, {"error": "Not Found"})

    def _sign(self, fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> None:
        missing = [k for k in ("nik", "passphrase", "tampilan") if not fields.get(k)]
        if "file" not in files:
            missing.insert(0, "file")
        if fields.get("tampilan") == "visible":
            missing += [k for k in ("page", "xAxis", "yAxis", "width", "height")
                        if not fields.get(k, "").isdigit()]
            if not fields.get("linkQR") and not (fields.get("image") == "true"
                                                 and "imageTTD" in files):
                missing.append("linkQR or imageTTD")
        elif fields.get("tampilan") not in (None, "invisible"):
            return self._json(400, {"error": "tampilan harus visible atau invisible",
                                    "status_code": 2002})
        if missing:
            return self._json(400, {"error": f"Parameter tidak lengkap: {', '.join(missing)}",
                                    "status_code": 2001})
        file_name, pdf = files["file"]
        if not pdf.startswith(b"%PDF-"):
            return self._json(400, {"error": "Dokumen bukan PDF", "status_code": 2002})
        if not re.fullmatch(r"\d{16}", fields["nik"]) or fields["nik"] not in self.state.signers:
            return self._json(400, {"error": "User tidak terdaftar", "status_code": 2011})
        passphrase, name = self.state.signers[fields["nik"]]
        if fields["passphrase"] != passphrase:
            return self._json(400, {"error": "Passphrase anda salah", "status_code": 2031})
        if self.state.hang_seconds:
            time.sleep(self.state.hang_seconds)
        if file_name in self.state.refuse_files:
            return self._json(500, {"error": "Gagal melakukan proses tanda tangan dokumen",
                                    "status_code": 2051})
        at = time.strftime("%Y-%m-%dT%H:%M:%S")
        signed = pdf + f"\n%BSrE-TTE signer={name} at={at}\n%%EOF\n".encode()
        document_id = uuid.uuid4().hex
        with self.state.lock:
            self.state.signed.append({"nik": fields["nik"], "file": file_name,
                                      "fields": {k: v for k, v in fields.items()
                                                 if k != "passphrase"},
                                      "id": document_id})
        self.send_response(200)
        self.send_header("Content-Type", "application/pdf")
        self.send_header("Content-Length", str(len(signed)))
        self.send_header("id_dokumen", document_id)
        self.end_headers()
        self.wfile.write(signed)

    def _verify(self, files: dict[str, tuple[str, bytes]]) -> None:
        if "signed_file" not in files:
            return self._json(400, {"error": "Parameter tidak lengkap: signed_file",
                                    "status_code": 2001})
        file_name, pdf = files["signed_file"]
        marks = MARK.findall(pdf)
        details = [{
            "info_tsa": {"name": "Timestamp Authority Badan Siber dan Sandi Negara",
                         "tsa_cert_validity": None},
            "signature_field": f"sig{i}",
            "info_signer": {"issuer_dn": "CN=OSD BSrE", "signer_name": name.decode(),
                            "signer_cert_validity": "", "signer_dn": f"CN={name.decode()}",
                            "cert_user_certified": True},
            "signature_document": {"signed_using_tsa": True, "reason": None,
                                   "document_integrity": True, "signature_value": None,
                                   "signed_in": at.decode(), "location": None,
                                   "hash_value": None}} for i, (name, at) in enumerate(marks)]
        return self._json(200, {
            "nama_dokumen": file_name, "jumlah_signature": len(details),
            "notes": ("Dokumen valid, Sertifikat yang digunakan terpercaya" if details
                      else "Dokumen tidak memiliki tanda tangan elektronik"),
            "details": details, "summary": "VALID" if details else "UNSIGNED"})


FakeBsre.handler = _Handler
