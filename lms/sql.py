"""SQL helpers shared by the models and services."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, update_wrapper
from typing import Any, TypeVar

from sqlalchemy import String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import GenericFunction

S = TypeVar("S")


class space_joined(GenericFunction):  # noqa: N801 - used like func.*: a SQL function
    """An aggregate: the column's values joined by single spaces (NULL when there are none).

    SQLAlchemy's ``aggregate_strings`` does the same, but sends its separator as a parameter
    rendered into the SQL on every execution (a regular-expression pass over the statement on
    each of the pages that read a user); here it is part of the statement's cached SQL."""

    type = String()
    inherit_cache = True


@compiles(space_joined)
def _string_agg(element, compiler, **kw) -> str:
    return f"string_agg({compiler.process(element.clauses, **kw)}, ' ')"


@compiles(space_joined, "sqlite")
def _group_concat(element, compiler, **kw) -> str:
    return f"group_concat({compiler.process(element.clauses, **kw)}, ' ')"


class _KeyHashedOnce(tuple):
    """A statement's cache key (a tuple nesting every element of the statement) that computes
    its hash once."""

    def __new__(cls, key: tuple) -> _KeyHashedOnce:
        self = super().__new__(cls, key)
        self.hash = tuple.__hash__(self)
        return self

    def __hash__(self) -> int:
        return self.hash


def built_once(build: Callable[..., S]) -> Callable[..., S]:
    """``functools.cache`` for a function that builds a statement: building one costs about as
    much as running it. The statement's cache key is also made to hash once.

    On each execution SQLAlchemy looks the statement's compiled form up by its cache key, a
    tuple nesting every column, type and clause of the statement (about 1,900 items for a
    learner page's query), and Python hashes such a tuple afresh each time: about 10 µs, 2 to
    5 % of a lesson view. The key itself is computed once per statement object
    (SQLAlchemy keeps it on the statement); here it is replaced there by the same key, whose
    hash is kept. A statement derived from this one (``.where(...)``) drops the kept key, as
    SQLAlchemy drops its own, and computes its own."""

    @cache
    def built(*args: Any, **kwargs: Any) -> S:
        statement = build(*args, **kwargs)
        key = statement._generate_cache_key()
        if key is not None and "_generate_cache_key" in getattr(statement, "__dict__", ()):
            kept = key._replace(key=_KeyHashedOnce(key.key))
            statement.__dict__["_generate_cache_key"] = lambda: kept
        return statement

    return update_wrapper(built, build)
