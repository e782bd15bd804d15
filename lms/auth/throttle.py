"""Sign-in throttling without lock-out: failures are counted per NIP and per client address
in the database (shared by every worker and host); past a free allowance each further failure
doubles the wait before the next attempt, up to a cap. Nothing locks an account: the owner's
usual browser skips the per-NIP wait, and an admin can clear either count.

Requests for a password-reset e-mail are throttled the same way under keys of their own
(``RESET_KEYS``): every request counts, so nobody can flood a person's mailbox, and they never
delay a sign-in."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask_babel import ngettext
from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from lms import timeutil
from lms.auth.models import LoginFailure

NIP_PREFIX, ADDRESS_PREFIX = "nip:", "ip:"
LOGIN_KEYS = (NIP_PREFIX, ADDRESS_PREFIX)
RESET_KEYS = ("reset-nip:", "reset-ip:")  # password-reset requests (lms.auth.reset)


@dataclass(frozen=True)
class ThrottlePolicy:
    """How many failures are free per NIP and per address, for how long failures are
    remembered, and the longest wait."""

    free_per_nip: int = 5
    free_per_address: int = 50
    window_seconds: int = 6 * 60 * 60
    max_delay_seconds: int = 15 * 60

    @classmethod
    def from_config(cls, config: Any) -> ThrottlePolicy:
        """The policy from the LOGIN_* settings."""
        return cls(config["LOGIN_MAX_FAILURES"], config["LOGIN_ADDRESS_MAX_FAILURES"],
                   config["LOGIN_WINDOW_SECONDS"], config["LOGIN_MAX_DELAY_SECONDS"])

    def delay(self, failures: int, free: int) -> int:
        """Seconds to wait after the latest of ``failures``: none within the free allowance,
        then 1, 2, 4, 8 … up to the cap."""
        if failures < free:
            return 0
        return min(self.max_delay_seconds, 2 ** min(failures - free, 30))


class Throttled(Exception):
    """Too many recent failures: the next attempt must wait ``wait_seconds``."""

    def __init__(self, wait_seconds: int, scope: str):
        super().__init__(f"wait {wait_seconds}s ({scope})")
        self.wait_seconds = wait_seconds
        self.scope = scope  # "nip" or "address"


def wait_text(seconds: int) -> str:
    """A wait a person can read: seconds under two minutes, else whole minutes rounded up."""
    if seconds < 120:
        return ngettext("%(num)s detik", "%(num)s detik", seconds)
    minutes = -(-seconds // 60)
    return ngettext("%(num)s menit", "%(num)s menit", minutes)


def nip_key(nip: str, prefix: str = NIP_PREFIX) -> str:
    """The throttle key of a typed NIP (digits only, so spaces and dots do not evade it), or
    of an e-mail address typed to ask for a password reset (in lower case)."""
    if "@" in nip:
        return prefix + nip.strip().lower()[:100]
    return prefix + "".join(ch for ch in nip if ch.isdigit())[:40]


def address_key(remote: str, prefix: str = ADDRESS_PREFIX) -> str:
    """The throttle key of a client address."""
    return prefix + remote[:64]


def _now() -> datetime:
    return timeutil.utcnow()


def _wait(session: Session, key: str, free: int, policy: ThrottlePolicy, now: datetime) -> int:
    since = now - timedelta(seconds=policy.window_seconds)
    count, last = session.execute(
        select(func.count(), func.max(LoginFailure.at))
        .where(LoginFailure.key == key, LoginFailure.at >= since)).one()
    delay = policy.delay(count, free)
    if not delay or last is None:
        return 0
    return max(0, math.ceil((last + timedelta(seconds=delay) - now).total_seconds()))


def check_throttle(session: Session, nip: str, remote: str, policy: ThrottlePolicy, *,
                   known_device: bool, keys: tuple[str, str] = LOGIN_KEYS) -> None:
    """Raise Throttled when this NIP (unless tried from the owner's known browser) or this
    address must still wait; forget failures older than the window."""
    now = _now()
    session.execute(delete(LoginFailure).where(
        LoginFailure.at < now - timedelta(seconds=policy.window_seconds)))
    waits = [(_wait(session, address_key(remote, keys[1]), policy.free_per_address, policy,
                    now), "address")]
    if not known_device:
        waits.append((_wait(session, nip_key(nip, keys[0]), policy.free_per_nip, policy, now),
                      "nip"))
    wait, scope = max(waits)
    if wait > 0:
        raise Throttled(wait, scope)


def record_failure(session: Session, nip: str, remote: str, policy: ThrottlePolicy, *,
                   keys: tuple[str, str] = LOGIN_KEYS) -> int:
    """Count a failed sign-in (or, with RESET_KEYS, a reset request) against the NIP and the
    address; returns the wait it now imposes on the NIP or the address (0 while within the
    free allowance)."""
    now = _now()
    nip_at, address_at = nip_key(nip, keys[0]), address_key(remote, keys[1])
    session.add_all([LoginFailure(key=nip_at, at=now), LoginFailure(key=address_at, at=now)])
    session.flush()
    return max(_wait(session, nip_at, policy.free_per_nip, policy, now),
               _wait(session, address_at, policy.free_per_address, policy, now))


def clear_failures(session: Session, key: str) -> int:
    """Forget the failures counted against one key (an admin's release); returns how many."""
    return session.execute(delete(LoginFailure).where(LoginFailure.key == key)).rowcount or 0


@dataclass(frozen=True)
class ThrottleRow:
    """One NIP or address with recent failures, for the admin page."""

    key: str
    scope: str
    value: str
    failures: int
    last_at: datetime
    wait_seconds: int


def list_throttles(session: Session, policy: ThrottlePolicy, limit: int = 200) -> list[ThrottleRow]:
    """NIPs and addresses with failed sign-ins in the window, the most recent first (one
    query; reset requests are not sign-ins and wait out their own window)."""
    now = _now()
    since = now - timedelta(seconds=policy.window_seconds)
    rows = session.execute(
        select(LoginFailure.key, func.count(), func.max(LoginFailure.at))
        .where(LoginFailure.at >= since,
               or_(*(LoginFailure.key.startswith(prefix) for prefix in LOGIN_KEYS)))
        .group_by(LoginFailure.key)
        .order_by(func.max(LoginFailure.at).desc()).limit(limit))
    result = []
    for key, count, last in rows:
        scope = "nip" if key.startswith(NIP_PREFIX) else "address"
        free = policy.free_per_nip if scope == "nip" else policy.free_per_address
        delay = policy.delay(count, free)
        wait = max(0, math.ceil((last + timedelta(seconds=delay) - now).total_seconds()))
        result.append(ThrottleRow(key, scope, key.partition(":")[2], count, last,
                                  wait if delay else 0))
    return result
