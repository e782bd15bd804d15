"""psycopg's cursor with its result's column descriptions made only when asked for.

psycopg makes a ``Column`` for every column of every result, as soon as ``description`` is
read: the name decoded, the type looked up in the adapters. SQLAlchemy reads ``description``
after every statement, but once it has seen a statement's columns it keeps them with the
compiled statement and only checks that the description is not None. A lesson page's one
statement has 34 columns: making them was about 5 % of the view's CPU on PostgreSQL.

Installed on every psycopg connection by ``lms.extensions`` (``cursor_factory``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import psycopg
from psycopg.pq import ExecStatus

# The statuses of a result with rows (psycopg describes these even with no column).
_ROWS = {status for status in ExecStatus
         if status.name in ("TUPLES_OK", "SINGLE_TUPLE", "TUPLES_CHUNK")}


class Columns(Sequence):
    """A result's ``description``: its length at once, the ``Column`` objects on first use."""

    __slots__ = ("_cursor", "_result", "_made")

    def __init__(self, cursor: psycopg.Cursor, result) -> None:
        self._cursor, self._result, self._made = cursor, result, None

    def __len__(self) -> int:
        return self._result.nfields

    def __getitem__(self, index):
        return self._columns()[index]

    def __iter__(self) -> Iterator:
        return iter(self._columns())

    def __repr__(self) -> str:
        return repr(self._columns())

    def _columns(self) -> list:
        if self._made is None:
            if self._cursor.pgresult is not self._result:  # psycopg describes the current one
                raise RuntimeError("describe a result before the cursor moves to the next")
            self._made = psycopg.Cursor.description.fget(self._cursor)
        return self._made


class DescribedOnDemand(psycopg.Cursor):
    """``psycopg.Cursor`` whose ``description`` is ``Columns``: None in the same cases."""

    @property
    def description(self) -> Columns | None:
        result = self.pgresult
        if result is None or not (result.nfields or result.status in _ROWS):
            return None
        return Columns(self, result)
