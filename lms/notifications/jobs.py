"""One run of ``lms notify``: what the command does, callable from tests on their own clock."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from lms.notifications.events import Created, create_due_notices
from lms.notifications.mail import MailSettings, SendReport, send_pending


def run_notify(session: Session, config: dict[str, Any], today: date, *,
               send: bool = True) -> tuple[Created, SendReport | None]:
    """Create the notices due ``today`` (committed), then send the pending e-mails when a mail
    server is configured (None when not, or when ``send`` is false). ValueError when the mail
    settings are incomplete, before anything is done."""
    settings = MailSettings.from_config(config)
    created = create_due_notices(session, today, config["QUEUE_REMINDER_DAYS"])
    session.commit()
    if not send or settings is None:
        return created, None
    return created, send_pending(session, settings)
