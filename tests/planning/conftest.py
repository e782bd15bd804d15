"""The manager tests' organisation and credit fixtures, and signed-in clients."""

from __future__ import annotations

import pytest

from tests.manager.conftest import credit, org  # noqa: F401  (fixtures)


@pytest.fixture
def as_user(app, login):
    """A fresh client signed in as the user (one client per person)."""

    def make(user):
        client = app.test_client()
        login(user, target=client)
        return client

    return make
