"""Two requests issuing the same certificate, or creating the missing certificate of the same
completion, at the same moment: one certificate, issued once (real threads, own sessions).
On PostgreSQL the row lock and the unique ledger entry decide. SQLite serialises writers
itself, and a deferred transaction that loses the race for its write lock is refused
("database is locked") rather than queued: there these races are not run."""

from __future__ import annotations

import threading

import pytest

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lms.certificates.models import Certificate
from lms.certificates.services import Issuer, ensure_certificate, issue
from lms.competency.models import JpLedgerEntry


def _together(app, work, n: int = 2) -> list:
    barrier, results, errors = threading.Barrier(n), [], []

    def run():
        with app.app_context():
            from lms.extensions import db

            with Session(db.engine) as session:
                try:
                    barrier.wait()
                    results.append(work(session))
                    session.commit()
                except Exception as exc:  # reported below
                    errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors, errors
    return results


@pytest.fixture(autouse=True)
def _postgresql_only(db):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("concurrent transactions are a PostgreSQL matter (see the docstring)")


def test_concurrent_first_downloads_issue_once(completed, app, db):
    _slug, certificate, _ = completed
    issuer = Issuer.from_config(app.config, app.instance_path)
    results = _together(app, lambda s: issue(s, s.get(Certificate, certificate.id), issuer)
                        .credential)
    assert results[0] == results[1]  # the same signed credential
    db.session.refresh(certificate)
    assert certificate.issued_at is not None
    assert (issuer.store.folder / certificate.pdf_file).read_bytes().startswith(b"%PDF-")


def test_concurrent_lazy_creation_makes_one_certificate(completed, app, db):
    _slug, certificate, _ = completed
    db.session.delete(certificate)
    db.session.commit()
    entry_id = db.session.scalar(select(JpLedgerEntry.id))
    codes = _together(app, lambda s: ensure_certificate(s, s.get(JpLedgerEntry, entry_id)).code)
    assert codes[0] == codes[1]
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 1
