"""The beacons' writer: one thread that validates and stores events in group commits.

Requests hand their events to `GroupCommitWriter.submit` and wait. The writer thread
takes every request queued, validates each one's events, stores all the valid ones in
one transaction and only then answers each request: its count (so a 202 means the
event is committed and survives a SIGKILL of the server) or why it was refused, with
none of its events stored. A batch is whatever arrived while the previous one was
committed, so under load a commit holds many requests and at rest one request waits
for its own commit only. The store's work stays off the event loop, and one writer
means beacons never fight each other for SQLite's lock (another process, such as
`mediatop ingest`, is waited for within the store's busy timeout).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from mediatop.errors import InvalidEvent, MediatopError, UnknownMediaError
from mediatop.library import MediaLibrary
from mediatop.serve.responses import ApiError

log = logging.getLogger("mediatop.serve")

MAX_REQUESTS_PER_COMMIT = 2000


@dataclass
class _Pending:
    events: Sequence[Mapping[str, Any]]
    kinds: tuple[str, ...]
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[int]


_STOP = object()


class GroupCommitWriter:
    """Stores beacons for the server (see the module's docstring)."""

    def __init__(self, library: MediaLibrary) -> None:
        # Opened here, so a store that cannot take events stops the start, not a request.
        self._recorder = library.event_recorder()
        self._queue: queue.SimpleQueue[_Pending | object] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="mediatop-beacons", daemon=True)
        self.commits = 0

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Answer what is queued, then end the thread and close the store."""
        if self._thread.is_alive():
            self._queue.put(_STOP)
            self._thread.join()
        self._recorder.close()

    async def submit(self, events: Sequence[Mapping[str, Any]], kinds: tuple[str, ...]) -> int:
        """Store `events` (all or none) once committed; ApiError when one is refused."""
        if not self._thread.is_alive():
            raise ApiError(503, "the server is stopping; nothing was stored")
        loop = asyncio.get_running_loop()
        future: asyncio.Future[int] = loop.create_future()
        self._queue.put(_Pending(events, kinds, loop, future))
        return await future

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is _STOP:
                return
            batch = [first]
            while len(batch) < MAX_REQUESTS_PER_COMMIT:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            stopping = any(item is _STOP for item in batch)
            requests = [item for item in batch if isinstance(item, _Pending)]
            try:
                self._commit(requests)
            except Exception as exc:  # a bug must answer its requests, not end the thread
                log.error("beacons not stored by an internal error: %r", exc)
                for pending in requests:
                    _answer(pending, ApiError(500, "internal error"))
            if stopping:
                return

    def _commit(self, batch: list[_Pending]) -> None:
        outcomes: list[tuple[_Pending, int | ApiError]] = []
        parsed_of: dict[int, list[Any]] = {}
        for pending in batch:
            try:
                parsed = self._parse(pending)
            except ApiError as exc:
                outcomes.append((pending, exc))
                continue
            parsed_of[id(pending)] = parsed
            outcomes.append((pending, len(parsed)))
        valid = [event for parsed in parsed_of.values() for event in parsed]
        if valid:
            try:
                self._recorder.store(valid)
                self.commits += 1
            except MediatopError as exc:
                log.error("beacons not stored: %s", exc)
                # The driver's words ("database is locked") stay on the console.
                failed = ApiError(
                    503,
                    "the store could not be written now; nothing of this "
                    "request was stored, try again",
                    headers={"Retry-After": "1"},
                )
                outcomes = [(p, failed if isinstance(o, int) else o) for p, o in outcomes]
            except Exception:  # what one request holds fails the commit: not the others'
                outcomes = [(p, self._alone(p, parsed_of[id(p)]) if isinstance(o, int) else o)
                            for p, o in outcomes]  # fmt: skip
        for pending, outcome in outcomes:
            _answer(pending, outcome)

    def _alone(self, pending: _Pending, parsed: list[Any]) -> int | ApiError:
        """A request's events stored in a commit of their own, after a shared commit
        failed: its count, or the internal error that was its own."""
        try:
            self._recorder.store(parsed)
        except Exception as exc:  # a bug must answer its request, not end the thread
            log.error("beacons not stored by an internal error: %r", exc)
            return ApiError(500, "internal error")
        self.commits += 1
        return len(parsed)

    def _parse(self, pending: _Pending) -> list[Any]:
        parsed = []
        for index, fields in enumerate(pending.events):
            at = index if len(pending.events) > 1 else None
            try:
                parsed.append(self._recorder.parse(fields, kinds=pending.kinds))
            except UnknownMediaError as exc:
                raise ApiError(404, str(exc), field=exc.field, index=at) from None
            except InvalidEvent as exc:
                raise ApiError(400, str(exc), field=exc.field, index=at) from None
            except Exception as exc:  # a bug must answer its request, not end the thread
                log.error("event refused by an internal error: %r", exc)
                raise ApiError(500, "internal error", index=at) from None
        return parsed


def _answer(pending: _Pending, outcome: int | ApiError) -> None:
    with contextlib.suppress(RuntimeError):  # its loop has closed: the server is gone
        pending.loop.call_soon_threadsafe(_settle, pending.future, outcome)


def _settle(future: asyncio.Future[int], outcome: int | ApiError) -> None:
    if future.done():  # the client went away
        return
    if isinstance(outcome, ApiError):
        future.set_exception(outcome)
    else:
        future.set_result(outcome)
