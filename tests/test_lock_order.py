"""Every rollup upsert of an ingest batch writes its rows sorted by key (store.lock_order),
whatever order the log asked for them in: two writers then never wait on each other in
a cycle on a store that locks rows."""

from __future__ import annotations

import re
from pathlib import Path

from mediatop.ingest.logs.logfile import ingest_logs
from mediatop.scan import scan_root
from mediatop.store import connect

UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0"
# table -> how many leading values of a row are its key (kind_breakdown_hourly is
# written for documents, video and audio only: not for these images)
KEYED = {
    "media_performance_metrics": 2, "file_totals": 1, "kind_daily": 2, "usage_breakdown": 4,
    "kind_breakdown": 4, "media_hourly": 3, "kind_hourly": 3,
    "latency_hourly": 5, "latency_histogram": 4, "media_misses": 2, "misses_hourly": 3,
}  # fmt: skip
_INSERT = re.compile(
    r"^\s*INSERT INTO (\w+)(?: AS \w+)? \([^)]*\)\s*VALUES\s*\((.*?)\)\s*ON CONFLICT", re.S
)
_VALUE = re.compile(r"'(?:[^']|'')*'|[xX]'[0-9A-Fa-f]*'|[^,\s]+")


def _key(values: str, width: int) -> tuple[object, ...]:
    """The first `width` literals of an expanded VALUES list, as comparable values."""
    found: list[object] = []
    for token in _VALUE.findall(values)[:width]:
        if token.startswith("'"):
            found.append(token[1:-1].replace("''", "'"))
        elif token[:2] in ("x'", "X'"):
            found.append(bytes.fromhex(token[2:-1]))
        else:
            found.append(float(token))
    return tuple(found)


def test_every_rollup_upsert_of_a_batch_runs_in_key_order(tmp_path: Path) -> None:
    root = tmp_path / "media"
    root.mkdir()
    for index in range(4):
        (root / f"f{index}.jpg").write_bytes(b"x")
    db = tmp_path / "store.sqlite3"
    conn = connect(db)
    scan_root(conn, root, probe=False)
    # The log asks for the files last name first, and for misses (z.jpg before a.jpg),
    # over two hours of two days, with server times in several buckets: in log order the
    # keys of most rollups would come out descending.
    lines = []
    for n in range(40):
        stamp = ("10/Oct/2024:23", "11/Oct/2024:00")[n // 20] + f":{n:02d}:00 +0000"
        name = ("z-gone", "f3", "f2", "f1", "f0", "a-gone")[n % 6]
        lines.append(
            f'198.51.100.{n} - - [{stamp}] "GET /uploads/{name}.jpg HTTP/1.1" '
            f'{404 if "gone" in name else 200} {n} "https://ref{9 - n % 9}.example/" '
            f'"{UA}" {(40 - n) / 100:.2f}\n'
        )
    log = tmp_path / "access.log"
    log.write_text("".join(lines))
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    fmt = '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent ' \
          '"$http_referer" "$http_user_agent" $request_time'  # fmt: skip
    # 40 lines, of which 13 ask for the missing names (n % 6 = 0: 7 lines, n % 6 = 5: 6)
    assert ingest_logs(conn, [log], url_prefixes=("/uploads/",), log_format=fmt).accepted == 27
    conn.close()
    keys: dict[str, list[tuple[object, ...]]] = {}
    for statement in statements:
        match = _INSERT.match(statement)
        if match and match.group(1) in KEYED:
            keys.setdefault(match.group(1), []).append(_key(match.group(2), KEYED[match.group(1)]))
    assert set(keys) == set(KEYED), set(KEYED) - set(keys)
    for table, written in keys.items():
        assert len(written) > 1, table  # more than one row, so the order is tested
        assert written == sorted(written), table
