"""Fixtures for outside training: a certificate store of its own per test, and a way to
record a training."""

from __future__ import annotations

import io

import pytest

from lms.competency.external import record_external_training
from lms.competency.uploads import CertificateStore
from tests.competency.certificates import PDF, training_input


@pytest.fixture(autouse=True)
def _own_upload_folder(app, tmp_path):
    """Each test stores certificates in its own folder, so it sees only its own files."""
    app.config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")


@pytest.fixture
def store(app) -> CertificateStore:
    """The app's certificate store."""
    return CertificateStore.from_config(app.config)


@pytest.fixture
def record(db, store):
    """Record an outside training for ``employee`` (by themself unless ``by``)."""

    def do(employee, by=None, content: bytes = PDF, **changes):
        training = record_external_training(db.session, employee, by or employee,
                                            training_input(**changes), io.BytesIO(content),
                                            store=store)
        db.session.commit()
        return training

    return do
