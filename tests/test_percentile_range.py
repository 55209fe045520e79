"""A percentile read from the latency histogram never leaves the observed range (issue 13,
point 5): a real access log with `$request_time` and a JSONL of beacons with client
times go through `mediatop ingest` / `import-events` into a real store, and the
performance and file reports are read back as JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mediatop.cli import main
from mediatop.store import connect
from mediatop.store.histogram import LatencyHistogram, bucket_of, bucket_upper_ms

FORMAT = '$remote_addr - - [$time_local] "$request" $status $body_bytes_sent rt=$request_time'
WHEN = "10/Oct/2026:13:55:{second:02d} +0000"


def _run(capsys, *args: str) -> str:
    assert main(list(args)) == 0, capsys.readouterr().err
    return capsys.readouterr().out


@pytest.fixture
def timed(tmp_path: Path, capsys) -> tuple[Path, Path]:
    root = tmp_path / "media"
    (root / "2026/10").mkdir(parents=True)
    (root / "2026/10/photo.jpg").write_bytes(b"x" * 100)
    (root / "2026/10/clip.mp4").write_bytes(b"y" * 100)
    db = tmp_path / "store.sqlite3"
    _run(capsys, "scan", str(root), "--db", str(db), "--quiet")
    # Server time: nine requests at 0.100 s and one at 1.250 s.
    seconds = ["0.100"] * 9 + ["1.250"]
    log = tmp_path / "access.log"
    log.write_text("".join(
        f'198.51.100.{n} - - [{WHEN.format(second=n)}] "GET /uploads/2026/10/photo.jpg '
        f'HTTP/1.1" 200 100 rt={rt}\n'
        for n, rt in enumerate(seconds)
    ))  # fmt: skip
    _run(capsys, "ingest", str(root), str(log), "--db", str(db), "--format", FORMAT)
    # Client time (Resource Timing beacons): nine at 200 ms and one at 1,500 ms.
    beacons = tmp_path / "beacons.jsonl"
    beacons.write_text("".join(
        json.dumps({"eventType": "view", "path": "2026/10/clip.mp4", "clientTimeMs": ms,
                    "timestamp": f"2026-10-10T13:56:{n:02d}Z", "sessionId": f"s{n}"}) + "\n"
        for n, ms in enumerate([200] * 9 + [1500])
    ))  # fmt: skip
    _run(capsys, "import-events", str(root), str(beacons), "--db", str(db))
    return root, db


def test_percentiles_stay_within_the_smallest_and_largest_sample(timed, capsys):
    root, db = timed
    # Under the old estimator (the bucket's upper bound) the largest samples read as
    # 2**10.5 ≈ 1,448 ms and 2**10.75 ≈ 1,722 ms: above the maximum.
    assert bucket_upper_ms(bucket_of(1250)) == pytest.approx(1448.15, abs=0.01)
    assert bucket_upper_ms(bucket_of(1500)) == pytest.approx(1722.16, abs=0.01)
    report = json.loads(_run(capsys, "report", "performance", str(root), "--db", str(db),
                             "--range", "all", "--json"))  # fmt: skip
    by_type = {t["type"]: t for t in report["loadTimes"]}
    image, video = by_type["image"], by_type["video"]
    # Nearest rank of 10 samples: p50 = rank 5, p95 = rank ceil(9.5) = 10,
    # p99 = rank ceil(9.9) = 10. Ranks 1..9 are 100 ms (server) / 200 ms (client), rank 10
    # is the largest sample, alone in its bucket.
    assert (image["serverP50Ms"], image["serverP95Ms"], image["serverP99Ms"]) == (
        pytest.approx(100.0), pytest.approx(1250.0), pytest.approx(1250.0))  # fmt: skip
    assert (video["clientP50Ms"], video["clientP95Ms"], video["clientP99Ms"]) == (
        pytest.approx(200.0), pytest.approx(1500.0), pytest.approx(1500.0))  # fmt: skip
    assert by_type["all"]["serverP99Ms"] == pytest.approx(1250.0)
    assert by_type["all"]["clientP99Ms"] == pytest.approx(1500.0)
    # The file report reads the file's all-time histogram by the same rule.
    photo_id = (
        connect(db)
        .execute("SELECT id FROM media_files WHERE path = ?", (b"2026/10/photo.jpg",))
        .fetchone()[0]
    )
    file_report = _run(capsys, "report", "file", str(root), "--db", str(db), "--file",
                       str(photo_id), "--range", "all", "--json")  # fmt: skip
    assert "1448" not in file_report and '"p99Ms": 1250.0' in file_report


def test_a_bucket_interpolates_between_its_smallest_and_largest_sample(tmp_path, capsys):
    from mediatop.store.queries.performance import histogram

    root = tmp_path / "media"
    root.mkdir()
    (root / "a.jpg").write_bytes(b"x")
    db = tmp_path / "store.sqlite3"
    _run(capsys, "scan", str(root), "--db", str(db), "--quiet")
    # 1,030, 1,100 and 1,210 ms all fall in one bucket, [2**10, 2**10.25) = [1024, 1217.7).
    assert {bucket_of(ms) for ms in (1030, 1100, 1210)} == {41}
    log = tmp_path / "access.log"
    log.write_text("".join(
        f'198.51.100.{n} - - [{WHEN.format(second=n)}] "GET /uploads/a.jpg HTTP/1.1" '
        f"200 1 rt={rt}\n"
        for n, rt in enumerate(["1.030", "1.100", "1.210"])
    ))  # fmt: skip
    _run(capsys, "ingest", str(root), str(log), "--db", str(db), "--format", FORMAT)
    hist = histogram(connect(db), "kind:image", "server", ("2026-10-10", "2026-10-10"))
    assert hist.ranges == {41: (pytest.approx(1030.0), pytest.approx(1210.0))}
    # Rank r of the bucket's 3 samples: 1030 + (1210 − 1030) × (r − 1) / 2.
    assert hist.percentile(0.1) == pytest.approx(1030.0)  # rank 1: the smallest
    assert hist.percentile(0.5) == pytest.approx(1120.0)  # rank 2: halfway (true: 1100)
    assert hist.percentile(0.99) == pytest.approx(1210.0)  # rank 3: the largest


@given(
    st.lists(st.floats(min_value=0, max_value=2e6, allow_nan=False), min_size=1, max_size=60),
    st.floats(min_value=0.001, max_value=1.0),
)
def test_every_estimate_lies_within_the_observed_range(samples: list[float], q: float) -> None:
    counts: dict[int, int] = {}
    ranges: dict[int, tuple[float, float]] = {}
    for ms in samples:
        bucket = bucket_of(ms)
        counts[bucket] = counts.get(bucket, 0) + 1
        low, high = ranges.get(bucket, (ms, ms))
        ranges[bucket] = (min(low, ms), max(high, ms))
    estimate = LatencyHistogram(counts, ranges).percentile(q)
    assert estimate is not None and min(samples) <= estimate <= max(samples)
    assert LatencyHistogram(counts, ranges).percentile(1.0) == max(samples)
