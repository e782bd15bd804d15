"""The instance's Ed25519 signing key: a private key file in the instance folder (created on
first use, mode 0600) and every public key it ever had in the database, published as a JWKS.

Rotation replaces the private key file; the old public key stays in ``signing_keys`` (marked
retired), so certificates and credentials signed before still verify."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import tempfile
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lms.certificates.models import SigningKey
from lms.timeutil import utcnow

KEY_FILE = "signing-key.pem"
ALGORITHM = "EdDSA"


def key_folder(config: Mapping[str, Any], instance_path: str) -> Path:
    """Where the private key lives: SIGNING_KEY_FOLDER, by default ``<instance>/keys``."""
    return Path(config.get("SIGNING_KEY_FOLDER") or Path(instance_path) / "keys")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def public_jwk(public: Ed25519PublicKey) -> dict[str, str]:
    """The public key as a JWK (RFC 8037), without kid."""
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return {"kty": "OKP", "crv": "Ed25519", "x": _b64(raw)}


def thumbprint(jwk: Mapping[str, str]) -> str:
    """The RFC 7638 thumbprint of an OKP JWK: the key's id."""
    canonical = json.dumps({k: jwk[k] for k in ("crv", "kty", "x")}, separators=(",", ":"))
    return _b64(hashlib.sha256(canonical.encode()).digest())


@dataclass(frozen=True)
class Signer:
    """The current private key and its id."""

    kid: str
    private_key: Ed25519PrivateKey

    @property
    def jwk(self) -> dict[str, str]:
        """The public half as a JWK with kid, alg and use."""
        return {**public_jwk(self.private_key.public_key()), "kid": self.kid,
                "alg": ALGORITHM, "use": "sig"}


def _write_new_key(folder: Path) -> Path:
    """A new private key in a temporary file of ``folder`` (0600), for the caller to put in
    place atomically."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption())
    fd, temporary = tempfile.mkstemp(dir=folder, prefix=".upload-key-")  # mkstemp: 0600
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
        fh.flush()
        os.fsync(fh.fileno())
    return Path(temporary)


def _load(path: Path) -> Signer:
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} is not an Ed25519 private key")
    return Signer(thumbprint(public_jwk(key.public_key())), key)


def load_signer(folder: Path) -> Signer:
    """The current signing key, created on first use. Two processes creating it at once
    agree: the file is linked into place only if absent, so the loser reads the winner's."""
    path = folder / KEY_FILE
    if not path.exists():
        temporary = _write_new_key(folder)
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
        finally:
            temporary.unlink(missing_ok=True)
    return _load(path)


def register(session: Session, signer: Signer) -> None:
    """Make sure the signer's public key is published (once, even from two processes)."""
    if session.get(SigningKey, signer.kid) is not None:
        return
    with suppress(IntegrityError), session.begin_nested():  # else registered meanwhile
        session.add(SigningKey(kid=signer.kid, public_jwk=public_jwk(
            signer.private_key.public_key())))


def current_signer(session: Session, folder: Path) -> Signer:
    """The key that signs now, published in the database."""
    signer = load_signer(folder)
    register(session, signer)
    return signer


def rotate(session: Session, folder: Path) -> tuple[str | None, str]:
    """Replace the signing key by a new one; the old public key stays published (retired).
    Returns the old and the new key ids."""
    path = folder / KEY_FILE
    old = _load(path) if path.exists() else None
    if old is not None:
        register(session, old)
    temporary = _write_new_key(folder)
    new = _load(temporary)
    register(session, new)
    if old is not None:
        session.execute(update(SigningKey).where(SigningKey.kid == old.kid,
                                                 SigningKey.retired_at.is_(None))
                        .values(retired_at=utcnow()))
    session.flush()
    os.replace(temporary, path)  # last: a failure above leaves the old key in place
    return (old.kid if old else None), new.kid


def public_key(session: Session, kid: str) -> Ed25519PublicKey | None:
    """A published public key (current or retired) by id."""
    row = session.get(SigningKey, kid)
    if row is None:
        return None
    raw = base64.urlsafe_b64decode(row.public_jwk["x"] + "=" * (-len(row.public_jwk["x"]) % 4))
    return Ed25519PublicKey.from_public_bytes(raw)


def jwks(session: Session) -> dict[str, list[dict[str, Any]]]:
    """Every published public key as a JWK Set, oldest first."""
    rows = session.scalars(select(SigningKey).order_by(SigningKey.created_at, SigningKey.kid))
    return {"keys": [{**row.public_jwk, "kid": row.kid, "alg": ALGORITHM, "use": "sig"}
                     for row in rows]}
