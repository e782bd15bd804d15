"""Jinja filters and globals shared by all templates."""

from __future__ import annotations

import re
from datetime import datetime
from functools import lru_cache

from flask import Flask, g, has_request_context, request
from flask_babel import (format_date, format_datetime, format_decimal, get_locale, get_translations,
                         gettext)
from markupsafe import Markup, escape
from flask_login import current_user
from sqlalchemy import Select, literal, select
from sqlalchemy.exc import SQLAlchemyError

from lms.auth.models import User
from lms.auth.nip import display_nip
from lms.auth.policy import (ReadWithUser, can, reader_of_view, session_user,
                             user_statement)
from lms.auth.roles import ROLE_GIVES, ROLE_LABELS, ordered
from lms.competency.forms import ledger_kind
from lms.extensions import db, login_manager
from lms.delivery import static_url
from lms.fragments import FragmentCache, fragment_key
from lms.manager.queue import queue_count_clause
from lms.notifications.services import unread_count_clause
from lms.sql import built_once
from lms.timeutil import local_date, utcnow


@built_once
def _site_user_statement(reader: ReadWithUser | None = None) -> Select:
    statement = user_statement(unread_count_clause(User.id))
    return reader.extend(statement) if reader else statement


def load_user_for_pages(identity: str) -> User | None:
    """Flask-Login's user loader for the site: the session's user and the unread count the
    navigation shows, in one query (a learner's page needs no other for the navigation),
    with what the view reads along (``reads_with_user``)."""
    reader = reader_of_view()
    row = session_user(identity, _site_user_statement(reader),
                       reader.params(request.view_args or {}) if reader else None)
    if row is None:
        return None
    if has_request_context():
        request._unit_name = (row[0].id, row[1])  # type: ignore[attr-defined]
        request._nav_unread = int(row[2] or 0)  # type: ignore[attr-defined]
        if reader:
            request._read_with_user = tuple(row[3:])  # type: ignore[attr-defined]
    return row[0]


def nav_counts() -> tuple[int, int]:
    """(items waiting in the user's queue, unread notifications) for the navigation: the
    unread count comes with the user (``load_user_for_pages``), a manager's queue in one more
    query on first use; (0, 0) for visitors or when the database fails (the error page must
    still render)."""
    # Kept on the request, not on ``g``: an app context (and its ``g``) may outlive a request.
    cached = getattr(request, "_nav_counts", None)
    if cached is not None:
        return cached
    counts = (0, 0)
    if current_user.is_authenticated:
        unread = getattr(request, "_nav_unread", None)  # read with the user (the loader)
        try:
            if current_user.has_role("manager"):
                queue, unread = db.session.execute(select(
                    queue_count_clause(current_user, local_date(utcnow())),
                    unread_count_clause(current_user.id) if unread is None
                    else literal(unread))).one()
                counts = (int(queue or 0), int(unread or 0))
            elif unread is not None:
                counts = (0, unread)
            else:
                counts = (0, int(db.session.scalar(
                    select(unread_count_clause(current_user.id))) or 0))
        except SQLAlchemyError:
            pass
    request._nav_counts = counts  # type: ignore[attr-defined]
    return counts


def number(value, digits: int = 1) -> str:
    """A number as the interface language writes it, with ``digits`` decimals (Indonesian
    ``100,0`` and ``1.250``, English ``100.0`` and ``1,250``); empty for None."""
    if value is None:
        return ""
    return format_decimal(value, format="#,##0" + ("." + "0" * digits if digits else ""))


_TABLE = re.compile(r"<table\b.*?</table>", re.S)


@lru_cache(maxsize=512)
def _wrap_tables(html: str, locale: str) -> Markup:
    # Keyed by the stored HTML (the same string object of a cached version each time, so its
    # hash is computed once) and the language of the label.
    count = 0

    def wrap(match: re.Match) -> str:
        nonlocal count
        count += 1
        label = gettext("Tabel %(n)s, dapat digeser ke samping", n=count)
        return (f'<div class="table-scroll" role="region" tabindex="0" '
                f'aria-label="{Markup.escape(label)}">{match.group(0)}</div>')

    return Markup(_TABLE.sub(wrap, html))


def scroll_tables(html: str) -> Markup:
    """Sanitised content HTML (a lesson) with each table in a keyboard-focusable, labelled
    region that scrolls sideways on a narrow screen instead of widening the page."""
    if "<table" not in html:
        return Markup(html)
    return _wrap_tables(str(html), str(get_locale()))


# Language code -> its translations, per process: Flask-Babel's one message domain keeps them
# per process too, but finds them again for every request (about 30 Python calls).
_TRANSLATIONS: dict[str, object] = {}


def translations():
    """The translations of the request's language. Flask-Babel looks them up afresh for
    every message (about 50 Python calls); here they are kept where Flask-Babel itself resets
    them (``force_locale``, ``refresh``): on its per-request context."""
    found = getattr(g.get("_flask_babel"), "babel_translations", None)
    if found is None:
        code = locale_code()
        found = _TRANSLATIONS.get(code)
        if found is None:
            found = _TRANSLATIONS[code] = get_translations()
        g._flask_babel.babel_translations = found
    return found


def locale_code() -> str:
    """The request's language as a code ("id", "en"): for ``lang`` attributes and the keys
    of cached fragments (``str`` of a babel Locale costs a dozen calls)."""
    context = g.get("_flask_babel")
    locale = getattr(context, "babel_locale", None) or get_locale()
    cached = getattr(g._flask_babel, "lms_locale_code", None)
    if cached is None or cached[0] is not locale:
        cached = g._flask_babel.lms_locale_code = (locale, str(locale))
    return cached[1]


def layout_key() -> str:
    """What the layout's navigation depends on besides its counts: the language, the user's
    roles and the page (as part of a fragment key)."""
    roles = ",".join(sorted(current_user.roles)) if current_user.is_authenticated else ""
    return fragment_key(locale_code(), roles, request.endpoint,
                        request.path.startswith("/atasan"))


def progress_bar(percent: int, label: str) -> Markup:
    """A course's progress: a labelled ``<progress>`` with the percentage also in words."""
    done = translations().ugettext("%(percent)s%% selesai") % {"percent": int(percent)}
    return Markup(f'<div class="progress-row"><progress max="100" value="{int(percent)}" '
                  f'aria-label="{escape(label)}">{int(percent)}%</progress>\n'
                  f'<small>{escape(done)}</small></div>')


def register_template_helpers(app: Flask) -> None:
    """Add the filters (dates) and globals (role checks, locale) templates use, the faster
    message lookup, and the per-process cache of template fragments (``lms.fragments``)."""
    app.jinja_env.add_extension(FragmentCache)
    app.jinja_env.fragment_cache_entries = app.config["FRAGMENT_CACHE_ENTRIES"]
    app.jinja_env.globals["fragment_key"] = fragment_key
    app.jinja_env.filters["date"] = lambda d: format_date(d, "medium") if d else ""
    app.jinja_env.filters["datetime"] = (
        lambda d: format_datetime(d, "medium") if isinstance(d, datetime) else "")
    app.jinja_env.filters["ledger_kind"] = ledger_kind
    app.jinja_env.filters["nip"] = display_nip
    app.jinja_env.filters["number"] = number
    app.jinja_env.filters["scroll_tables"] = scroll_tables
    app.jinja_env.globals["can"] = can
    login_manager.user_loader(load_user_for_pages)
    app.jinja_env.globals["ordered_roles"] = ordered
    app.jinja_env.globals["role_labels"] = ROLE_LABELS
    app.jinja_env.globals["role_gives"] = ROLE_GIVES
    app.jinja_env.globals["nav_counts"] = nav_counts
    app.jinja_env.globals["locale_code"] = locale_code
    app.jinja_env.globals["layout_key"] = layout_key
    app.jinja_env.globals["progress_bar"] = progress_bar
    app.jinja_env.globals["static_url"] = static_url
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
        newstyle=True)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
