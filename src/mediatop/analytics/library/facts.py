"""Library-only aggregates, computed once per library generation (see store.library_facts).

`library_fact` serves a saved fact while the library is unchanged, else computes it
and saves it for the next report. Facts are JSON: each caller says how its value is
encoded and decoded. The name carries mediatop's version, so a fact computed by
another version's code is never served.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

from mediatop import __version__
from mediatop.analytics.context import ReportContext
from mediatop.store import database_file
from mediatop.store.library_facts import read_fact, save_fact

T = TypeVar("T")


def library_fact(
    ctx: ReportContext,
    name: str,
    compute: Callable[[], T],
    encode: Callable[[T], Any] = lambda value: value,
    decode: Callable[[Any], T] = lambda value: value,
) -> T:
    """`compute()`, or its saved value while the library has not changed since."""
    key = f"{name}@{__version__}"

    def read() -> object:
        # The generation is read before computing: a change that lands meanwhile makes
        # the saved value stale at once instead of serving it for the newer library.
        generation, saved = read_fact(ctx.conn, key)
        if saved is not None:
            return decode(json.loads(saved))
        value = compute()
        if path := database_file(ctx.conn):
            save_fact(path, key, generation, json.dumps(encode(value)))
        return value

    return ctx.shared(("library_fact", name), read)  # type: ignore[return-value]
