"""API fixtures: a token for a user and a client that sends it."""

from __future__ import annotations

import pytest

from lms.auth.services import create_token


class ApiClient:
    """The test client with ``Authorization: Bearer <token>`` on every request."""

    def __init__(self, client, token: str):
        self.client, self.token = client, token

    def _headers(self, headers: dict | None) -> dict:
        return {"Authorization": f"Bearer {self.token}", **(headers or {})}

    def get(self, path: str, **kwargs):
        return self.client.get("/api/v1" + path, headers=self._headers(kwargs.pop("headers", None)),
                               **kwargs)

    def post(self, path: str, **kwargs):
        return self.client.post("/api/v1" + path,
                                headers=self._headers(kwargs.pop("headers", None)), **kwargs)


@pytest.fixture
def token_for(db):
    """Create (and commit) an API token for a user."""

    def make(user) -> str:
        token = create_token(db.session, user)
        db.session.commit()
        return token

    return make


@pytest.fixture
def api_as(client, token_for):
    """An API client acting as the given user."""

    def make(user) -> ApiClient:
        return ApiClient(client, token_for(user))

    return make
