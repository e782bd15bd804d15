"""A learner working through the test course on the pages: what records xAPI statements."""

from __future__ import annotations

import re
from datetime import timedelta

from tests.conftest import PASSING_ANSWERS


def work_through_course(client, slug: str, clock, *, quiz_minutes: int = 7) -> None:
    """Both lessons, then the quiz passed ``quiz_minutes`` after its page was opened."""
    for key in ("pengantar", "lanjutan"):
        client.post(f"/kursus/{slug}/materi/{key}/selesai")
    clock.freeze(clock().replace(microsecond=0))  # a quiz token is signed to the second
    page = client.get(f"/kursus/{slug}/kuis/kuis").get_data(as_text=True)
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    clock.advance(timedelta(minutes=quiz_minutes))
    form = {"token": token, **{f"q-{k}": v for k, v in PASSING_ANSWERS.items()}}
    assert client.post(f"/kursus/{slug}/kuis/kuis", data=form).status_code == 302


def sign_in(client, login, user) -> None:
    """Sign out whoever is signed in, then sign ``user`` in."""
    client.post("/keluar")
    login(user)
