"""Library-only aggregates, computed once per library generation (see store.library_facts).

`library_fact` serves a saved fact while the library is unchanged, else computes it;
the store keeps it for the next report (its cache behind a read: a report writes
nothing itself). Facts are JSON: each caller says how its value is
encoded and decoded. The name carries mediatop's version, so a fact computed by
another version's code is never served.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

from mediatop import __version__
from mediatop.analytics.context import ReportContext
from mediatop.store.library_facts import cached_fact

T = TypeVar("T")


def library_fact(
    ctx: ReportContext,
    name: str,
    compute: Callable[[], T],
    encode: Callable[[T], Any] = lambda value: value,
    decode: Callable[[Any], T] = lambda value: value,
    measured: bool = False,
) -> T:
    """`compute()`, or its saved value while the library has not changed since (nor,
    for a `measured` fact, which reads measured savings, the measurements)."""
    key = f"{name}@{__version__}"

    def read() -> object:
        saved = cached_fact(ctx.conn, key, lambda: json.dumps(encode(compute())), measured)
        return decode(json.loads(saved))

    return ctx.shared(("library_fact", name), read)  # type: ignore[return-value]
