"""Library facts: aggregates of the library kept between report runs, served only while
the library is unchanged, and never at the cost of a wrong or a blocked report."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from mediatop import __version__
from mediatop.analytics.documents.report import documents_report
from mediatop.analytics.images.report import images_report
from mediatop.analytics.jsonable import to_jsonable
from mediatop.analytics.library.facts import library_fact
from mediatop.analytics.library.overview import overview_report
from mediatop.analytics.media import media_report
from mediatop.analytics.optimization.report import optimization_report
from mediatop.analytics.performance.report import performance_report
from mediatop.measure.hashing import ensure_content_hashes
from mediatop.model import ProbeResult
from mediatop.scan.scanner import scan_root
from mediatop.store import connect, transaction
from mediatop.store.files import insert_new, mark_deleted, save_probes
from test_analytics_usage_fixtures import Store, make_store, one_of_each_kind, ref

REPORTS = (
    images_report,
    documents_report,
    optimization_report,
    overview_report,
    performance_report,
)


def _generation(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT generation FROM library_state").fetchone()[0])


def _facts(conn: sqlite3.Connection) -> dict[str, int]:
    return dict(conn.execute("SELECT name, generation FROM library_facts").fetchall())


def _answers(store: Store) -> list[object]:
    # measure=cached: measuring savings would change the second answer by itself.
    return [to_jsonable(report(store.ctx("all", measure="cached"))) for report in REPORTS]


def test_facts_are_saved_by_a_report_and_served_with_the_same_answers(tmp_path: Path):
    store = one_of_each_kind(tmp_path)
    fresh = _answers(store)
    saved = _facts(store.conn)
    assert {
        f"{name}@{__version__}"
        for name in (
            "format_census",
            "image_location_rates",
            "oversized_images",
            "library_counts",
            "files_per_month",
            "document_library:50",
            "savings_ranked",
            "modern_image_originals",
        )
    } <= set(saved)
    assert set(saved.values()) == {_generation(store.conn)}
    assert _answers(store) == fresh  # served from the saved facts


def test_the_media_report_is_the_same_from_saved_facts(tmp_path: Path):
    store = one_of_each_kind(tmp_path)
    fresh = to_jsonable(media_report(store.ctx()))
    assert _facts(store.conn)  # the forked half saved its facts too
    assert to_jsonable(media_report(store.ctx())) == fresh


def _tracker(conn: sqlite3.Connection) -> Callable[[], bool]:
    """A call that says whether the generation moved since the last call."""
    seen = [_generation(conn)]

    def moved() -> bool:
        seen.append(_generation(conn))
        return seen[-1] > seen[-2]

    return moved


def test_every_library_writer_moves_the_generation(tmp_path: Path):
    store = one_of_each_kind(tmp_path)
    hero = store.conn.execute("SELECT id FROM media_files WHERE path = ?", (b"hero.jpg",))
    hero_id = hero.fetchone()[0]
    moved = _tracker(store.conn)
    store.add("another.jpg", 10)  # insert_new
    assert moved()
    with transaction(store.conn):
        save_probes(store.conn, [(hero_id, ProbeResult(format="PNG", width=10, height=10))], 0)
    assert moved()
    store.refs(ref("another.jpg", "7"))  # replace_locations
    assert moved()
    with transaction(store.conn):
        mark_deleted(store.conn, [hero_id], 0)
    assert moved()
    with transaction(store.conn):
        mark_deleted(store.conn, [], 0)  # nothing written, nothing invalidated
    assert not moved()


def test_scans_and_hashing_move_the_generation(tmp_path: Path):
    store = make_store(tmp_path)
    for name in ("a.jpg", "b.jpg", "c.pdf"):
        (store.root / name).write_bytes(b"same bytes")
    moved = _tracker(store.conn)
    scan_root(store.conn, store.root, probe=False)  # insert_new
    assert moved()
    scan_root(store.conn, store.root, probe=False)  # nothing changed
    assert not moved()
    (store.root / "a.jpg").write_bytes(b"other bytes, longer")
    scan_root(store.conn, store.root, probe=False)  # update_changed
    assert moved()
    (store.root / "c.pdf").unlink()
    scan_root(store.conn, store.root, probe=False)  # mark_deleted
    assert moved()
    ids = [i for (i,) in store.conn.execute("SELECT id FROM media_files")]
    ensure_content_hashes(store.conn, store.root, ids)  # hashes are written to media_files
    assert moved()


def test_a_changed_library_is_never_answered_from_old_facts(tmp_path: Path):
    store = one_of_each_kind(tmp_path)
    before = overview_report(store.ctx("all"))
    census = images_report(store.ctx("all")).overview.format_distribution
    store.add("late.pdf", 4000)
    after = overview_report(store.ctx("all"))
    assert after.total_files == before.total_files + 1
    assert after.total_size == before.total_size + 4000
    lonely = store.conn.execute(
        "SELECT id FROM media_files WHERE path = ?", (b"lonely.jpg",)
    ).fetchone()
    with transaction(store.conn):
        save_probes(store.conn, [(lonely[0], ProbeResult(format="WEBP", width=5, height=5))], 0)
    formats = {s.format for s in images_report(store.ctx("all")).overview.format_distribution}
    assert "WEBP" in formats and formats != {s.format for s in census}


def test_a_fact_computed_while_the_library_changed_is_not_served(tmp_path: Path):
    store = one_of_each_kind(tmp_path)
    writer = connect(store.settings.db_path)
    computed: list[int] = []

    def compute() -> int:
        computed.append(1)
        if len(computed) == 1:  # a scan commits while the first computation runs
            writer.execute("UPDATE library_state SET generation = generation + 1")
        return len(computed)

    assert library_fact(store.ctx(), "racy", compute) == 1
    assert library_fact(store.ctx(), "racy", compute) == 2  # the first was stale: again
    assert library_fact(store.ctx(), "racy", compute) == 2  # this one is current
    assert len(computed) == 2
    writer.close()


def test_a_fact_finished_late_does_not_replace_one_computed_after_newer_measurements(
    tmp_path: Path,
):
    store = one_of_each_kind(tmp_path)
    writer = connect(store.settings.db_path)
    slow_ctx, quick_ctx = store.ctx(), store.ctx()

    def slow() -> str:  # starts first; a measurement and a quicker report land meanwhile
        writer.execute("UPDATE library_state SET measurements = measurements + 1")
        assert library_fact(quick_ctx, "savings", lambda: "after", measured=True) == "after"
        return "before"

    assert library_fact(slow_ctx, "savings", slow, measured=True) == "before"
    never = lambda: "computed again"  # noqa: E731
    assert library_fact(store.ctx(), "savings", never, measured=True) == "after"
    writer.close()


def test_a_busy_store_neither_blocks_the_report_nor_keeps_the_fact(tmp_path: Path):
    store = one_of_each_kind(tmp_path)
    fresh = to_jsonable(overview_report(store.ctx("all")))
    store.conn.execute("DELETE FROM library_facts")
    writer = connect(store.settings.db_path)
    writer.execute("BEGIN IMMEDIATE")  # an ingest batch holds the write lock
    try:
        assert to_jsonable(overview_report(store.ctx("all"))) == fresh
        assert _facts(store.conn) == {}
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    overview_report(store.ctx("all"))
    assert f"library_counts@{__version__}" in _facts(store.conn)


def test_an_in_memory_store_computes_without_saving(tmp_path: Path):
    store = one_of_each_kind(tmp_path)
    memory = sqlite3.connect(":memory:")
    store.conn.backup(memory)
    ctx = replace(store.ctx("all"), conn=memory)
    store.conn.execute("DELETE FROM library_facts")
    memory.execute("DELETE FROM library_facts")
    assert to_jsonable(overview_report(ctx)) == to_jsonable(overview_report(store.ctx("all")))
    assert memory.execute("SELECT COUNT(*) FROM library_facts").fetchone()[0] == 0


def test_a_document_name_that_is_not_utf8_comes_back_the_same_from_a_saved_fact(
    tmp_path: Path,
):
    store = make_store(tmp_path)
    store.add("plain.pdf", 2000)
    name = b"r\xe9sum\xe9 \x1b[31m.pdf"  # Latin-1, with an escape sequence
    with transaction(store.conn):
        insert_new(
            store.conn,
            [
                (
                    name,
                    name,
                    None,
                    "document",
                    "application/pdf",
                    ".pdf",
                    3000,
                    0,
                    None,
                    0,
                    "path",
                    True,
                )
            ],
            0,
        )
    fresh = documents_report(store.ctx("all"))
    assert fresh.performance.searchability.documents_with_gaps[0].filename == name
    served = documents_report(store.ctx("all"))
    assert served == fresh
    assert f"document_library:50@{__version__}" in _facts(store.conn)
