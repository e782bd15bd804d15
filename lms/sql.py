"""SQL helpers shared by the models and services."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import GenericFunction


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
