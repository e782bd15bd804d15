"""Every route's access rule: nothing but the sign-in and help pages and static files without a
session, and no learner can reach another learner's attempt."""

import re

import pytest

PUBLIC = {"static", "auth.login", "auth.help_page", "auth.language", "api.openapi", "ops.healthz",
          "certificates.verification", "certificates.jwks", "offline.service_worker",
          "offline.web_manifest", "offline.fallback", "auth.reset_request", "auth.reset_sent",
          "auth.reset_password_page"}
# Called by scripts (fetch), not opened as pages: signed out, they answer a JSON 401.
JSON_FOR_SCRIPTS = {"offline.course_files", "offline.token", "offline.sync"}


def _routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC or rule.rule.startswith("/api/"):
            continue
        values = {arg: ("1" if "id" in arg or arg == "number" else "x") for arg in rule.arguments}
        path = rule.rule
        for arg, value in values.items():
            path = re.sub(rf"<(?:[a-z]+:)?{arg}>", value, path)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            yield rule.endpoint, method, path


def test_every_html_route_requires_sign_in(app, client):
    routes = list(_routes(app))
    assert len(routes) >= 10
    for endpoint, method, path in routes:
        response = client.open(path, method=method)
        if endpoint in JSON_FOR_SCRIPTS:
            assert response.status_code == 401 and response.is_json, endpoint
            continue
        assert response.status_code == 302, (endpoint, method, path)
        assert "/masuk" in response.headers["Location"], endpoint


def test_attempt_results_are_private(app, make_user, login, make_course):
    slug = make_course()
    owner, other = make_user(), make_user()
    first, second = app.test_client(), app.test_client()
    login(owner, target=first)
    login(other, target=second)
    page = first.get(f"/kursus/{slug}/kuis/kuis").get_data(as_text=True)
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    result_url = first.post(f"/kursus/{slug}/kuis/kuis", data={"token": token, "confirm": "1"}).headers["Location"]
    assert first.get(result_url).status_code == 200
    assert second.get(result_url).status_code == 404
    # A token signed for one learner cannot be replayed by another.
    assert second.post(f"/kursus/{slug}/kuis/kuis", data={"token": token, "confirm": "1"}).status_code == 400


@pytest.mark.parametrize("path", ["/kursus/tidak-ada", "/kursus/tidak-ada/materi/x",
                                  "/kursus/tidak-ada/kuis/x", "/hasil-kuis/999999"])
def test_unknown_things_are_404(client, make_user, login, path):
    login(make_user())
    assert client.get(path).status_code == 404
