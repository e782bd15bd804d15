"""Accounts: passwords (Argon2id), sign-in with throttling, session ending, API tokens."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Select, bindparam, delete, select
from sqlalchemy.orm import Session, joinedload

from lms.audit.services import record_audit
from lms.auth.email import EmailInvalid, normalise_email
from lms.auth.models import EMPLOYEE_TYPES, ApiToken, User
from lms.auth.nip import N_, normalise_nip
from lms.auth.roles import RoleError, check_roles, ordered
from lms.auth.throttle import (ThrottlePolicy, check_throttle, clear_failures, nip_key,
                               record_failure)
from lms.org.services import get_unit
from lms.sql import built_once
from lms.timeutil import utcnow

_hasher = PasswordHasher()  # argon2id with the library's recommended parameters
MIN_PASSWORD_LENGTH = 8


@cache
def _dummy_hash() -> str:
    """Verified against when the NIP is unknown, so both failures cost the same time
    (made on first use: hashing at import would slow every ``lms`` command)."""
    return _hasher.hash(secrets.token_hex(16))


class AccountError(ValueError):
    """An account cannot be created or changed as asked."""


def hash_password(password: str) -> str:
    """Argon2id hash of a password."""
    return _hasher.hash(password)


def create_user(
    session: Session,
    *,
    nip: str,
    name: str,
    roles: str | Iterable[str],
    unit_code: str,
    password: str,
    employee_type: str = "PNS",
    email: str | None = None,
) -> User:
    """Create a user after validating NIP, roles (one role, or a set), unit, password
    length and e-mail address."""
    try:
        held = check_roles([roles] if isinstance(roles, str) else roles)
    except RoleError as exc:
        raise AccountError(str(exc)) from None
    if employee_type not in EMPLOYEE_TYPES:
        raise AccountError("employee type must be PNS or PPPK")
    nip = normalise_nip(nip, employee_type)
    if session.scalar(select(User.id).where(User.nip == nip)):
        raise AccountError(f"a user with NIP {nip} already exists")
    unit = get_unit(session, unit_code)
    if unit is None:
        raise AccountError(f"unit {unit_code} does not exist")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"password must have at least {MIN_PASSWORD_LENGTH} characters")
    if not name.strip():
        raise AccountError("name is required")
    try:
        email = normalise_email(email)
    except EmailInvalid:
        raise AccountError(f"{email!r} is not a valid e-mail address") from None
    user = User(
        nip=nip, name=name.strip(), roles=held, unit=unit, employee_type=employee_type,
        password_hash=hash_password(password), email=email,
    )
    session.add(user)
    session.flush()
    return user


class AccountDisabled(Exception):
    """The password is right but the account is disabled (said only then: nothing leaks)."""


def authenticate(
    session: Session, nip: str, password: str, *, remote: str, policy: ThrottlePolicy,
    known_device: bool = False,
) -> User | None:
    """The user for these credentials, or None; the same answer whether the NIP or the
    password is wrong (AccountDisabled when both are right but the account is disabled).
    Raises Throttled while the NIP (unless ``known_device``: the owner's
    usual browser) or the address must wait after recent failures."""
    clean = "".join(ch for ch in nip if ch.isdigit())[:40]
    check_throttle(session, clean, remote, policy, known_device=known_device)
    user = session.scalar(select(User).where(User.nip == clean)) if clean else None
    verified = _verify(user.password_hash if user else _dummy_hash(), password) and user
    if verified and not user.active:
        record_audit(session, "login.failed", actor_nip=clean, remote=remote,
                     target_type="user", target_id=clean, details={"reason": "disabled"})
        raise AccountDisabled()
    if verified:
        if _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
        clear_failures(session, nip_key(clean))
        return user
    wait = record_failure(session, clean, remote, policy)
    record_audit(session, "login.failed", actor_nip=clean, remote=remote, target_type="user",
                 target_id=clean or None)
    if wait:
        record_audit(session, "login.throttled", actor_nip=clean, remote=remote,
                     target_type="user", target_id=clean or None,
                     details={"wait_seconds": wait})
    return None


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


class PasswordRejected(ValueError):
    """A new password breaks a rule: ``field`` is the form field it belongs to ("password" or
    "confirm"), ``message`` an Indonesian msgid with ``params`` (the web translates it, the
    command line prints it as it is)."""

    def __init__(self, field: str, message: str, **params: object):
        super().__init__(message % params if params else message)
        self.field, self.message, self.params = field, message, params


def check_new_password(password: str, confirm: str) -> None:
    """Refuse a password that is too short or was not typed the same twice."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PasswordRejected("password", N_("Kata sandi minimal %(n)s karakter."),
                               n=MIN_PASSWORD_LENGTH)
    if password != confirm:
        raise PasswordRejected("confirm", N_("Kedua kata sandi tidak sama."))


def change_password(session: Session, user: User, password: str, confirm: str, *,
                    actor: User | None = None, remote: str | None = None,
                    via: str = "web") -> None:
    """Give the user a new password and end every session and API token they have, recorded
    in the audit trail (``via``: "web" for an admin's page, "cli", or "reset" for the user's
    own e-mailed link); PasswordRejected when the password breaks a rule."""
    check_new_password(password, confirm)
    user.password_hash = hash_password(password)
    end_access(session, user)
    session.flush()
    record_audit(session, "user.password_changed", actor=actor, target_type="user",
                 target_id=user.nip, details={"via": via}, remote=remote)


def end_sessions(user: User) -> None:
    """Invalidate every session of the user (sign-out everywhere)."""
    user.session_version += 1


def end_tokens(session: Session, user: User) -> int:
    """Delete every API token of the user; returns how many there were."""
    result = session.execute(delete(ApiToken).where(ApiToken.user_id == user.id))
    return result.rowcount or 0


def end_access(session: Session, user: User) -> None:
    """End every session and every API token of the user: after a password or role change,
    nothing issued before it keeps working."""
    end_sessions(user)
    end_tokens(session, user)


def set_roles(session: Session, user: User, roles: Iterable[str], *, actor: User | None = None,
              remote: str | None = None, via: str | None = None) -> bool:
    """Give the user exactly ``roles`` (a set checked by ``check_roles``). A change ends every
    session and API token they have (nothing opened by the old roles keeps working) and goes
    to the audit trail as the old and the new set; returns whether anything changed."""
    wanted, before = frozenset(roles), user.roles
    if wanted == before:
        return False
    record_audit(session, "user.role_changed", actor=actor, remote=remote, target_type="user",
                 target_id=user.nip, details={"from": ordered(before), "to": ordered(wanted),
                                              **({"via": via} if via else {})})
    user.roles = wanted
    end_access(session, user)
    session.flush()
    return True


def disable_user(session: Session, user: User) -> None:
    """Disable the account and end all of its sessions and API tokens."""
    user.active = False
    end_access(session, user)


# Tokens are refreshed at most this often, so an API client does not cost a write per request.
LAST_USED_RESOLUTION = timedelta(minutes=1)
MAX_TOKEN_NAME = 100
MAX_TOKEN_DAYS = 3650


def create_token(session: Session, user: User, *, name: str = "",
                 days: int | None = None) -> str:
    """Create an API token for the user, valid ``days`` days (None: no expiry), and return it:
    shown once, only its SHA-256 is kept."""
    name = name.strip()
    if len(name) > MAX_TOKEN_NAME:
        raise AccountError(f"the token name has more than {MAX_TOKEN_NAME} characters")
    if days is not None and not 1 <= days <= MAX_TOKEN_DAYS:
        raise AccountError(f"a token is valid for 1 to {MAX_TOKEN_DAYS} days")
    token = "lms_" + secrets.token_urlsafe(32)
    now = utcnow()
    session.add(ApiToken(user=user, token_hash=_token_hash(token), name=name, created_at=now,
                         expires_at=now + timedelta(days=days) if days else None))
    session.flush()
    return token


def list_tokens(session: Session, user: User) -> list[ApiToken]:
    """The user's API tokens, newest first (never their secrets: only hashes are stored)."""
    return list(session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)
                                .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def get_token(session: Session, token_id: int) -> ApiToken | None:
    """The token with this id, or None."""
    return session.get(ApiToken, token_id)


def revoke_token(session: Session, token: ApiToken) -> None:
    """End one API token at once."""
    session.delete(token)
    session.flush()


def user_for_token(session: Session, token: str) -> User | None:
    """The active user owning this bearer token if it has not expired, or None. Its last use
    is updated on the token (not flushed) when the stored one is a minute old or more."""
    row = get_token_in_use(session, token)
    return row.user if row is not None else None


def get_token_in_use(session: Session, token: str) -> ApiToken | None:
    """The bearer token with its user, if it has not expired and the user is active, else
    None; as ``user_for_token``, its last use is updated (not flushed) once a minute."""
    row = session.scalar(_token_with_user(), {"token_hash": _token_hash(token)})
    now = utcnow()
    if row is None or not row.user.active or (row.expires_at and row.expires_at <= now):
        return None
    if row.last_used_at is None or now - row.last_used_at >= LAST_USED_RESOLUTION:
        row.last_used_at = now
    return row


@built_once
def _token_with_user() -> Select:
    # Built once, with the token's hash bound: every API request runs it.
    return (select(ApiToken).where(ApiToken.token_hash == bindparam("token_hash"))
            .options(joinedload(ApiToken.user)))


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
