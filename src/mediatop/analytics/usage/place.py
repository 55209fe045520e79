"""One place (a page, a post, a widget...): the library files it uses, how it uses each,
their uses over the range, and the paths it names that the library does not have.

`place_report(ctx)` answers for the place the option `place` names as `TYPE:ID` (the
type and id the references give it: `post:42`); a place no reference names raises
UnknownPlaceError. A file's `usageCount` is the same figure as Most Used Media's.
"""

from __future__ import annotations

from dataclasses import dataclass

from mediatop.analytics.context import ReportContext
from mediatop.analytics.usage.score import scores_of
from mediatop.errors import UnknownPlaceError
from mediatop.places import parse_place
from mediatop.store.queries.browse import place_references


@dataclass(frozen=True)
class PlaceFile:
    """A library file the place uses: what it is, how the place uses it (`usages`:
    featured, inline...; `displayWidth`: the widest it is shown at there, in pixels, when
    a reference says) and its uses over the range."""

    id: str
    filename: bytes
    type: str
    size: int
    width: int | None
    height: int | None
    duration: float | None
    pages: int | None
    usages: list[str]
    display_width: int | None
    usage_count: int
    deleted: bool


@dataclass(frozen=True)
class PlaceReport:
    type: str
    id: str
    title: str | None
    url: str | None
    total_files: int
    total_size: int  # of the files still present
    files: list[PlaceFile]
    missing: list[bytes]  # paths it names that no library file has


def place_report(ctx: ReportContext) -> PlaceReport:
    """The place the option `place` (TYPE:ID) names."""
    wanted = ctx.options.get("place")
    if not wanted:
        raise LookupError("no place given: pass --place TYPE:ID")
    try:
        place_type, place_id = parse_place(wanted)
    except ValueError as exc:
        raise LookupError(str(exc)) from None
    found = place_references(ctx.conn, place_type, place_id)
    if found is None:
        raise UnknownPlaceError(f"no reference names the place {place_type}:{place_id}")
    uses = found.uses
    counts = {  # views + downloads + clicks + shares: Most Used Media's usageCount
        file_id: views + downloads + clicks + shares
        for file_id, views, downloads, clicks, shares, _places, _score in scores_of(
            ctx, [u.file.id for u in uses]
        )
    }
    files = [
        PlaceFile(
            id=str(u.file.id), filename=u.file.path, type=u.file.kind, size=u.file.size,
            width=u.file.probe.width, height=u.file.probe.height,
            duration=u.file.probe.duration_s, pages=u.file.probe.pages,
            usages=list(u.usages), display_width=u.display_width,
            usage_count=counts[u.file.id], deleted=u.file.deleted_at is not None,
        )
        for u in uses
    ]  # fmt: skip
    return PlaceReport(
        type=place_type,
        id=place_id,
        title=found.title,
        url=found.url,
        total_files=len(files),
        total_size=sum(f.size for f in files if not f.deleted),
        files=files,
        missing=list(found.missing),
    )
