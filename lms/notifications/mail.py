"""E-mail copies of notices, sent by ``lms notify`` over SMTP (smtplib).

Exactly once, even with two runs at the same moment: a run first *claims* a batch of pending
notices with one UPDATE that sets ``email_claimed_until`` (a lease) — on PostgreSQL its
subquery locks the rows FOR UPDATE SKIP LOCKED, so a second run takes other rows or none; on
SQLite the statement runs under the database's single write lock — and commits the claim
before talking to the mail server. Each sent notice is marked ``sent`` and committed right
after the server accepted it. A failed send records the attempt and the error and waits
(5 minutes, doubling up to 6 hours) before a later run retries it; the other notices go on.
After LMS_MAIL_MAX_ATTEMPTS failures, or when the server refuses the address for good, the
notice is ``failed``. A run that dies between the server's acceptance and the commit leaves
its claim to lapse: that one e-mail is sent again (at least once, never lost).
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid, parseaddr
from typing import Any

from flask_babel import force_locale
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from lms.auth.models import User
from lms.notifications.models import Notification
from lms.notifications.texts import email_body, subject
from lms.timeutil import utcnow

BATCH = 10  # notices claimed at a time
LEASE = timedelta(minutes=15)  # a claim lapses after this (a crashed run's notices free up)
FIRST_RETRY = timedelta(minutes=5)
LONGEST_RETRY = timedelta(hours=6)
LANGUAGE = "id"  # people have no language setting: e-mails are in Bahasa Indonesia


@dataclass(frozen=True)
class MailSettings:
    """How to reach the mail server (the LMS_SMTP_* and LMS_MAIL_FROM settings)."""

    host: str
    port: int
    sender: str
    user: str | None = None
    password: str | None = None
    starttls: bool = True
    timeout: float = 30
    max_attempts: int = 8
    base_url: str = "http://127.0.0.1:5000"

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> MailSettings | None:
        """The settings, or None when no mail server is configured; ValueError when a host
        is set without a sender address."""
        if not config.get("SMTP_HOST"):
            return None
        if not config.get("MAIL_FROM"):
            raise ValueError("LMS_SMTP_HOST is set but LMS_MAIL_FROM is not")
        return cls(host=config["SMTP_HOST"], port=int(config["SMTP_PORT"]),
                   sender=config["MAIL_FROM"], user=config.get("SMTP_USER") or None,
                   password=config.get("SMTP_PASSWORD") or None,
                   starttls=bool(config["SMTP_STARTTLS"]),
                   timeout=float(config["SMTP_TIMEOUT_SECONDS"]),
                   max_attempts=int(config["MAIL_MAX_ATTEMPTS"]),
                   base_url=config["BASE_URL"])


@dataclass
class SendReport:
    """What one run did with the pending e-mails."""

    sent: int = 0
    retry: int = 0  # failed this time, tried again later
    failed: int = 0  # given up
    skipped: int = 0  # no longer wanted: no address, e-mail turned off, account disabled
    errors: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (f"{self.sent} e-mail(s) sent, {self.retry} to retry, {self.failed} failed, "
                f"{self.skipped} skipped")


def retry_delay(attempts: int) -> timedelta:
    """The wait before the next try after ``attempts`` failed ones: 5 min, 10, 20… 6 h."""
    return min(FIRST_RETRY * 2 ** max(0, attempts - 1), LONGEST_RETRY)


def skip_unwanted(session: Session) -> int:
    """Stop pending e-mails whose person has no address any more, turned e-mail off or was
    disabled since the notice was made (the notice stays in the app)."""
    unwanted = select(User.id).where(or_(User.email.is_(None), User.email == "",
                                         User.email_notifications.is_(False),
                                         User.active.is_(False)))
    return session.execute(
        update(Notification)
        .where(Notification.email_status == "pending", Notification.user_id.in_(unwanted))
        .values(email_status="skipped", email_claimed_until=None)
        .execution_options(synchronize_session=False)).rowcount


def claim(session: Session, limit: int = BATCH) -> list[int]:
    """Take up to ``limit`` pending notices that no run holds and whose retry time has come:
    one statement, which two runs at once never both win for a row. Commit it before sending."""
    now = utcnow()
    free = (Notification.email_status == "pending",
            or_(Notification.email_claimed_until.is_(None),
                Notification.email_claimed_until <= now))
    candidates = (select(Notification.id).where(*free).order_by(Notification.id).limit(limit)
                  .with_for_update(skip_locked=True))
    return list(session.scalars(
        update(Notification).where(Notification.id.in_(candidates), *free)
        .values(email_claimed_until=now + LEASE,
                email_attempts=Notification.email_attempts + 1)
        .returning(Notification.id).execution_options(synchronize_session=False)))


def _message(notice: Notification, user: User, settings: MailSettings) -> EmailMessage:
    message = EmailMessage()
    with force_locale(LANGUAGE):
        message["Subject"] = f"[Kelas ASN] {subject(notice.kind, notice.params)}"
        message.set_content(email_body(notice.kind, notice.params, user.name,
                                       settings.base_url))
    message["From"] = settings.sender
    message["To"] = formataddr((user.name, user.email or ""))
    message["Date"] = format_datetime(utcnow().replace(tzinfo=UTC), usegmt=True)
    domain = parseaddr(settings.sender)[1].rpartition("@")[2] or "localhost"
    message["Message-ID"] = make_msgid(f"notice{notice.id}", domain=domain)  # no DNS look-up
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies
    message["X-Kelas-ASN-Notification"] = str(notice.id)
    return message


def _connect(settings: MailSettings) -> smtplib.SMTP:
    connection = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    try:
        if settings.starttls:
            connection.starttls(context=ssl.create_default_context())
        if settings.user and settings.password:
            connection.login(settings.user, settings.password)
    except BaseException:
        connection.close()
        raise
    return connection


def send_one(settings: MailSettings, message: EmailMessage,
             connect: Callable[[MailSettings], smtplib.SMTP] = _connect) -> None:
    """Send one message over a connection of its own (an e-mail that cannot wait for the
    next ``lms notify`` run, such as a password-reset link); raises OSError or
    SMTPException when it cannot be delivered to the server."""
    connection = connect(settings)
    try:
        connection.send_message(message)
    finally:
        try:
            connection.quit()
        except (OSError, smtplib.SMTPException):
            connection.close()


def _sent(session: Session, notice_id: int) -> None:
    session.execute(update(Notification).where(Notification.id == notice_id).values(
        email_status="sent", emailed_at=utcnow(), email_claimed_until=None, email_error=None)
        .execution_options(synchronize_session=False))
    session.commit()


def _failed(session: Session, notice: Notification, error: str, settings: MailSettings,
            report: SendReport, *, permanent: bool = False) -> None:
    """Record a failed try: retried after a growing wait, or given up."""
    give_up = permanent or notice.email_attempts >= settings.max_attempts
    session.execute(update(Notification).where(Notification.id == notice.id).values(
        email_status="failed" if give_up else "pending", email_error=error[:300],
        email_claimed_until=None if give_up else utcnow() + retry_delay(notice.email_attempts))
        .execution_options(synchronize_session=False))
    session.commit()
    if give_up:
        report.failed += 1
    else:
        report.retry += 1
    report.errors.append(f"notice {notice.id}: {error}")


def _release(session: Session, notices: list) -> None:
    """Give back claimed notices not tried (the lease is running out): no attempt counted."""
    for notice, _user in notices:
        session.execute(update(Notification).where(Notification.id == notice.id).values(
            email_claimed_until=None, email_attempts=Notification.email_attempts - 1)
            .execution_options(synchronize_session=False))
    session.commit()


def _error(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def send_pending(session: Session, settings: MailSettings,
                 connect: Callable[[MailSettings], smtplib.SMTP] = _connect) -> SendReport:
    """Send every pending e-mail whose time has come, a claimed batch at a time, over one
    connection; when the server cannot be reached the run stops (the claimed notices wait
    for their retry) and the next run tries again. Unlike a service this commits, as it goes:
    a claim must be visible to other runs before its e-mail is sent, a send recorded at once."""
    report = SendReport(skipped=skip_unwanted(session))
    session.commit()
    connection: smtplib.SMTP | None = None
    try:
        while ids := claim(session):
            session.commit()
            # Stop sending a batch well before its claim lapses and another run may take it.
            deadline = utcnow() + LEASE - timedelta(seconds=4 * settings.timeout)
            notices = session.execute(
                select(Notification, User).join(User, User.id == Notification.user_id)
                .where(Notification.id.in_(ids)).order_by(Notification.id)
                .execution_options(populate_existing=True)).all()  # fresh attempt counts
            session.expunge_all()  # the rows are read; each update below is a statement
            for position, (notice, user) in enumerate(notices):
                if utcnow() > deadline:
                    _release(session, notices[position:])
                    break
                try:
                    connection = connection or connect(settings)
                except (OSError, smtplib.SMTPException) as exc:
                    for waiting, _user in notices[position:]:
                        _failed(session, waiting, f"cannot reach the mail server: "
                                f"{_error(exc)}", settings, report)
                    return report
                try:
                    connection.send_message(_message(notice, user, settings))
                except smtplib.SMTPRecipientsRefused as exc:
                    codes = [code for code, _text in exc.recipients.values()]
                    _failed(session, notice, _error(exc), settings, report,
                            permanent=all(code >= 500 for code in codes))
                except (smtplib.SMTPServerDisconnected, OSError) as exc:
                    connection = None  # reconnect for the next one
                    _failed(session, notice, _error(exc), settings, report)
                except smtplib.SMTPException as exc:
                    _failed(session, notice, _error(exc), settings, report)
                else:
                    _sent(session, notice.id)
                    report.sent += 1
    finally:
        if connection is not None:
            try:
                connection.quit()
            except (OSError, smtplib.SMTPException):
                connection.close()
    return report
