"""Sign-in throttling without lock-out: failures are counted per NIP and per client address
in the database (shared by every worker and host); past a free allowance each further failure
doubles the wait before the next attempt, up to a cap. Nothing locks an account: the owner's
usual browser skips the per-NIP wait, and an admin can clear either count."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from lms import timeutil
from lms.auth.models import LoginFailure

NIP_PREFIX, ADDRESS_PREFIX = "nip:", "ip:"


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


def nip_key(nip: str) -> str:
    """The throttle key of a typed NIP (digits only, so spaces and dots do not evade it)."""
    return NIP_PREFIX + "".join(ch for ch in nip if ch.isdigit())[:40]


def address_key(remote: str) -> str:
    """The throttle key of a client address."""
    return ADDRESS_PREFIX + remote[:64]


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
                   known_device: bool) -> None:
    """Raise Throttled when this NIP (unless tried from the owner's known browser) or this
    address must still wait; forget failures older than the window."""
    now = _now()
    session.execute(delete(LoginFailure).where(
        LoginFailure.at < now - timedelta(seconds=policy.window_seconds)))
    waits = [(_wait(session, address_key(remote), policy.free_per_address, policy, now),
              "address")]
    if not known_device:
        waits.append((_wait(session, nip_key(nip), policy.free_per_nip, policy, now), "nip"))
    wait, scope = max(waits)
    if wait > 0:
        raise Throttled(wait, scope)


def record_failure(session: Session, nip: str, remote: str, policy: ThrottlePolicy) -> int:
    """Count a failed sign-in against the NIP and the address; returns the wait it now
    imposes on the NIP or the address (0 while within the free allowance)."""
    now = _now()
    session.add_all([LoginFailure(key=nip_key(nip), at=now),
                     LoginFailure(key=address_key(remote), at=now)])
    session.flush()
    return max(_wait(session, nip_key(nip), policy.free_per_nip, policy, now),
               _wait(session, address_key(remote), policy.free_per_address, policy, now))


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
    """NIPs and addresses with failures in the window, the most recent first (one query)."""
    now = _now()
    since = now - timedelta(seconds=policy.window_seconds)
    rows = session.execute(
        select(LoginFailure.key, func.count(), func.max(LoginFailure.at))
        .where(LoginFailure.at >= since).group_by(LoginFailure.key)
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
