"""One place's report (`report place --place TYPE:ID`, `GET /api/analytics/places/T/ID`,
the Files on a page screen): the files a page uses, how, their uses, and what it names
that the library does not have; worked by hand from the references and events below."""

from __future__ import annotations

import json
from contextlib import closing
from pathlib import Path

import httpx
import pytest

from mediatop.analytics.jsonable import to_jsonable
from mediatop.analytics.usage.place import place_report
from mediatop.cli import main
from mediatop.errors import UnknownPlaceError
from mediatop.library import MediaLibrary
from mediatop.model import ProbeResult
from mediatop.store import connect, transaction
from mediatop.store.locations import replace_locations
from serve_support import running_server
from test_analytics_usage_fixtures import Store, make_store, ref, tracked, view


def _store(tmp_path: Path) -> Store:
    store = make_store(tmp_path)
    hero = store.add("hero.jpg", 1000, probe=ProbeResult(format="JPEG", width=800, height=600))
    guide = store.add("guide.pdf", 2000, probe=ProbeResult(pages=3))
    store.add("old.jpg", 700, deleted_days_ago=5)
    other = store.add("other.jpg", 500)
    store.refs(
        ref("hero.jpg", "12", title="Hello", url="https://x.test/hello", usage="featured",
            display_width=400),
        ref("hero.jpg", "12", title="Hello", usage="inline", display_width=600),
        ref("guide.pdf", "12", usage="attachment"),
        ref("old.jpg", "12"),
        ref("missing.jpg", "12"),
        ref("other.jpg", "13/b", type="page"),
    )  # fmt: skip
    views = [view(hero, 1) for _ in range(3)]
    store.events([*views, tracked(hero, "click", 1), tracked(guide, "download", 2), view(other, 1)])
    return store


def test_a_post_lists_its_files_how_it_uses_them_and_what_is_missing(tmp_path: Path) -> None:
    store = _store(tmp_path)
    report = to_jsonable(place_report(store.ctx("7d", place="post:12")))
    assert (report["type"], report["id"], report["title"]) == ("post", "12", "Hello")
    assert report["url"] == "https://x.test/hello"
    # guide, hero and old (deleted since); their present bytes 2000 + 1000
    assert (report["totalFiles"], report["totalSize"]) == (3, 3000)
    rows = [
        (f["filename"], f["usages"], f["displayWidth"], f["usageCount"], f["deleted"])
        for f in report["files"]
    ]
    assert rows == [
        ("guide.pdf", ["attachment"], None, 1, False),  # one download
        ("hero.jpg", ["featured", "inline"], 600, 4, False),  # 3 views + 1 click; widest 600
        ("old.jpg", ["inline"], None, 0, True),
    ]
    hero = report["files"][1]
    assert (hero["type"], hero["size"], hero["width"], hero["height"]) == ("image", 1000, 800, 600)
    assert report["files"][0]["pages"] == 3
    assert report["missing"] == ["missing.jpg"]


def test_an_id_with_a_slash_and_an_unknown_place(tmp_path: Path) -> None:
    store = _store(tmp_path)
    page = place_report(store.ctx("7d", place="page:13/b"))
    assert [(f.filename, f.usage_count) for f in page.files] == [(b"other.jpg", 1)]
    with pytest.raises(UnknownPlaceError, match="post:99"):
        place_report(store.ctx("7d", place="post:99"))


def _cli(
    library: MediaLibrary, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str, str]:
    capsys.readouterr()
    db, root = str(library.settings.db_path), str(library.settings.root)
    try:
        code = main(["report", *args[:1], root, "--db", db, *args[1:]])
    except SystemExit as exit_:  # argparse's refusals
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def _scanned_library(tmp_path: Path) -> MediaLibrary:
    """A scanned folder (the server serves only those) whose post 12 uses two files."""
    root = tmp_path / "uploads"
    (root / "2025").mkdir(parents=True)
    (root / "2025/a.jpg").write_bytes(b"not really a JPEG")
    (root / "2025/b.pdf").write_bytes(b"%PDF-1.4 not really")
    library = MediaLibrary.open(root, db=tmp_path / "store.sqlite3")
    library.scan()
    with closing(connect(library.settings.db_path)) as conn, transaction(conn):
        refs = [ref("2025/a.jpg", "12"), ref("2025/b.pdf", "12"), ref("2025/a.jpg", "13/b")]
        replace_locations(conn, "content", refs)
    return library


def test_the_cli_and_the_api_give_the_report_and_refuse_what_names_no_place(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    library = _scanned_library(tmp_path)
    code, out, _ = _cli(library, capsys, "place", "--place", "post:12", "--range", "all", "--json")
    assert code == 0
    by_cli = json.loads(out)
    assert [f["filename"] for f in by_cli["files"]] == ["2025/a.jpg", "2025/b.pdf"]
    for args, says in (
        (("place",), "needs --place TYPE:ID"),
        (("place", "--place", "post"), "a place is TYPE:ID"),
        (("overview", "--place", "post:12"), "does not take --place"),
        (("place", "--file", "2025/a.jpg", "--place", "post:12"), "does not take --file"),
    ):
        code, _, err = _cli(library, capsys, *args)
        assert code == 2 and says in err, (args, err)
    code, out, err = _cli(library, capsys, "place", "--place", "post:99")
    assert code != 0 and "no reference names the place post:99" in err and "Traceback" not in err

    with running_server(library) as base:
        places = base + "/api/analytics/places"
        answer = httpx.get(places + "/post/12", params={"range": "all"})
        assert answer.status_code == 200 and answer.json() == by_cli
        slashed = httpx.get(places + "/post/13%2Fb", params={"range": "all"}).json()
        assert [f["filename"] for f in slashed["files"]] == ["2025/a.jpg"]
        unknown = httpx.get(places + "/post/99")
        assert unknown.status_code == 404
        assert unknown.json()["field"] == "placeId"


def test_the_text_form_lists_how_the_place_uses_each_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    library = _scanned_library(tmp_path)
    code, out, _ = _cli(library, capsys, "place", "--place", "post:12", "--range", "all")
    assert code == 0
    lines = out.splitlines()
    header = next(line for line in lines if "Filename" in line)
    column = header.index("Usages")
    rows = [line for line in lines if "2025/" in line]
    assert [row[column:].split()[0] for row in rows] == ["inline", "inline"]
