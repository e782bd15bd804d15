"""Hostile input never causes a 5xx: every route of the URL map, every method, signed out and
as an admin (with a session and an API token), gets huge ids, long strings, NUL bytes, broken
UTF-8, deeply nested and oversized JSON in its path, query string and body. No page it gets
back has a hole left unfilled (``lms.pages``)."""

from __future__ import annotations

import re

import pytest

from lms.auth.services import create_token

HUGE = "9" * 25  # past a 64-bit integer: SQLite raised OverflowError on it
LONG = "a" * 5000
BAD_VALUES = {"huge": HUGE, "long": LONG, "nul": "a%00b", "utf8": "%C0%AF%FF%FE", "neg": "-1"}
# Every query-string parameter a route reads (grep request.args), each given the bad value.
QUERY_NAMES = ("tahun", "hal", "dari", "ke", "year", "q", "unit", "jabatan", "status", "urut",
               "kursus", "format", "next", "jenis", "aksi", "pelaku", "sejak", "sampai", "peran")
# Form fields of the site's forms, each given the bad value.
FORM_NAMES = ("nip", "name", "password", "confirm", "code", "parent", "unit", "position", "roles",
              "employee_type", "golongan", "supervisor_nip", "active", "token", "title", "body",
              "q-q-jp", "course", "due_on", "nips", "level", "competency", "status", "reason",
              "note", "file", "jp", "provider", "kind", "start_date", "end_date", "rating",
              "comment", "head_nip", "type", "required_level", "csrf_token", "path", "content")
DEEP_JSON = b"[" * 50_000 + b"]" * 50_000
SKIP = {"static", "auth.logout"}  # signing out would end the admin's session mid-walk


def _real_values(slug: str, admin, unit) -> dict[str, str]:
    return {"slug": slug, "key": "kuis", "nip": admin.nip, "code": unit.code, "number": "1",
            "path": "gambar.png", "lesson_id": f"{slug}.pengantar", "quiz_id": f"{slug}.kuis",
            "code_": unit.code}


def _routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIP:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def _path(rule, values: dict[str, str], default: str | None = None) -> str:
    path = rule.rule
    for arg in rule.arguments:
        value = default if default is not None else values.get(arg, "1" if "id" in arg else "x")
        path = re.sub(rf"<(?:[a-z]+(?:\([^)]*\))?:)?{arg}>", lambda _m, v=value: v, path)
    return path


@pytest.fixture
def walk(app, db, make_unit, make_user, make_course):
    """Send every bad request to every route; returns the answers that were 5xx."""
    app.config["PROPAGATE_EXCEPTIONS"] = False  # an error is a 500 answer to collect, as live
    slug = make_course()
    unit = make_unit("WALK", "Unit Jalan")
    admin = make_user(role="admin", unit=unit)
    token = create_token(db.session, admin)
    db.session.commit()
    real = _real_values(slug, admin, unit)

    def run(client, *, signed_in: bool) -> list[tuple]:
        failures = []

        def send(rule, method, path, **kwargs):
            headers = kwargs.pop("headers", {})
            if signed_in and rule.rule.startswith("/api/"):
                headers["Authorization"] = f"Bearer {token}"
            response = client.open(path, method=method, headers=headers, **kwargs)
            if response.status_code >= 500:
                failures.append((rule.endpoint, method, path[:120], response.status_code))
            elif response.mimetype == "text/html" and b"\x00" in response.get_data():
                failures.append((rule.endpoint, method, path[:120], "a hole left unfilled"))
            return response

        for rule, method in _routes(app):
            for value in BAD_VALUES.values():
                if rule.arguments:
                    send(rule, method, _path(rule, real, value))
            if not signed_in:
                continue
            good = _path(rule, real)
            for value in BAD_VALUES.values():
                send(rule, method, good + "?" + "&".join(f"{n}={value}" for n in QUERY_NAMES))
                if method != "GET":
                    send(rule, method, good, data={n: value.replace("%00", "\x00")
                                                   for n in FORM_NAMES})
            if method != "GET":
                send(rule, method, good, data=DEEP_JSON,
                     headers={"Content-Type": "application/json"})
                send(rule, method, good, data=b'{"answers": {"a": "' + b"x" * 1_100_000 + b'"}}',
                     headers={"Content-Type": "application/json"})
                send(rule, method, good, data=b"&".join(n.encode() + b"=%FF%FE%C0"
                                                         for n in FORM_NAMES),
                     headers={"Content-Type": "application/x-www-form-urlencoded"})
                send(rule, method, good, data=b'{"answers": {"\xff": "\xfe"}}',
                     headers={"Content-Type": "application/json"})
        return failures

    return admin, run


@pytest.mark.slow
def test_no_route_answers_5xx_to_bad_input_signed_out(app, walk):
    _admin, run = walk
    assert run(app.test_client(), signed_in=False) == []


@pytest.mark.slow
def test_no_route_answers_5xx_to_bad_input_as_admin(app, walk, login):
    admin, run = walk
    client = app.test_client()
    login(admin, target=client)
    assert run(client, signed_in=True) == []


def test_huge_ids_in_urls_are_404(client, make_user, login):
    """The reported attack: /hasil-kuis/<25 digits> was an OverflowError and a 500."""
    login(make_user(role="admin"))
    for path in (f"/hasil-kuis/{HUGE}", f"/hasil-kuis/{2**31}", f"/admin/unit/{HUGE}",
                 f"/admin/jabatan/{2**63}"):
        assert client.get(path).status_code == 404, path


@pytest.mark.parametrize("body, words", [
    (DEEP_JSON, "nested deeper"),  # the reported attack: RecursionError, a 500
    (b'{"answers": {"q-jp": ' + b"[" * 40 + b"]" * 40 + b"}}", "nested deeper"),
    (b'{"answers": {"q-jp": "' + b"4" * (1024 * 1024) + b'"}}', "larger than"),
])
def test_hostile_json_is_a_400_in_the_api_error_shape(client, db, make_user, make_course,
                                                      body, words):
    make_course()
    token = create_token(db.session, make_user())
    db.session.commit()
    response = client.post("/api/v1/quizzes/kursus-uji.kuis/attempts", data=body,
                           headers={"Authorization": f"Bearer {token}",
                                    "Content-Type": "application/json"})
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "bad_request" and words in error["message"]
    from lms.quizzes.models import Attempt

    assert db.session.query(Attempt).count() == 0


def test_out_of_range_numbers_in_query_strings_are_400(client, make_user, login, make_course):
    make_course()
    login(make_user(role="admin"))
    base = "/pengajar/kursus/kursus-uji/beda"
    assert client.get(f"{base}?dari={HUGE}&ke=1").status_code == 400
    assert client.get(f"{base}?dari=1&ke={'9' * 5000}").status_code == 400
    assert client.get(f"{base}?dari=satu&ke=1").status_code == 400


def test_nul_bytes_are_refused_with_a_400(client, make_user, login):
    login(make_user())
    assert client.get("/kursus?q=a%00b").status_code == 400
    assert client.get("/kursus?q=a&q=a%00b").status_code == 400  # a second value too
    assert client.post("/masuk", data={"nip": "1\x002", "password": "x"}).status_code == 400
    assert client.post("/masuk", data={"nip": ["1", "1\x002"], "password": "x"}).status_code == 400
