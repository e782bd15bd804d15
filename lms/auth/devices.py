"""The "known device" cookie: a browser where someone signed in successfully remembers it
(as a keyed hash of the NIP, never the NIP), and is then exempt from that NIP's sign-in
throttle — so guessing a colleague's password from elsewhere cannot keep them out."""

from __future__ import annotations

import hashlib
import hmac

from flask import Request, Response, current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

COOKIE = "kasn_perangkat"
MAX_AGE = 180 * 24 * 60 * 60  # half a year: the owner signs in more often than that
MAX_ACCOUNTS = 5  # a shared office PC remembers a few colleagues, not everyone


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="known-device")


def _tag(nip: str) -> str:
    key = hashlib.sha256(("known-device:" + current_app.config["SECRET_KEY"]).encode()).digest()
    return hmac.new(key, nip.encode(), hashlib.sha256).hexdigest()[:24]


def _tags(request: Request) -> list[str]:
    raw = request.cookies.get(COOKIE)
    if not raw:
        return []
    try:
        tags = _serializer().loads(raw, max_age=MAX_AGE)
    except BadSignature:  # also raised when expired
        return []
    return [t for t in tags if isinstance(t, str)] if isinstance(tags, list) else []


def is_known_device(request: Request, nip: str) -> bool:
    """True when this browser has signed in successfully as this NIP before."""
    clean = "".join(ch for ch in nip if ch.isdigit())
    return bool(clean) and _tag(clean) in _tags(request)


def remember_device(request: Request, response: Response, nip: str) -> None:
    """Add the NIP to this browser's known accounts (most recent first, a few at most)."""
    tag = _tag(nip)
    tags = [tag, *(t for t in _tags(request) if t != tag)][:MAX_ACCOUNTS]
    response.set_cookie(
        COOKIE, _serializer().dumps(tags), max_age=MAX_AGE, httponly=True, samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"], path="/masuk")
