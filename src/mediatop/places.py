"""A place (a page, a post, a widget...) as the CLI names it: `TYPE:ID`, the type and id
the references give it (`post:42`). Read by `report place --place` and by the report."""

from __future__ import annotations


def parse_place(value: str) -> tuple[str, str]:
    """('post', '42') from 'post:42'; ValueError when either half is empty."""
    place_type, colon, place_id = value.partition(":")
    if not colon or not place_type or not place_id:
        raise ValueError(f"a place is TYPE:ID (post:42), not {value!r}")
    return place_type, place_id
