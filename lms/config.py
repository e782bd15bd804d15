"""Configuration: defaults, then the instance file, then ``LMS_*`` environment variables."""

from __future__ import annotations

import json
import os
from typing import Any

DEFAULTS: dict[str, Any] = {
    "SECRET_KEY": None,  # generated into the instance folder when not configured
    "SQLALCHEMY_DATABASE_URI": None,  # default: sqlite file in the instance folder
    # Pooled connections idle for a while are pinged before use (lms.extensions).
    "SQLALCHEMY_ENGINE_OPTIONS": {},
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": False,
    "HSTS_SECONDS": 365 * 24 * 60 * 60,  # Strict-Transport-Security max-age when cookies are secure
    "REMEMBER_COOKIE_DURATION": 60 * 60 * 24 * 14,
    "PERMANENT_SESSION_LIFETIME": 60 * 60 * 12,
    "MAX_CONTENT_LENGTH": 20 * 1024 * 1024,
    "JSON_MAX_BYTES": 1024 * 1024,  # largest JSON request body (the API's answers are small)
    "WTF_CSRF_TIME_LIMIT": None,  # token lives as long as the session: learners read slowly
    "BABEL_DEFAULT_LOCALE": "id",
    # The agency's time zone (LMS_TIMEZONE): "today", due dates, JP years and the times pages
    # show. Asia/Jakarta (WIB); Asia/Makassar (WITA) or Asia/Jayapura (WIT) elsewhere.
    "TIMEZONE": "Asia/Jakarta",
    "LANGUAGES": ["id", "en"],
    "JP_MINUTES": 45,
    "JP_TARGET_PNS": 20,
    "JP_TARGET_PPPK": 20,
    # Most JP one validated mentoring or coaching programme credits to a mentee (the confirmed
    # session minutes / JP_MINUTES, rounded down, capped at this).
    "MENTORING_MAX_JP": 20,
    # Fewest ratings of a course (or version) whose average is shown: a smaller group's
    # average says too much about who gave it.
    "FEEDBACK_MIN_GROUP": 5,
    "LOGIN_MAX_FAILURES": 5,  # failed sign-ins per NIP before each next one must wait
    "LOGIN_ADDRESS_MAX_FAILURES": 50,  # the same per client address (an office shares one)
    "LOGIN_WINDOW_SECONDS": 6 * 60 * 60,  # how long a failure counts
    "LOGIN_MAX_DELAY_SECONDS": 15 * 60,  # the wait doubles per failure up to this
    # Self-service password reset by e-mail (only where SMTP_HOST is set): how long a link
    # works, and how many requests per NIP or e-mail (and per client address) are free in the
    # LOGIN_WINDOW_SECONDS before each next one must wait, doubling up to LOGIN_MAX_DELAY_SECONDS.
    "PASSWORD_RESET_MINUTES": 30,
    "PASSWORD_RESET_MAX_REQUESTS": 3,
    "PASSWORD_RESET_ADDRESS_MAX_REQUESTS": 20,
    "QUIZ_TIME_GRACE_SECONDS": 60,
    "HELP_NAME": None,  # who helps users (e.g. "Admin Kelas ASN, BKPSDM"); on the Bantuan page
    "HELP_EMAIL": None,
    "HELP_WHATSAPP": None,  # e.g. "+62 812-3456-7890"
    "FRAGMENT_CACHE_ENTRIES": 2000,  # rendered page parts kept per server process (see templating)
    "PAGE_SHELLS": True,  # lesson pages kept rendered with holes for the personal parts (lms.pages)
    "VERSION_CACHE_MB": 64,  # published course versions kept in memory per server process
    "TOKEN_DEFAULT_DAYS": 365,  # validity of a new API token when no --expires is given
    "AUDIT_RETENTION_DAYS": 730,  # `lms audit prune` deletes older audit events; 0 keeps all
    "UPLOAD_FOLDER": None,  # default: instance/uploads
    "EVIDENCE_MAX_BYTES": 5 * 1024 * 1024,  # largest certificate scan of an outside training
    "HEALTH_MIN_FREE_MB": 200,  # /healthz fails below this much free disk (uploads, SQLite file)
    "PROXY_COUNT": 0,  # number of reverse proxies in front of the app (X-Forwarded-* trusted)
    "BASE_URL": "http://127.0.0.1:5000",  # public address; xAPI activity ids are built on it
    "XAPI_ENDPOINT": None,  # LRS base URL for `lms xapi-forward`, e.g. https://lrs.example/xapi
    "XAPI_AUTH": None,  # "user:password" for the LRS (HTTP Basic)
    # E-certificates: who issues them (printed on the PDF, named in the credential) and the
    # agency's logo (a PNG or JPEG file); the Ed25519 signing key lives in SIGNING_KEY_FOLDER
    # (default instance/keys). The public verification page answers at most
    # VERIFY_RATE_LIMIT requests per client address per VERIFY_RATE_WINDOW_SECONDS.
    "AGENCY_NAME": "Kelas ASN",
    "AGENCY_LOGO": None,
    "CERT_SIGNER_NAME": "Pejabat Penandatangan",
    "CERT_SIGNER_POSITION": "Kepala Badan Kepegawaian dan Pengembangan SDM",
    "SIGNING_KEY_FOLDER": None,
    "VERIFY_RATE_LIMIT": 30,
    "VERIFY_RATE_WINDOW_SECONDS": 60,
    "QUEUE_REMINDER_DAYS": 7,  # a manager is reminded of queue items waiting longer than this
    # E-mail copies of notifications, sent by `lms notify`. No host: no e-mail is sent (the
    # notices stay in the app). STARTTLS is required unless turned off (a local relay).
    "SMTP_HOST": None,
    "SMTP_PORT": 587,
    "SMTP_USER": None,  # with a password: log in after STARTTLS
    "SMTP_PASSWORD": None,
    "SMTP_STARTTLS": True,
    "SMTP_TIMEOUT_SECONDS": 30,  # per connection and per command to the mail server
    "MAIL_FROM": None,  # sender, e.g. "Kelas ASN <noreply@instansi.go.id>"; required with a host
    "MAIL_MAX_ATTEMPTS": 8,  # failed sends of one e-mail, retried with growing waits, then given up
    # BKN SIASN API gateway for `lms siasn push` (see docs/OPERATOR.md, "SIASN").
    "SIASN_URL": None,  # API base, e.g. https://apimws.bkn.go.id:8243/apisiasn/1.0
    "SIASN_TOKEN_URL": None,  # gateway OAuth2 token URL, e.g. https://apimws.bkn.go.id/oauth2/token
    "SIASN_CLIENT_ID": None,  # gateway consumer key (client credentials)
    "SIASN_CLIENT_SECRET": None,
    "SIASN_SSO_TOKEN": None,  # a SIASN user's SSO access token, or the account below
    "SIASN_SSO_TOKEN_URL": None,  # e.g. https://sso-siasn.bkn.go.id/auth/realms/public-siasn/protocol/openid-connect/token
    "SIASN_SSO_CLIENT_ID": None,
    "SIASN_SSO_USERNAME": None,  # the agency's SIASN service account (password grant)
    "SIASN_SSO_PASSWORD": None,
    "SIASN_INSTANSI_ID": None,  # the agency's instansiId in SIASN
    "SIASN_LOKASI_ID": None,  # lokasiId sent with every record (blank when not set)
    "SIASN_PENYELENGGARA": None,  # institusiPenyelenggara of courses without a provider
    "SIASN_JENIS_KURSUS": "",  # jenisKursus sent with every record
    "SIASN_TIMEOUT": 30,  # seconds, for each connection and each read
    # BSrE e-sign (certified electronic signature, TTE) of certificate PDFs by an official
    # holding the signer role (see docs/OPERATOR.md, "BSrE"). No URL: no signing queue.
    "BSRE_URL": None,  # the agency's e-sign client service, e.g. https://esign.example.go.id
    "BSRE_USER": None,  # its HTTP Basic user and password (not the official's passphrase)
    "BSRE_PASSWORD": None,
    "BSRE_APPEARANCE": "invisible",  # or "visible": a BSrE QR stamp over the signer's name
    "BSRE_TIMEOUT": 60,  # seconds, for each connection and each read
    "BSRE_BATCH_SIZE": 20,  # most certificates signed in one submission of the queue
}

_INT_KEYS = {k for k, v in DEFAULTS.items() if isinstance(v, int) and not isinstance(v, bool)}
_BOOL_KEYS = {k for k, v in DEFAULTS.items() if isinstance(v, bool)}


def from_environment(environ: os._Environ[str] | dict[str, str]) -> dict[str, Any]:
    """Read ``LMS_*`` variables (and ``DATABASE_URL``) into config keys."""
    config: dict[str, Any] = {}
    for name, raw in environ.items():
        if not name.startswith("LMS_"):
            continue
        key = name.removeprefix("LMS_")
        if key in _BOOL_KEYS:
            config[key] = raw.strip().lower() in {"1", "true", "yes", "on"}
        elif key in _INT_KEYS:
            config[key] = int(raw)
        elif raw.startswith(("[", "{")):
            config[key] = json.loads(raw)
        else:
            config[key] = raw
    if environ.get("DATABASE_URL"):
        config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(environ["DATABASE_URL"])
    return config


def normalise_database_url(url: str) -> str:
    """Make ``postgres://`` and ``postgresql://`` URLs use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url
