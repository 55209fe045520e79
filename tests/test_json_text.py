"""Issue 18, point 6: every JSON output is decodable by a strict reader (PHP's
json_decode refuses a lone \\udcXX), and a name that had to change carries its exact
bytes beside it, percent-encoded."""

from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import unquote_to_bytes

import pytest
from hypothesis import given
from hypothesis import strategies as st

from media_factory import write_bytes_name
from mediatop.cli import main
from mediatop.json_text import percent_encoded, unicode_safe


def _strict(data: object) -> object:
    """What a strict reader gets: the JSON as UTF-8 bytes, decoded strictly."""
    return json.loads(json.dumps(data, ensure_ascii=False).encode("utf-8").decode("utf-8"))


@given(st.binary(max_size=40))
def test_any_name_becomes_valid_unicode_with_its_bytes_kept(raw: bytes) -> None:
    safe = unicode_safe({"filename": os.fsdecode(raw)})
    assert _strict(safe) == safe
    twin = safe.get("filenameBytes", percent_encoded(safe["filename"]))
    assert unquote_to_bytes(twin) == raw


def test_only_names_that_changed_get_a_twin_and_lists_get_one_of_their_length() -> None:
    latin1 = os.fsdecode(b"caf\xe9.jpg")
    data = {"a": "caf\u00e9.jpg", "b": latin1, "sizes": ["x-300.jpg", latin1], "n": 3,
            "rows": [{"filename": latin1}]}  # fmt: skip
    assert unicode_safe(data) == {
        "a": "café.jpg",  # valid Unicode: left alone, no twin
        "b": "caf\ufffd.jpg", "bBytes": "caf%E9.jpg",
        "sizes": ["x-300.jpg", "caf\ufffd.jpg"], "sizesBytes": ["x-300.jpg", "caf%E9.jpg"],
        "n": 3, "rows": [{"filename": "caf\ufffd.jpg", "filenameBytes": "caf%E9.jpg"}],
    }  # fmt: skip
    # a surrogate no file name holds (a JSON "\ud800" from outside) is kept too
    assert unicode_safe({"ua": "x\ud800"}) == {"ua": "x\ufffd\ufffd\ufffd", "uaBytes": "x%ED%A0%80"}


def test_cli_json_about_a_name_that_is_not_utf8_decodes_strictly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "media"
    root.mkdir()
    write_bytes_name(root, b"caf\xe9.pdf", b"%PDF-1.4\n")
    db = str(tmp_path / "s.sqlite3")
    assert main(["scan", str(root), "--db", db, "--quiet", "--no-probe"]) == 0
    capsys.readouterr()
    assert main(["report", "file", str(root), "--db", db, "--file", "1", "--json"]) == 0
    out = capsys.readouterr().out
    assert "\\udc" not in out  # no lone surrogate escape for PHP to refuse
    report = json.loads(out.encode("utf-8").decode("utf-8", "strict"))
    assert (report["filename"], report["filenameBytes"]) == ("caf\ufffd.pdf", "caf%E9.pdf")
