"""Rendered parts of pages kept per process: ``{% cache fragment_key(…) %}…{% endcache %}``.

A part of a page that is the same for everyone with the same key (the navigation for a set of
roles, a lesson of a published version) is rendered once per process and then copied into
each page. The key names everything the fragment shows, so nothing expires: a new value of
any part of the key is a new entry. The store is a plain dict bounded by
``FRAGMENT_CACHE_ENTRIES`` (the oldest entry goes first): a lookup is a dict lookup, where
Flask-Caching's tag spent about 90 Python calls per fragment (key hashing, pickling).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from jinja2 import Environment, nodes
from jinja2.ext import Extension
from markupsafe import Markup


def fragment_key(*parts: object) -> str:
    """The key of a cached template fragment: every value the fragment's HTML depends on."""
    return "\x1f".join(map(str, parts))


def kept(environment: Environment, key: str, render: Callable[[], str]) -> str:
    """The HTML kept under ``key`` in the environment's bounded store, rendered by ``render``
    on first use (the ``cache`` tag's fragments and ``lms.pages``' kept pages share it)."""
    store: dict[str, str] = environment.fragment_cache
    html = store.get(key)
    if html is None:
        html = render()
        with environment.fragment_cache_lock:
            if len(store) >= environment.fragment_cache_entries:
                del store[next(iter(store))]  # the oldest
            store[key] = html
    return html


class FragmentCache(Extension):
    """The ``cache`` tag: ``{% cache key %}`` renders its body once per key and process."""

    tags = {"cache"}

    def __init__(self, environment) -> None:
        super().__init__(environment)
        environment.extend(fragment_cache_entries=2000, fragment_cache={},
                           fragment_cache_lock=threading.Lock())

    def parse(self, parser) -> nodes.Node:
        lineno = next(parser.stream).lineno
        key = parser.parse_expression()
        body = parser.parse_statements(("name:endcache",), drop_needle=True)
        return nodes.CallBlock(self.call_method("_cached", [key]), [], [], body).set_lineno(lineno)

    def _cached(self, key: str, caller) -> Markup:
        return kept(self.environment, key, caller)
