"""Measured savings: real re-encodes in a process pool, cached, safe against bombs and hangs."""

from __future__ import annotations

import io
import struct
import time
import zlib

from PIL import Image

from analytics_types_support import NOW_TS, new_store, photo, save_image, scan
from mediatop.measure.savings import measure_savings
from mediatop.model import ProbeResult
from mediatop.store.connection import transaction
from mediatop.store.files import save_probes
from mediatop.store.measurements import cached_measurements


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


def pixel_bomb_png(width: int = 20000, height: int = 20000) -> bytes:
    """A ~100-byte PNG whose header claims width × height pixels (the IDAT is a stub)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + _png_chunk(b"IEND", b"")
    )


def test_measured_webp_saving_equals_the_size_of_an_independent_reencode(tmp_path):
    conn, settings = new_store(tmp_path)
    path = save_image(settings.root, "2024/05/photo.jpg", photo(640, 480), quality=92)
    ids = scan(conn, settings.root)
    file_id = ids["2024/05/photo.jpg"]
    quality = conn.execute("SELECT quality FROM media_files WHERE id = ?", (file_id,)).fetchone()[0]

    summary = measure_savings(conn, settings.root, [file_id], workers=1, now=NOW_TS)

    with Image.open(path) as im:
        expected = io.BytesIO()
        im.convert("RGB").save(expected, "WEBP", quality=quality, method=4)
    measured = cached_measurements(conn, [file_id])[file_id]
    assert summary.failed == 0
    assert measured["webp"].encoded_size == expected.tell()
    assert measured["webp"].saving == path.stat().st_size - expected.tell()
    # quality 92 > 90: a JPEG re-encode at 85 is measured too
    assert measured["jpeg:85"].encoded_size is not None


def test_second_run_uses_the_cache_and_a_changed_file_is_measured_again(tmp_path):
    conn, settings = new_store(tmp_path)
    path = save_image(settings.root, "a.png", photo(200, 150), optimize=False)
    file_id = scan(conn, settings.root)["a.png"]

    first = measure_savings(conn, settings.root, [file_id], workers=1)
    second = measure_savings(conn, settings.root, [file_id], workers=1)
    photo(220, 150, seed=2).save(path)
    scan(conn, settings.root)
    third = measure_savings(conn, settings.root, [file_id], workers=1)

    assert (first.measured, first.already_cached) == (1, 0)  # PNG: lossless WebP only
    assert (second.measured, second.already_cached) == (0, 1)
    assert third.measured == 1


def test_pixel_bomb_and_corrupt_image_are_refused_without_stalling_the_pool(tmp_path):
    conn, settings = new_store(tmp_path)
    (settings.root / "bomb.png").write_bytes(pixel_bomb_png())
    (settings.root / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg" * 10)
    save_image(settings.root, "fine.png", photo(120, 90))
    ids = scan(conn, settings.root)
    # Probes refuse both; record what an older probe could have said, so the worker is asked.
    with transaction(conn):
        save_probes(conn, [
            (ids["bomb.png"], ProbeResult(format="PNG", width=20000, height=20000, mode="RGB")),
            (ids["broken.jpg"], ProbeResult(format="JPEG", width=800, height=600, mode="RGB")),
        ], NOW_TS)  # fmt: skip

    started = time.monotonic()
    summary = measure_savings(
        conn, settings.root, [ids["bomb.png"], ids["broken.jpg"], ids["fine.png"]],
        workers=2, timeout_s=20,
    )  # fmt: skip
    elapsed = time.monotonic() - started

    by_file = cached_measurements(conn)
    assert "pixels" in (by_file[ids["bomb.png"]]["webp"].error or "")
    assert by_file[ids["broken.jpg"]]["webp"].error
    assert by_file[ids["fine.png"]]["webp"].encoded_size
    assert summary.timed_out == 0
    assert elapsed < 15


def test_an_encode_over_its_time_limit_is_abandoned_and_the_rest_still_measured(tmp_path):
    conn, settings = new_store(tmp_path)
    save_image(settings.root, "huge.jpg", photo(3000, 2400).resize((6000, 4800)), quality=90)
    save_image(settings.root, "small.jpg", photo(160, 120), quality=80)
    ids = scan(conn, settings.root)

    started = time.monotonic()
    summary = measure_savings(
        conn, settings.root, [ids["small.jpg"], ids["huge.jpg"]], workers=2, timeout_s=1.5
    )
    elapsed = time.monotonic() - started

    by_file = cached_measurements(conn)
    assert summary.timed_out >= 1
    assert any((m.error or "").startswith("timeout") for m in by_file[ids["huge.jpg"]].values())
    assert all(m.encoded_size for m in by_file[ids["small.jpg"]].values())
    assert elapsed < 20


def test_a_file_replaced_by_a_symlink_out_of_the_root_is_not_read(tmp_path):
    conn, settings = new_store(tmp_path)
    outside = save_image(tmp_path, "secret.png", photo(50, 50))
    inside = save_image(settings.root, "real.png", photo(50, 50))
    file_id = scan(conn, settings.root)["real.png"]
    inside.unlink()
    inside.symlink_to(outside)  # after the scan: the store still names real.png

    measure_savings(conn, settings.root, [file_id], workers=1)

    assert "under the media root" in (cached_measurements(conn)[file_id]["webp"].error or "")
