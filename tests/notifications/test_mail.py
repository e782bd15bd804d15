"""`lms notify` sends each notice's e-mail once, through a real SMTP server (aiosmtpd): only to
people who want it, retried when the server is down, never blocking the others."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from sqlalchemy import select

from lms.notifications.models import Notification
from lms.notifications.services import notify


def _status(db, notice_id):
    db.session.expire_all()
    return db.session.get(Notification, notice_id)


def _notice(db, user, key="assigned:1", kind="assigned", **params):
    notify(db.session, user, kind, key,
           params or {"course": "Pelayanan Prima", "due_on": "2026-07-31"})
    db.session.commit()
    return db.session.scalar(select(Notification).where(Notification.user_id == user.id,
                                                        Notification.key == key))


def test_each_notice_is_emailed_once(db, smtp, run, mail_user):
    andi = mail_user(name="Andi Pratama", email="andi@dukcapil.example")
    assigned = _notice(db, andi)
    rejected = _notice(db, andi, "evidence:4:rejected:x", "rejected", item="outside_training",
                       title="Diklat Arsip", by="Budi Santoso", reason="Sertifikat buram.")
    assert assigned.email_status == rejected.email_status == "pending"
    _created, report = run()
    assert (report.sent, report.retry, report.failed) == (2, 0, 0)
    first, second = smtp.messages
    assert first["To"] == "Andi Pratama <andi@dukcapil.example>"
    assert first["From"] == "Kelas ASN <noreply@kelasasn.example>"
    assert first["Subject"] == "[Kelas ASN] Kursus wajib baru: Pelayanan Prima"
    assert first["X-Kelas-ASN-Notification"] == str(assigned.id)
    body = first.get_content().replace("\r\n", "\n")
    assert body.startswith("Yth. Andi Pratama,")
    assert "Anda ditugaskan mengikuti kursus “Pelayanan Prima”, tenggat 31 Jul 2026." in body
    assert "Buka: http://127.0.0.1:5000/\n" in body
    assert "matikan di http://127.0.0.1:5000/notifikasi" in body
    assert second["Subject"] == "[Kelas ASN] Pengajuan Anda ditolak"
    assert "Alasan: Sertifikat buram." in second.get_content()
    sent = _status(db, assigned.id)
    assert (sent.email_status, sent.email_attempts, sent.emailed_at is not None) == (
        "sent", 1, True)
    # A second run (cron, minutes later) sends nothing again.
    _created, report = run()
    assert report.sent == 0 and len(smtp.messages) == 2


def test_opt_out_and_missing_address_are_respected(db, client, login, smtp, run, mail_user,
                                                   make_user):
    opted_out, no_address, changes_mind = mail_user(), make_user(), mail_user()
    opted_out.email_notifications = False
    db.session.commit()
    assert _notice(db, opted_out).email_status == "skipped"
    assert _notice(db, no_address).email_status == "skipped"
    waiting = _notice(db, changes_mind)
    assert waiting.email_status == "pending"
    # The person turns e-mail off on their notifications page before the next run.
    login(changes_mind)
    client.post("/notifikasi/email", data={})
    _created, report = run()
    assert report.sent == 0 and report.skipped == 1 and smtp.messages == []
    assert _status(db, waiting.id).email_status == "skipped"
    # The notices themselves stay in the app.
    assert "Pelayanan Prima" in client.get("/notifikasi").get_data(as_text=True)


def test_without_a_mail_server_nothing_is_sent_or_kept_pending(app, db, run, mail_user,
                                                               runner):
    app.config["SMTP_HOST"] = None
    notice = _notice(db, mail_user())
    assert notice.email_status == "skipped"  # setting up mail later sends no backlog
    assert run()[1] is None
    result = runner.invoke(args=["lms", "notify"])
    assert result.exit_code == 0
    assert "LMS_SMTP_HOST is not set: no e-mail sent" in result.output


def test_a_host_without_sender_is_refused(app, runner):
    app.config.update(SMTP_HOST="127.0.0.1", MAIL_FROM=None)
    result = runner.invoke(args=["lms", "notify"])
    assert result.exit_code == 1 and "LMS_MAIL_FROM is not" in result.output


def test_server_down_is_retried_later(app, db, clock, mail_server, run, mail_user, runner):
    clock.freeze()
    users = [mail_user() for _ in range(3)]
    notices = [_notice(db, user) for user in users]
    result = runner.invoke(args=["lms", "notify"])  # nothing listens on the port yet
    assert result.exit_code == 1 and "cannot reach the mail server" in result.output
    assert "0 e-mail(s) sent, 3 to retry" in result.output
    for notice in notices:
        row = _status(db, notice.id)
        assert (row.email_status, row.email_attempts) == ("pending", 1)
        assert "cannot reach the mail server" in row.email_error
    mail_server.start()
    _created, report = run()  # the retry waits 5 minutes: nothing tried yet
    assert report.sent == 0 and _status(db, notices[0].id).email_attempts == 1
    clock.advance(timedelta(minutes=5))
    _created, report = run()
    assert report.sent == 3 and len(mail_server.inbox.messages) == 3
    row = _status(db, notices[0].id)
    assert (row.email_status, row.email_attempts, row.email_error) == ("sent", 2, None)


def test_a_refused_address_does_not_block_the_others(db, clock, smtp, run, mail_user):
    clock.freeze()
    unknown, busy, fine = (mail_user(email=f"{n}@instansi.example")
                           for n in ("unknown", "busy", "fine"))
    smtp.refuse = {"unknown@instansi.example": "550 5.1.1 No such user",
                   "busy@instansi.example": "451 4.3.0 Mailbox busy, try later"}
    refused, later, sent = (_notice(db, user) for user in (unknown, busy, fine))
    _created, report = run()
    assert (report.sent, report.retry, report.failed) == (1, 1, 1)
    assert [m["To"] for m in smtp.messages] == ["Pegawai Uji <fine@instansi.example>"]
    assert _status(db, refused.id).email_status == "failed"  # a 5xx: given up at once
    assert "No such user" in _status(db, refused.id).email_error
    assert _status(db, later.id).email_status == "pending"  # a 4xx: tried again
    assert _status(db, sent.id).email_status == "sent"
    smtp.refuse = {}
    clock.advance(timedelta(minutes=5))
    _created, report = run()
    assert report.sent == 1 and smtp.to("busy@instansi.example")


def test_retries_wait_longer_and_end(app, db, clock, mail_server, run, mail_user):
    clock.freeze()
    app.config["MAIL_MAX_ATTEMPTS"] = 3
    notice = _notice(db, mail_user())
    waits = []
    for _attempt in range(3):
        run()
        row = _status(db, notice.id)
        if row.email_claimed_until:
            waits.append(row.email_claimed_until - clock().replace(tzinfo=None))
            clock.advance(waits[-1])
    assert waits == [timedelta(minutes=5), timedelta(minutes=10)]
    row = _status(db, notice.id)
    assert (row.email_status, row.email_attempts) == ("failed", 3)
    mail_server.start()
    clock.advance(timedelta(days=1))
    assert run()[1].sent == 0 and mail_server.inbox.messages == []


def test_a_crashed_run_s_claim_lapses(db, clock, smtp, run, mail_user):
    from lms.notifications.mail import claim

    clock.freeze()
    notice = _notice(db, mail_user())
    assert claim(db.session) == [notice.id]  # a run claims it, then dies before sending
    db.session.commit()
    assert run()[1].sent == 0  # held by the dead run
    clock.advance(timedelta(minutes=15))
    assert run()[1].sent == 1 and len(smtp.messages) == 1


def test_cli_prints_what_it_did(db, smtp, mail_user, runner):
    _notice(db, mail_user())
    result = runner.invoke(args=["lms", "notify"])
    assert result.exit_code == 0, result.output
    assert ("notices created: 0 due soon, 0 overdue, 0 queue reminder(s), "
            "0 transfer evaluation(s)") in result.output
    assert "1 e-mail(s) sent, 0 to retry, 0 failed, 0 skipped" in result.output
    assert Counter(m["X-Kelas-ASN-Notification"] for m in smtp.messages).most_common(1)[0][1] == 1
