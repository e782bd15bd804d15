"""Self-service password reset by e-mail: a person types their NIP (or e-mail address) and,
if an active account with an e-mail address answers to it, gets a link that sets a new password.

The link carries a token signed with the app's secret key (itsdangerous, a salt of its own)
holding the account's id and a fingerprint of its current password hash, stamped with the time
of the lms.timeutil clock. It works until PASSWORD_RESET_MINUTES have passed, and only once:
setting a password (through the link, an admin or the command line) changes the hash, and with
it the fingerprint, so every earlier link dies. Opening the link changes nothing (mail scanners
open links); only sending the form does. Whether an account exists is never told: every request
gets the same answer, and requests are throttled like sign-ins (lms.auth.throttle.RESET_KEYS).
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid, parseaddr
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer
from itsdangerous.timed import TimestampSigner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lms import timeutil
from lms.audit.services import record_audit
from lms.auth.models import User
from lms.auth.services import change_password
from lms.auth.throttle import (RESET_KEYS, ThrottlePolicy, check_throttle, clear_failures,
                               nip_key, record_failure)
from lms.notifications.mail import MailSettings

SALT = "password-reset"
MAX_ACCOUNTS = 5  # accounts mailed for one e-mail address (several may share one)


class _ClockSigner(TimestampSigner):
    """Stamps and checks ages by the app's clock (lms.timeutil), which tests move."""

    def get_timestamp(self) -> int:
        return int(timeutil.utcnow().replace(tzinfo=UTC).timestamp())


def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=SALT, signer=_ClockSigner)


def mail_settings(config: Any) -> MailSettings | None:
    """The mail server settings, or None when e-mail is not (or not fully) configured: then
    there is no self-service reset and the help page names whom to ask."""
    try:
        return MailSettings.from_config(config)
    except ValueError:
        return None


def reset_policy(config: Any) -> ThrottlePolicy:
    """How many reset requests are free per NIP or e-mail and per address, and the waits."""
    return ThrottlePolicy(config["PASSWORD_RESET_MAX_REQUESTS"],
                          config["PASSWORD_RESET_ADDRESS_MAX_REQUESTS"],
                          config["LOGIN_WINDOW_SECONDS"], config["LOGIN_MAX_DELAY_SECONDS"])


def _fingerprint(user: User) -> str:
    """Changes whenever the password does (Argon2 salts every hash anew, even for the same
    password); a digest, so the token shows nothing of the hash."""
    return hashlib.sha256(f"{SALT}:{user.id}:{user.password_hash}".encode()).hexdigest()[:32]


def make_token(secret_key: str, user: User) -> str:
    """A reset token for the user's current password."""
    return _serializer(secret_key).dumps({"u": user.id, "p": _fingerprint(user)})


def user_for_token(session: Session, secret_key: str, token: str, max_age_seconds: int,
                   *, lock: bool = False) -> User | None:
    """The active user this token may still reset, or None when it is forged, expired, already
    used or outdated by another password change (``lock``: the row locked for the change)."""
    try:
        data = _serializer(secret_key).loads(token, max_age=max_age_seconds)
    except BadSignature:  # SignatureExpired is one
        return None
    if not (isinstance(data, dict) and isinstance(data.get("u"), int)
            and isinstance(data.get("p"), str)):
        return None
    query = select(User).where(User.id == data["u"])
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    user = session.scalar(query)
    if user is None or not user.active or not hmac.compare_digest(_fingerprint(user), data["p"]):
        return None
    return user


def accounts_for(session: Session, identity: str) -> tuple[list[User], str]:
    """The active accounts with an e-mail address that ``identity`` (a NIP, or an e-mail
    address) names, and why there are none ("unknown", "disabled", "no_email"; "" when found)."""
    identity = identity.strip()
    if "@" in identity:
        users = list(session.scalars(
            select(User).where(func.lower(User.email) == identity.lower())
            .order_by(User.id).limit(MAX_ACCOUNTS)))
    else:
        digits = "".join(ch for ch in identity if ch.isdigit())[:40]
        users = list(session.scalars(select(User).where(User.nip == digits))) if digits else []
    if not users:
        return [], "unknown"
    active = [user for user in users if user.active]
    if not active:
        return [], "disabled"
    mailable = [user for user in active if user.email]
    return mailable, "" if mailable else "no_email"


def request_reset(session: Session, identity: str, *, remote: str,
                  policy: ThrottlePolicy) -> list[User]:
    """Count the request (Throttled while this NIP or e-mail, or this address, must wait)
    and record it in the audit trail; returns the accounts to send a link to (none for an
    unknown, disabled or address-less account: the caller answers the same either way)."""
    check_throttle(session, identity, remote, policy, known_device=False, keys=RESET_KEYS)
    record_failure(session, identity, remote, policy, keys=RESET_KEYS)
    users, reason = accounts_for(session, identity)
    subject = nip_key(identity, "")[:64]
    record_audit(session, "password.reset_requested", actor_nip=None, remote=remote,
                 target_type="user", target_id=",".join(u.nip for u in users) or subject or None,
                 details={"sent": len(users), **({"reason": reason} if reason else {})})
    return users


def reset_password(session: Session, user: User, password: str, confirm: str, *,
                   remote: str | None) -> None:
    """Set the new password of a user who followed a valid link: the password rules of every
    change, every session and API token ended, the link spent, failed sign-ins forgotten,
    audited as the user's own change (``via="reset"``); PasswordRejected breaks no link."""
    change_password(session, user, password, confirm, actor=user, remote=remote, via="reset")
    clear_failures(session, nip_key(user.nip))


def reset_message(user: User, link: str, minutes: int, settings: MailSettings) -> EmailMessage:
    """The e-mail with the link, in Bahasa Indonesia like every e-mail of the app."""
    message = EmailMessage()
    message["Subject"] = "[Kelas ASN] Atur ulang kata sandi"
    message["From"] = settings.sender
    message["To"] = formataddr((user.name, user.email or ""))
    message["Date"] = format_datetime(timeutil.utcnow().replace(tzinfo=UTC), usegmt=True)
    domain = parseaddr(settings.sender)[1].rpartition("@")[2] or "localhost"
    message["Message-ID"] = make_msgid("reset", domain=domain)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(
        f"Yth. {user.name},\n\n"
        f"Ada permintaan untuk mengatur ulang kata sandi Kelas ASN bagi NIP {user.nip}. "
        "Buka tautan ini untuk membuat kata sandi baru:\n\n"
        f"{link}\n\n"
        f"Tautan ini berlaku {minutes} menit dan hanya dapat dipakai sekali. Setelah kata "
        "sandi baru disimpan, semua sesi dan token API Anda berakhir.\n\n"
        "Jika Anda tidak memintanya, abaikan e-mail ini: kata sandi Anda tidak berubah.\n\n"
        "— Kelas ASN\n")
    return message
