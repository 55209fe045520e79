"""`mediatop refs scan` / `refs import`: usage locations from content and CMS exports."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from mediatop.cli import main
from mediatop.ingest.locations.importer import import_locations, scan_locations
from mediatop.scan import scan_root
from mediatop.store import connect

PREFIXES = ("/wp-content/uploads/", "/uploads/")

POST = """<!doctype html>
<html><head><title>Spring &amp; sale</title>
<link rel="canonical" href="https://shop.example/spring-sale/"></head>
<body class="post-template single">
<img class="wp-post-image" src="/wp-content/uploads/2024/hero.jpg" width="1200">
<p>Text <img src="https://shop.example/wp-content/uploads/2024/hero-300x200.jpg"
  srcset="https://shop.example/wp-content/uploads/2024/hero-300x200.jpg 300w,
          https://shop.example/wp-content/uploads/2024/hero.jpg 1600w"
  sizes="(max-width: 600px) 100vw, 640px" loading="lazy" alt="hero"></p>
<div class="gallery"><figure><img src="/uploads/2024/gallery-1.jpg"></figure></div>
<video controls><source src="/wp-content/uploads/2024/clip.mp4" type="video/mp4"></video>
<a href="/wp-content/uploads/2024/guide.pdf?download=1">Guide</a>
<a href="/wp-content/uploads/../../etc/passwd">nope</a>
<img src="/wp-content/uploads/2024/missing.jpg">
</body></html>
"""


def _library(tmp_path: Path) -> tuple[Path, Path, sqlite3.Connection]:
    root = tmp_path / "media"
    (root / "2024").mkdir(parents=True)
    for name in ("hero.jpg", "hero-300x200.jpg", "gallery-1.jpg", "clip.mp4", "guide.pdf",
                 "unused.jpg"):  # fmt: skip
        (root / "2024" / name).write_bytes(b"x")
    db = tmp_path / "store.sqlite3"
    conn = connect(db)
    scan_root(conn, root, probe=False)
    return root, db, conn


def test_html_references_carry_srcset_sizes_lazy_and_page(tmp_path: Path) -> None:
    _root, _db, conn = _library(tmp_path)
    content = tmp_path / "content"
    (content / "posts").mkdir(parents=True)
    (content / "posts" / "spring.html").write_text(POST)
    (content / "pages").mkdir()
    (content / "pages" / "about.md").write_text(
        "---\ntitle: About us\n---\n![team](/uploads/2024/gallery-1.jpg)\n"
    )
    report = scan_locations(conn, content, url_prefixes=PREFIXES)
    assert report.files == 2 and report.unmatched == 1
    rows = conn.execute(
        "SELECT media_path, type, location_id, title, url, usage, element, display_width, sizes, "
        "is_lazy, is_responsive FROM usage_locations ORDER BY id"
    ).fetchall()
    by_element = {(r[0], r[6], r[5]): r for r in rows}
    featured = by_element[(b"2024/hero.jpg", "img", "featured")]
    assert featured[1:5] == ("post", "posts/spring.html", "Spring & sale",
                             "https://shop.example/spring-sale/")  # fmt: skip
    assert featured[7] == 1200 and featured[9] == 0 and featured[10] == 0
    inline = [r for r in rows if r[6] == "img" and r[5] == "inline" and r[2] == "posts/spring.html"]
    assert {r[0] for r in inline} == {b"2024/hero-300x200.jpg", b"2024/hero.jpg",
                                      b"2024/missing.jpg"}  # fmt: skip
    responsive = [r for r in inline if r[10]]
    assert all(r[7] == 640 and r[9] == 1 and "100vw" in r[8] for r in responsive)
    assert len(responsive) == 2
    assert by_element[(b"2024/gallery-1.jpg", "img", "gallery")][1] == "post"
    assert (b"2024/clip.mp4", "video", "inline") in by_element
    assert (b"2024/guide.pdf", "a", "attachment") in by_element
    about = [r for r in rows if r[2] == "pages/about.md"]
    assert about and about[0][1] == "page" and about[0][3] == "About us"
    assert not any(b"passwd" in r[0] for r in rows)
    # scanning again replaces, never duplicates
    assert scan_locations(conn, content, url_prefixes=PREFIXES).references == len(rows)
    assert conn.execute("SELECT count(*) FROM usage_locations").fetchone()[0] == len(rows)
    used = {r[0] for r in conn.execute("SELECT media_id FROM usage_locations")}
    unused = conn.execute("SELECT id FROM media_files WHERE path = ?", (b"2024/unused.jpg",))
    assert unused.fetchone()[0] not in used


def test_refs_import_from_csv_and_jsonl(tmp_path: Path, capsys) -> None:
    root, db, conn = _library(tmp_path)
    export = tmp_path / "export.csv"
    export.write_text(
        "media,type,location_id,title,usage,display_width,is_lazy\n"
        "2024/hero.jpg,page,12,Home,featured,800,yes\n"
        "2024/../../x.jpg,page,13,Bad,inline,,\n"
        "https://shop.example/uploads/2024/clip.mp4,post,14,Video post,inline,,no\n"
    )
    report = import_locations(conn, export, url_prefixes=PREFIXES)
    assert report.references == 2 and report.errors[0][0] == "line 3"
    jsonl = tmp_path / "export.jsonl"
    jsonl.write_text('{"mediaPath": "2024/guide.pdf", "type": "email", "id": 5}\n{oops\n')
    assert main(["refs", "import", str(root), "--db", str(db), str(jsonl), "--json"]) == 0
    assert '"references": 1' in capsys.readouterr().out
    assert conn.execute("SELECT count(*) FROM usage_locations").fetchone()[0] == 3
    garbage = tmp_path / "garbage.jsonl"
    garbage.write_bytes(b"{oops\n\x00\xff\n")  # bad lines only: a failed run
    assert main(["locations", "import", str(root), "--db", str(db), str(garbage)]) == 1


def test_the_command_is_locations_and_its_first_name_refs_still_works(
    tmp_path: Path, capsys
) -> None:
    root, db, conn = _library(tmp_path)
    jsonl = tmp_path / "export.jsonl"
    jsonl.write_text('{"mediaPath": "2024/guide.pdf", "type": "email", "id": 5}\n')
    for name in ("locations", "refs"):
        # the same export again replaces its own rows: one location either way
        assert main([name, "import", str(root), "--db", str(db), str(jsonl), "--json"]) == 0
        assert '"references": 1' in capsys.readouterr().out
        assert conn.execute("SELECT count(*) FROM usage_locations").fetchone()[0] == 1


def test_an_excel_csv_with_a_bom_is_read(tmp_path: Path) -> None:
    _root, _db, conn = _library(tmp_path)
    export = tmp_path / "export.csv"
    export.write_bytes(b"\xef\xbb\xbfmedia,type,location_id\n2024/hero.jpg,page,12\n")
    report = import_locations(conn, export, url_prefixes=PREFIXES)
    assert (report.references, report.errors) == (1, ())


def test_an_export_that_is_not_utf8_matches_its_bytes_and_says_so(tmp_path: Path) -> None:
    root, _db, conn = _library(tmp_path)
    (root / "2024" / os.fsdecode(b"caf\xe9.jpg")).write_bytes(b"x")  # named in Latin-1
    scan_root(conn, root, probe=False)
    export = tmp_path / "export.csv"
    export.write_bytes(b"media,type,location_id,title\n"
                       b"2024/caf\xe9.jpg,page,7,Caf\xe9 menu\n"
                       b"2024/hero.jpg,page,8,Home\n")  # fmt: skip
    report = import_locations(conn, export, url_prefixes=PREFIXES)
    assert (report.references, report.unmatched) == (2, 0)
    assert report.errors == (("line 2", "not UTF-8 (byte 0xe9): names are matched byte for "
                              "byte; export as UTF-8 if the files' names are UTF-8"),)  # fmt: skip
    row = conn.execute(
        "SELECT u.title FROM usage_locations u JOIN media_files f ON f.id = u.media_id "
        "WHERE f.path = ?", (b"2024/caf\xe9.jpg",)
    ).fetchone()  # fmt: skip
    assert row == ("Caf\\xe9 menu",)


def test_wordpress_json_export_pages_are_read(tmp_path: Path) -> None:
    _root, _db, conn = _library(tmp_path)
    content = tmp_path / "export"
    content.mkdir()
    (content / "posts.json").write_text(
        '[{"id": 7, "type": "page", "link": "https://shop.example/about/",'
        ' "title": {"rendered": "About"},'
        ' "content": {"rendered": "<p><img src=\\"/wp-content/uploads/2024/hero.jpg\\"'
        ' width=\\"400\\" loading=\\"lazy\\"></p>"}},'
        ' {"id": 8, "featured_media_url": "https://shop.example/uploads/2024/gallery-1.jpg"}]'
    )
    (content / "broken.json").write_text("{nope")
    (content / "with-bom.json").write_bytes(  # as some Windows tools save it
        b'\xef\xbb\xbf[{"id": 9, "featured_media_url": "/uploads/2024/clip.mp4"}]'
    )
    report = scan_locations(conn, content, url_prefixes=PREFIXES)
    assert [where for where, _ in report.errors] == ["broken.json"]
    rows = conn.execute(
        "SELECT media_path, type, location_id, title, url, display_width, is_lazy "
        "FROM usage_locations ORDER BY media_path"
    ).fetchall()
    assert rows[0] == (b"2024/clip.mp4", "post", "with-bom.json", None, None, None, None)
    assert rows[1] == (b"2024/gallery-1.jpg", "post", "posts.json", None, None, None, None)
    assert rows[2] == (
        b"2024/hero.jpg",
        "page",
        "posts.json#7",
        "About",
        "https://shop.example/about/",
        400,
        1,
    )


def test_with_the_whole_url_space_as_prefix_hosts_and_relative_urls_are_not_paths(
    tmp_path: Path,
) -> None:
    root = tmp_path / "media"
    (root / "photos").mkdir(parents=True)
    (root / "photos" / "a.jpg").write_bytes(b"x")
    (root / "favicon.ico").write_bytes(b"x")
    conn = connect(tmp_path / "store.sqlite3")
    scan_root(conn, root, probe=False)
    content = tmp_path / "content"
    content.mkdir()
    (content / "page.html").write_text(
        '<img src="https://site.example/photos/a.jpg">'  # photos/a.jpg, host dropped
        '<img src="//cdn.example/favicon.ico">'  # favicon.ico, protocol-relative
        '<img src="/photos/a.jpg">'  # photos/a.jpg
        '<img src="img/rel.jpg">'  # relative to a page: no path under the root
    )
    report = scan_locations(conn, content, url_prefixes=("/",))
    paths = sorted(r[0] for r in conn.execute("SELECT media_path FROM usage_locations"))
    assert paths == [b"favicon.ico", b"photos/a.jpg", b"photos/a.jpg"]
    assert (report.references, report.unmatched) == (3, 0)
