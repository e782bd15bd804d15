"""Mapped objects read as plain columns: for the few statements every page runs, where the ORM's
work of turning one row into objects costs more than running the statement."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, inspect
from sqlalchemy.orm import Session, scoped_session
from sqlalchemy.orm.attributes import instance_state

T = TypeVar("T")


class ObjectColumns(Generic[T]):
    """A mapped class as the columns a statement selects (its loaded-by-default attributes,
    plus ``undeferred``) and, from those columns of a row, the object the ORM would have
    loaded: the one already in the session's identity map if there is one, else a new one
    attached to the session as persistent, with every selected attribute loaded and clean.

    The ORM sets up its row processing on each execution of a statement that loads an
    entity; for one row that is about as much work as the query itself (the signed-in user
    is read on every page). Read through ``Session.connection().execute`` the same row costs
    only what Core does, and making the object costs a few microseconds.

    The object is attached the way the ORM's own loader attaches a new row's object
    (``sqlalchemy.orm.loading``): its identity key and session set on its state, then added
    to the identity map. The public way (``make_transient_to_detached`` and
    ``Session.add``) works too but walks every attribute and relationship: 35 µs per object
    in a lesson view, against 9 µs. Those few private names are stable since SQLAlchemy 1.4;
    ``tests/test_rows.py`` checks the object behaves as a loaded one."""

    def __init__(self, cls: type[T], *undeferred: str) -> None:
        self.mapper = inspect(cls)
        if len(self.mapper.primary_key) != 1:
            raise TypeError(f"{cls.__name__}: one primary-key column expected")
        props = [prop for prop in self.mapper.column_attrs
                 if not prop.deferred or prop.key in undeferred]
        self.keys = tuple(prop.key for prop in props)
        self.columns: tuple[ColumnElement[Any], ...] = tuple(
            prop.expression.label(f"{self.mapper.local_table.name}_{prop.key}")
            for prop in props)
        self.width = len(props)
        self._key_index = self.keys.index(self.mapper.get_property_by_column(
            self.mapper.primary_key[0]).key)

    def load(self, session: Session | scoped_session, values: tuple | list) -> T | None:
        """The object of ``values`` (this class's columns of a row, in order), or None when
        its primary key is None (an outer join that found no row)."""
        if isinstance(session, scoped_session):
            session = session()
        primary_key = values[self._key_index]
        if primary_key is None:
            return None
        identity = self.mapper.identity_key_from_primary_key((primary_key,))
        known = session.identity_map.get(identity)
        if known is not None:
            return known  # as the ORM does: a loaded object is not overwritten
        instance = self.mapper.class_manager.new_instance()
        instance.__dict__.update(zip(self.keys, values))  # loaded; the rest on first use
        state = instance_state(instance)
        state.key, state.identity_token = identity, None
        state.session_id = session.hash_key
        session.identity_map._add_unpresent(state, identity)
        return instance
