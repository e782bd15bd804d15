"""A local stand-in for BKN's SIASN gateway, SSO and API, following the documented request
and response shapes (SIASN itself cannot be reached from here):

- ``POST /oauth2/token`` (HTTP Basic client id and secret, ``grant_type=client_credentials``)
  and ``POST /sso/token`` (``grant_type=password``, ``client_id``, ``username``,
  ``password``) answer ``{"access_token", "expires_in"}``;
- ``POST /apisiasn/1.0/kursus/save`` (JSON, ``Authorization: Bearer <gateway>`` and
  ``Auth: bearer <sso>``) answers ``{"success": true, "mapData": {"rwKursusId"}}``;
- ``POST /apisiasn/1.0/upload-dok-rw`` (multipart ``file``, ``id_riwayat``,
  ``id_ref_dokumen``) answers ``{"success": true, "data": {"dok_uri", ...}}``;
- ``GET /apisiasn/1.0/pns/rw-kursus/{nip}`` answers ``{"code": 1, "data": [records]}``.
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
from urllib.parse import parse_qs

from tests.fake_service import FakeService

CLIENT_ID, CLIENT_SECRET = "kelas-asn", "rahasia-gateway"
SSO_CLIENT, SSO_USER, SSO_PASSWORD = "simpeg-instansi", "operator.bkpsdm", "sandi-sso"
REQUIRED = ("instansiId", "institusiPenyelenggara", "jenisDiklatId", "jumlahJam", "namaKursus",
            "nomorSertipikat", "pnsOrangId", "tahunKursus", "tanggalKursus",
            "tanggalSelesaiKursus")
DATE = re.compile(r"\d\d-\d\d-\d{4}")


class FakeSiasn(FakeService):
    """The fake's state: what it recorded, and how it should misbehave."""

    def __init__(self) -> None:
        self.records: list[dict] = []  # every accepted kursus/save body, with its "id"
        self.documents: list[dict] = []
        self.calls: list[str] = []  # "METHOD path" of every request
        self.people: dict[str, str] = {}  # NIP -> pnsOrangId, for rw-kursus
        self.gateway_tokens: set[str] = set()
        self.sso_tokens: set[str] = set()
        self.token_lifetime = 3600
        self.refuse: dict[str, tuple[int, dict]] = {}  # pnsOrangId -> (status, body)
        # nomorSertipikat -> ("store_then_hang" | "hang", seconds): answer only after a wait.
        self.slow: dict[str, tuple[str, float]] = {}
        self.received = threading.Event()  # set when a slow record arrives
        self.fail_documents = False
        self.history_missing = False  # rw-kursus answers 404 "Data tidak ditemukan"
        self.lock = threading.Lock()

    # --- set-up --------------------------------------------------------------------------

    def settings(self, base: str) -> dict[str, object]:
        """The app settings that point Kelas ASN at this fake."""
        return {"SIASN_URL": f"{base}/apisiasn/1.0", "SIASN_TOKEN_URL": f"{base}/oauth2/token",
                "SIASN_CLIENT_ID": CLIENT_ID, "SIASN_CLIENT_SECRET": CLIENT_SECRET,
                "SIASN_SSO_TOKEN_URL": f"{base}/sso/token", "SIASN_SSO_CLIENT_ID": SSO_CLIENT,
                "SIASN_SSO_USERNAME": SSO_USER, "SIASN_SSO_PASSWORD": SSO_PASSWORD,
                "SIASN_INSTANSI_ID": "A5EB03E23CFBF6A0E040640A040252AD",
                "SIASN_LOKASI_ID": "", "SIASN_TIMEOUT": 5}

    def numbers(self) -> list[str]:
        """Certificate numbers of the records, in the order SIASN accepted them."""
        return [r["nomorSertipikat"] for r in self.records]


class _Handler(BaseHTTPRequestHandler):
    state: FakeSiasn

    def log_message(self, *_args) -> None:  # quiet
        pass

    def _answer(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except OSError:
            pass  # the client is gone (killed)

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _authorised(self) -> bool:
        gateway = (self.headers.get("Authorization") or "").removeprefix("Bearer ")
        sso = (self.headers.get("Auth") or "").removeprefix("bearer ")
        return gateway in self.state.gateway_tokens and sso in self.state.sso_tokens

    def _token(self, kind: str) -> None:
        token = f"{kind}-{uuid.uuid4().hex}"
        (self.state.gateway_tokens if kind == "gw" else self.state.sso_tokens).add(token)
        self._answer(200, {"access_token": token, "token_type": "Bearer",
                           "expires_in": self.state.token_lifetime})

    def do_POST(self) -> None:  # noqa: N802
        self.state.calls.append(f"POST {self.path}")
        body = self._body()
        if self.path == "/oauth2/token":
            basic = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
            form = parse_qs(body.decode())
            if (self.headers.get("Authorization") != f"Basic {basic}"
                    or form.get("grant_type") != ["client_credentials"]):
                return self._answer(401, {"error": "invalid_client"})
            return self._token("gw")
        if self.path == "/sso/token":
            form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
            if form != {"grant_type": "password", "client_id": SSO_CLIENT,
                        "username": SSO_USER, "password": SSO_PASSWORD}:
                return self._answer(401, {"error": "invalid_grant",
                                          "error_description": "Invalid user credentials"})
            return self._token("sso")
        if not self._authorised():
            return self._answer(401, {"message": "Invalid Credentials"})
        if self.path == "/apisiasn/1.0/kursus/save":
            return self._save(json.loads(body))
        if self.path == "/apisiasn/1.0/upload-dok-rw":
            return self._upload(body)
        return self._answer(404, {"message": "not found"})

    def do_GET(self) -> None:  # noqa: N802
        self.state.calls.append(f"GET {self.path}")
        if not self._authorised():
            return self._answer(401, {"message": "Invalid Credentials"})
        match = re.fullmatch(r"/apisiasn/1\.0/pns/rw-kursus/(\d+)", self.path)
        if not match:
            return self._answer(404, {"message": "not found"})
        if self.state.history_missing:
            return self._answer(404, {"code": 0, "data": "Data tidak ditemukan"})
        person = self.state.people.get(match.group(1))
        with self.state.lock:
            rows = [{"id": r["id"], "idPns": r["pnsOrangId"], "nipBaru": match.group(1),
                     "namaKursus": r["namaKursus"], "noSertipikat": r["nomorSertipikat"],
                     "jenisDiklatId": r["jenisDiklatId"], "jumlahJam": r["jumlahJam"],
                     "tahunKursus": r["tahunKursus"]}
                    for r in self.state.records if r["pnsOrangId"] == person]
        return self._answer(200, {"code": 1, "data": rows})

    def _save(self, record: dict) -> None:
        missing = [f for f in REQUIRED if record.get(f) in (None, "")]
        if missing:
            return self._answer(400, {"success": False,
                                      "message": f"{', '.join(missing)} wajib diisi"})
        if not all(DATE.fullmatch(record[f]) for f in ("tanggalKursus",
                                                        "tanggalSelesaiKursus")):
            return self._answer(400, {"success": False, "message": "format tanggal dd-mm-yyyy"})
        if record["pnsOrangId"] in self.state.refuse:
            status, answer = self.state.refuse[record["pnsOrangId"]]
            return self._answer(status, answer)
        slow = self.state.slow.get(record["nomorSertipikat"])
        rw_id = str(uuid.uuid4())
        if slow and slow[0] == "hang":
            self.state.received.set()
            time.sleep(slow[1])
            return self._answer(504, {"message": "Gateway Timeout"})
        with self.state.lock:
            self.state.records.append({**record, "id": rw_id})
        if slow:
            self.state.received.set()
            time.sleep(slow[1])
        return self._answer(200, {"success": True, "message": "success",
                                  "mapData": {"rwKursusId": rw_id}})

    def _upload(self, body: bytes) -> None:
        if self.state.fail_documents:
            return self._answer(400, {"success": False, "message": "dokumen ditolak"})
        head = f"Content-Type: {self.headers['Content-Type']}\r\n\r\n".encode()
        message = BytesParser(policy=HTTP).parsebytes(head + body)
        fields = {part.get_param("name", header="content-disposition"):
                  part.get_payload(decode=True) for part in message.iter_parts()}
        document = {"id_riwayat": fields["id_riwayat"].decode(),
                    "id_ref_dokumen": fields["id_ref_dokumen"].decode(),
                    "content": fields["file"]}
        with self.state.lock:
            self.state.documents.append(document)
        return self._answer(200, {"success": True, "data": {
            "dok_id": str(uuid.uuid4()), "dok_nama": "sertifikat.pdf",
            "dok_uri": f"peremajaan/usulan/{uuid.uuid4().hex}.pdf", "slug": "874"}})


FakeSiasn.handler = _Handler
