"""Fixtures for outside training: a certificate store of its own per test, and a way to
record a training."""

from __future__ import annotations

import io

import pytest

from lms.competency.external import record_external_training
from tests.competency.certificates import PDF, training_input


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
