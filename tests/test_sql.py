"""Statements built once (lms.sql.built_once): the same statement each time, compiled once,
right for every value bound, and what is derived from one has its own compiled form."""

from __future__ import annotations

from sqlalchemy import bindparam, select

from lms.auth.models import User
from lms.sql import built_once


@built_once
def by_name(active: bool = True):
    return select(User.nip).where(User.name == bindparam("name"), User.active.is_(active))


def test_the_same_statement_is_returned_per_arguments():
    assert by_name() is by_name()
    assert by_name(False) is by_name(False) is not by_name()


def test_it_compiles_once_and_answers_for_each_value(db, make_user):
    ani, budi = make_user(name="Ani"), make_user(name="Budi")
    connection = db.session.connection()
    first = connection.execute(by_name(), {"name": "Ani"})
    assert first.scalars().all() == [ani.nip]
    second = connection.execute(by_name(), {"name": "Budi"})
    assert second.scalars().all() == [budi.nip]
    assert second.context.compiled is first.context.compiled  # from the compiled cache
    assert connection.execute(by_name(False), {"name": "Ani"}).scalars().all() == []


def test_a_derived_statement_has_its_own_key(db, make_user):
    ani = make_user(name="Ani")
    connection = db.session.connection()
    base = connection.execute(by_name(), {"name": "Ani"})
    narrowed = by_name().where(User.nip == bindparam("nip"))
    assert connection.execute(narrowed, {"name": "Ani", "nip": ani.nip}).scalar() == ani.nip
    assert connection.execute(narrowed, {"name": "Ani", "nip": "x"}).scalar() is None
    derived = connection.execute(narrowed, {"name": "Ani", "nip": ani.nip})
    assert derived.context.compiled.string != base.context.compiled.string
