"""Pages with holes: a page rendered once per process, then sent with the personal parts filled.

A lesson page is the same for every learner of the same lesson with the same roles, language
and done mark, but for a handful of values: the form token, the progress bar, the counts in
the navigation, the name in the footer, the language link back to this address. The layout
and the lesson mark those places with ``hole(name)``, which writes a marker; every rendered
template has its markers replaced by the values of ``HOLES`` before it is sent. So a page can
also be kept with its markers (``render_shell``) and, the next time, filled without running
the template at all: the values are computed as they would be in the template, so the answer
is the same, byte for byte, as rendering it (tests/learning/test_page_fragments.py).

A marker is a name between two NUL characters, which no rendered page otherwise holds (forms
refuse NUL, ``lms.inputs``; an HTML parser replaces it, so sanitised content holds none).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from flask import current_app, g, render_template, request, session, url_for
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from jinja2 import Template
from markupsafe import Markup, escape

from lms.fragments import fragment_key, kept
from lms.templating import layout_key, locale_code, nav_counts, progress_bar, translations

MARK = "\x00"


def _count(value: int) -> Markup:
    return Markup(f'<span class="count{" zero" if not value else ""}">{int(value)}</span>')


def _user_line(context: dict) -> Markup:
    user = current_user._get_current_object()
    if not user.is_authenticated:
        return Markup("")
    # The unit's name as the user loader read it, unless another user signed in since.
    read = getattr(request, "_unit_name", None)
    unit = read[1] if read and read[0] == user.id else user.unit.name
    return escape(f"{user.name} · {user.nip_display} · {unit} · ")


@lru_cache(maxsize=1024)
def _language_url(script_root: str, code: str, next_path: str) -> str:
    return escape(url_for("auth.language", code=code, next=next_path))


def _language_href(context: dict) -> str:
    """The link to the other language, back to this address (kept per address)."""
    return _language_url(request.script_root, "id" if locale_code() == "en" else "en",
                         request.full_path)


@lru_cache(maxsize=4)
def _csrf_signer(secret_key: str | bytes) -> tuple[URLSafeTimedSerializer, TimestampSigner]:
    serializer = URLSafeTimedSerializer(secret_key, salt="wtf-csrf-token")
    signer = serializer.make_signer()
    # The same signatures, with the key derived once: itsdangerous derives it on every sign.
    derived = TimestampSigner(signer.derive_key(), salt=signer.salt, sep=signer.sep,
                              key_derivation="none", digest_method=signer.digest_method,
                              algorithm=signer.algorithm)
    return serializer, derived


@lru_cache(maxsize=4096)
def _csrf_payload(secret_key: str | bytes, raw: str) -> bytes:
    return _csrf_signer(secret_key)[0].dump_payload(raw)


def csrf_token() -> str:
    """Flask-WTF's form token (``generate_csrf``), the same string, with the serializer and
    the session's part of the token kept: only the timestamp and its signature are new."""
    app = current_app._get_current_object()
    raw = session.get("csrf_token")
    if "csrf_token" in g or raw is None or not isinstance(raw, str) \
            or app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token") != "csrf_token":
        return generate_csrf()  # made once per request, or the session's first token
    key = app.config.get("WTF_CSRF_SECRET_KEY") or app.secret_key
    g.csrf_token = token = _csrf_signer(key)[1].sign(_csrf_payload(key, raw)).decode()
    return token


# What each hole holds, from the template's context and the request.
HOLES: dict[str, Callable[[dict], str]] = {
    "csrf_token": lambda context: csrf_token(),
    "queue_count": lambda context: _count(nav_counts()[0]),
    "unread_count": lambda context: _count(nav_counts()[1]),
    "user_line": _user_line,
    "language_href": _language_href,
    "progress": lambda context: progress_bar(
        context["progress"].percent, translations().ugettext("Kemajuan kursus")),
}


_MARKERS = {name: Markup(f"{MARK}{name}{MARK}") for name in HOLES}


def hole(name: str) -> Markup:
    """The template global: the marker of the hole ``name``, filled before the page is sent."""
    return _MARKERS[name]


def fill(html: str, context: dict) -> str:
    """``html`` with each marker replaced by its value."""
    if MARK not in html:
        return html
    parts = html.split(MARK)
    for n in range(1, len(parts), 2):
        filler = HOLES.get(parts[n])
        if filler is None:  # not a marker: put the text back as it was
            parts[n] = f"{MARK}{parts[n]}{MARK}"
        else:
            parts[n] = str(filler(context))
    return "".join(parts)


class PageTemplate(Template):
    """Jinja's template whose ``render`` fills the holes (Flask's ``render_template`` calls
    it); ``render_with_holes`` leaves the markers in."""

    def render(self, *args, **kwargs) -> str:
        context = dict(*args, **kwargs)
        return fill(super().render(context), context)

    def render_with_holes(self, context: dict) -> str:
        return super().render(context)


def render_shell(template_name: str, key: tuple, **context) -> str:
    """``render_template`` for a page that is the same for everyone with the same ``key``
    (what the page shows besides its holes) and layout: rendered with its markers once per
    process, then only filled. A page with flash messages is rendered as usual."""
    app = current_app._get_current_object()
    if not app.config["PAGE_SHELLS"] or "_flashes" in session:
        return render_template(template_name, **context)
    def render() -> str:
        full = dict(context)
        app.update_template_context(full)
        return app.jinja_env.get_template(template_name).render_with_holes(full)

    shell_key = fragment_key("shell", template_name, *key, layout_key())
    return fill(kept(app.jinja_env, shell_key, render), context)


def register_pages(app) -> None:
    """Templates fill their holes; ``hole`` and the faster ``csrf_token`` are globals."""
    app.jinja_env.globals["csrf_token"] = csrf_token
    app.jinja_env.template_class = PageTemplate
    app.jinja_env.globals["hole"] = hole
