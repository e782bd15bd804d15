"""Kelas ASN: lightweight e-learning for Indonesian civil servants."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask, session

from lms import config as lms_config

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict[str, Any] | None = None, *, web: bool = True) -> Flask:
    """Build the application: config, extensions, blueprints and CLI — nothing else.

    ``web=False`` builds only what the ``lms`` commands use (configuration, database,
    translations, models): several times faster to start, without views, forms and Alembic."""
    # Imported here, not at the top: ``import lms`` stays light so ``lms --help`` starts fast.
    from lms.extensions import (babel, csrf, db, enable_migrations, login_manager,
                                ping_idle_connections)
    from lms.timeutil import timezone_name

    app = Flask(
        "lms",
        instance_path=os.environ.get("LMS_INSTANCE_PATH") or str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        static_url_path="/static",  # fixed: static_url() builds on it, whatever the folder
    )
    app.config.from_mapping(lms_config.DEFAULTS)
    app.config.from_pyfile("settings.py", silent=True)
    app.config.update(lms_config.from_environment(os.environ))
    if config:
        app.config.update(config)
    _fill_defaults(app)
    db.init_app(app)
    with app.app_context():
        ping_idle_connections(db.engine)
    babel.init_app(app, locale_selector=_select_locale, timezone_selector=timezone_name)
    from lms import models  # noqa: F401  (registers every table on the metadata)
    from lms.courses.cache import EXTENSION, VersionCache

    app.extensions[EXTENSION] = VersionCache(app.config["VERSION_CACHE_MB"] * 1024 * 1024)

    if not web:
        return app
    if app.config["PROXY_COUNT"]:
        # Behind N reverse proxies, trust their X-Forwarded-* headers (client address for the
        # sign-in rate limit, scheme and host for redirects).
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]

    enable_migrations(app)
    csrf.init_app(app)
    from lms.delivery import init_delivery

    init_delivery(app)  # first: its after_request hooks run last (compression sees the final body)
    login_manager.init_app(app)

    from lms.admin import views as admin_views
    from lms.api import views as api_views
    from lms.application_tasks import views as application_task_views
    from lms.audit import views as audit_views
    from lms.auth import views as auth_views
    from lms.authoring import views as authoring_views
    from lms.certificates import signing_views  # noqa: F401  (routes on certificates.bp)
    from lms.certificates import views as certificate_views
    from lms.cli import lms_group
    from lms.competency import views as competency_views
    from lms.courses import views as course_views
    from lms.errors import register_error_handlers
    from lms.evaluation import views as evaluation_views
    from lms.inputs import register_input_bounds
    from lms.learning import views as learning_views
    from lms.manager import views as manager_views
    from lms.mentoring import views as mentoring_views
    from lms.notifications import views as notification_views
    from lms.offline import views as offline_views
    from lms.ops import views as ops_views
    from lms.planning import views as planning_views
    from lms.quizzes import views as quiz_views
    from lms.siasn import views as siasn_views
    from lms.pages import register_pages
    from lms.templating import register_template_helpers

    register_input_bounds(app)  # before the routes: their <int:…> parts use its converter
    for views in (auth_views, course_views, learning_views, quiz_views, competency_views,
                  manager_views, notification_views, authoring_views, admin_views, ops_views,
                  audit_views, certificate_views, siasn_views, planning_views,
                  offline_views, mentoring_views, application_task_views, evaluation_views):
        app.register_blueprint(views.bp)
    app.register_blueprint(api_views.bp, url_prefix="/api/v1")
    csrf.exempt(api_views.bp)  # token-authenticated, no cookies
    app.after_request(_security_headers)
    register_error_handlers(app)
    register_template_helpers(app)
    register_pages(app)
    app.cli.add_command(lms_group)
    return app


def _fill_defaults(app: Flask) -> None:
    """Derive the settings that depend on the instance folder."""
    instance = Path(app.instance_path)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        instance.mkdir(parents=True, exist_ok=True)
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'kelas-asn.db'}"
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(instance)
    if not app.config.get("UPLOAD_FOLDER"):
        app.config["UPLOAD_FOLDER"] = str(instance / "uploads")
    # One time zone for everything: pages (Babel) show times in the zone "today" is taken in.
    from lms.timeutil import zone

    zone(app.config["TIMEZONE"])  # an unknown name stops start-up with one clear line
    app.config["BABEL_DEFAULT_TIMEZONE"] = app.config["TIMEZONE"]


def _instance_secret(instance: Path) -> str:
    """A secret kept in the instance folder, so every worker process signs alike."""
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
    return path.read_text().strip()


_LOCALES: dict[str, object] = {}  # language code -> babel Locale


def _select_locale():
    """Bahasa Indonesia unless the visitor chose another supported language (a parsed
    Locale, kept per process: Flask-Babel would parse the code again on every request)."""
    from babel import Locale
    from flask import current_app

    chosen = session.get("lang")
    code = chosen if chosen in current_app.config["LANGUAGES"] else "id"
    locale = _LOCALES.get(code)
    if locale is None:
        locale = _LOCALES[code] = Locale.parse(code)
    return locale


SECURITY_HEADERS = (
    ("Content-Security-Policy",
     "default-src 'self'; img-src 'self'; style-src 'self'; script-src 'self'; "
     "object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
)


def _security_headers(response):
    """A strict CSP: pages load only their own CSS, JS and images, never a CDN. Nothing but
    the public static files may be stored by a browser or proxy (a shared office PC must not
    show a signed-out user's pages on Back), and HTTPS is pinned when cookies are secure."""
    from flask import current_app, request

    present = {key.lower() for key in response.headers.keys()}
    for key, value in SECURITY_HEADERS:
        if key.lower() not in present:
            response.headers.add(key, value)
    if request.endpoint != "static":
        # A view that chose its own caching (immutable course assets) keeps it.
        response.headers.setdefault("Cache-Control", "no-store")
    if current_app.config["SESSION_COOKIE_SECURE"] and current_app.config["HSTS_SECONDS"] > 0:
        response.headers.setdefault(
            "Strict-Transport-Security", f"max-age={current_app.config['HSTS_SECONDS']}")
    return response
