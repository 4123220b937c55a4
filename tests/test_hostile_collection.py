"""A collection someone else made: build, package and serve write, delete and read
nothing outside it, say why they refuse, and one bad source fails alone."""

from __future__ import annotations

import io
import json
import os
import shutil
import threading
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from tei_tools.cli import cli
from tei_tools.collection.config import ConfigError, load_config
from tei_tools.collection.confine import Outside, make_folder
from tei_tools.collection.manifest import Journal
from tei_tools.processes import exclusive
from tei_tools.site.serve import make_server

from .conftest import RAW

JPEG = b"\xff\xd8\xff\xe0" + b"\0" * 60  # an image by its first bytes
PAGE = """<?xml version="1.0" encoding="UTF-8"?>
<PcGts xmlns="http://schema.primaresearch.org/PAGE/gts/pagecontent/2013-07-15">
  <Page imageFilename="{image}" imageWidth="100" imageHeight="100">
    <TextRegion id="r1"><Coords points="1,1 90,1 90,20 1,20"/>
      <TextLine id="r1l1"><Coords points="1,1 90,1 90,20 1,20"/>
        <TextEquiv><Unicode>{text}</Unicode></TextEquiv></TextLine>
    </TextRegion>
  </Page>
</PcGts>"""
METS = """<mets:mets xmlns:mets="http://www.loc.gov/METS/" xmlns:xlink="http://www.w3.org/1999/xlink">
<mets:fileSec><mets:fileGrp USE="PAGEXML">{files}</mets:fileGrp></mets:fileSec></mets:mets>"""


def export(folder: Path, pages: dict[str, str], files: dict[str, bytes]) -> Path:
    """A PAGE export: a METS file listing ``pages`` (path → image name) and ``files``."""
    folder.mkdir(parents=True)
    entries = []
    for n, (path, image) in enumerate(pages.items(), 1):
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_text(PAGE.format(image=image, text=f"Page {n} of the talks."))
        entries.append(f'<mets:file SEQ="{n}"><mets:FLocat xlink:href="{path}"/></mets:file>')
    (folder / "mets.xml").write_text(METS.format(files="".join(entries)))
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    return folder


def collection(tmp_path: Path) -> Path:
    folder = tmp_path / "collection"
    shutil.copytree(RAW, folder / "raw")
    return folder


def build(folder: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["build", str(folder), "-j", "1", *args])
    return result.exit_code, result.output


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


# -- 1–5: links and a forged manifest ----------------------------------------------------


def test_a_linked_facsimile_folder_takes_no_write(tmp_path):
    """Item 1: site/facsimile -> outside; an export named .ssh naming authorized_keys."""
    folder = collection(tmp_path)
    home = tmp_path / "home"
    home.mkdir()
    export(folder / "raw" / ".ssh", {"page/0001.xml": "authorized_keys"}, {"authorized_keys": JPEG})
    (folder / "site").mkdir()
    (folder / "site" / "facsimile").symlink_to(home)
    code, out = build(folder)
    assert code == 2, out
    assert "site/facsimile is a symbolic link" in out and "never writes" in out
    assert list(home.iterdir()) == []
    assert not (folder / "encoded").exists()  # refused before anything is written


def test_folders_are_made_through_no_link(tmp_path):
    """Item 1 at its root: the folder maker refuses a link on the way, even one that
    appears after the collection was checked."""
    (tmp_path / "site").mkdir()
    (tmp_path / "outside").mkdir()
    (tmp_path / "site" / "facsimile").symlink_to(tmp_path / "outside")
    with pytest.raises(Outside, match="symbolic link"):
        make_folder(tmp_path, tmp_path / "site" / "facsimile" / ".ssh")
    assert list((tmp_path / "outside").iterdir()) == []
    with pytest.raises(Outside, match="outside the collection"):
        make_folder(tmp_path / "site", tmp_path / "outside" / "x")


def test_a_forged_manifest_deletes_nothing_outside(tmp_path):
    """Item 2: a record of a removed document naming outputs outside the collection."""
    folder = collection(tmp_path)
    assert build(folder)[0] == 0
    precious = tmp_path / "precious.txt"
    precious.write_text("keep me")
    manifest_path = folder / "encoded" / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    fake = {"sha256": "0" * 64, "bytes": 7}
    manifest["documents"]["ghost"] = {"status": "built", "outputs": {str(precious): fake}}
    manifest["documents"]["../../x"] = {"status": "built", "outputs": {}}
    manifest["documents"]["other"] = {
        "status": "built",
        "outputs": {"encoded/../../precious.txt": fake, "site/../../precious.txt": fake},
    }
    manifest_path.write_text(json.dumps(manifest))
    code, out = build(folder)
    assert code == 0, out
    assert precious.read_text() == "keep me"
    assert "record 'ghost' ignored" in out and "nothing it names is deleted" in out
    assert "record '../../x' ignored" in out and "record 'other' ignored" in out
    after = json.loads(manifest_path.read_text())
    assert set(after["documents"]) == {p.stem for p in (folder / "raw").glob("*.txt")}


@pytest.mark.parametrize("where", ["encoded/.manifest.journal", ".tei-tools.lock"])
def test_a_linked_journal_or_lock_is_refused_and_its_target_untouched(tmp_path, where):
    """Items 3 and 4: a journal appended to, a lock truncated, through a link."""
    folder = collection(tmp_path)
    target = tmp_path / "shellrc"
    target.write_text("export PATH=/usr/bin\n")
    (folder / where).parent.mkdir(parents=True, exist_ok=True)
    (folder / where).symlink_to(target)
    code, out = build(folder)
    assert code == 2 and f"{where} is a symbolic link" in out
    assert target.read_text() == "export PATH=/usr/bin\n"


def test_the_journal_and_the_lock_open_no_link_at_their_root(tmp_path):
    target = tmp_path / "target"
    target.write_text("x")
    (tmp_path / "encoded").mkdir()
    (tmp_path / "encoded" / ".manifest.journal").symlink_to(target)
    with pytest.raises(Outside):
        Journal(tmp_path / "encoded")
    (tmp_path / "lock").symlink_to(target)
    with pytest.raises(OSError), exclusive(tmp_path / "lock"):
        pass
    assert target.read_text() == "x"


def test_package_refuses_a_link_in_the_site(tmp_path):
    """Item 5: an outside file linked into the site is not published in the bag."""
    folder = collection(tmp_path)
    assert build(folder)[0] == 0
    secret = tmp_path / "secret.txt"
    secret.write_text("secret")
    (folder / "site" / "leak.txt").symlink_to(secret)
    bag = tmp_path / "bag"
    result = CliRunner().invoke(cli, ["package", str(bag), "--collection", str(folder)])
    assert result.exit_code == 2 and "leak.txt is a symbolic link" in result.output
    assert not bag.exists()


def test_a_raw_file_linked_out_of_the_collection_is_refused_anywhere_in_raw(tmp_path):
    folder = collection(tmp_path)
    (tmp_path / "secret.xml").write_text("<x/>")
    export(folder / "raw" / "e1", {"page/0001.xml": "p.jpg"}, {"p.jpg": JPEG})
    (folder / "raw" / "e1" / "page" / "0002.xml").symlink_to(tmp_path / "secret.xml")
    code, out = build(folder)
    assert code == 2 and "outside the collection" in out and "0002.xml" in out


# -- 6: the configuration's code -------------------------------------------------------


def test_configured_stylesheets_run_only_when_trusted(tmp_path):
    folder = collection(tmp_path)
    (folder / "evil-xsl").mkdir()
    (folder / "x.odd").write_text("<TEI/>")
    (folder / "tei-tools.toml").write_text('schema = "x.odd"\nstylesheets = "evil-xsl"\n')
    code, out = build(folder)
    assert code == 2 and "stylesheets are code" in out and "--trust-stylesheets" in out
    assert not (folder / "encoded").exists()


@pytest.mark.parametrize("key", ["people", "schema", "tei-source", "raw", "site"])
def test_the_configuration_reads_no_file_outside_the_collection(tmp_path, key):
    (tmp_path / "outside.xml").write_text("<x/>")
    folder = tmp_path / "c"
    (folder / "raw").mkdir(parents=True)
    (folder / "tei-tools.toml").write_text(f'{key} = "../outside.xml"\n')
    with pytest.raises(ConfigError, match="outside the collection"):
        load_config(folder)


# -- 7: one bad source fails alone -----------------------------------------------------


def test_a_document_whose_build_raises_fails_alone(tmp_path, monkeypatch):
    """Item 7 at its root: whatever a document's task raises, the others are built."""
    folder = collection(tmp_path)
    (folder / "raw" / "broken.txt").write_text("MEMORANDUM\n\nThe talks went on.\n")
    from tei_tools.collection import task

    original = task.convert_bytes

    def convert(data, name, *args, **kwargs):
        if name.endswith("broken.txt"):
            raise RuntimeError("the converter tripped")
        return original(data, name, *args, **kwargs)

    monkeypatch.setattr(task, "convert_bytes", convert)
    code, out = build(folder)
    assert code == 1, out
    assert "broken.txt:1:1: error C901" in out and "RuntimeError: the converter tripped" in out
    assert "2 built" not in out and "3 built" in out and "1 failed" in out
    assert len(list((folder / "encoded").glob("1962*.xml"))) == 2
    assert "internal error" not in out


def test_a_docx_with_a_bad_crc_fails_alone(tmp_path):
    folder = collection(tmp_path)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(
            "word/document.xml",
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            "<w:body><w:p><w:r><w:t>The talks had ended.</w:t></w:r></w:p></w:body></w:document>",
        )
    data = bytearray(buffer.getvalue())
    spot = data.index(b"The talks")
    data[spot] ^= 0x20  # the stored bytes no longer match their CRC
    (folder / "raw" / "damaged.docx").write_bytes(bytes(data))
    code, out = build(folder)
    assert code == 1, out
    assert "damaged.docx" in out and "internal error" not in out
    assert len(list((folder / "encoded").glob("1962*.xml"))) == 2


def test_an_unreadable_source_fails_alone(tmp_path):
    folder = collection(tmp_path)
    if os.geteuid() == 0:
        export(folder / "raw" / "e1", {"page/0001.xml": "p.jpg"}, {})
        (folder / "raw" / "e1" / "page" / "0001.xml").write_bytes(b"x" * 10)
        big = folder / "raw" / "e1" / "page" / "0002.xml"
        with big.open("wb") as handle:  # sparse: larger than a part may be
            handle.truncate(300 * 1024 * 1024)
    else:
        bad = folder / "raw" / "locked.txt"
        bad.write_text("x")
        bad.chmod(0)
    code, out = build(folder)
    assert code == 1, out
    assert "cannot be read" in out and "internal error" not in out
    assert len(list((folder / "encoded").glob("1962*.xml"))) == 2


# -- 11, 13, 14: page images ---------------------------------------------------------------


def test_page_images_keep_their_folders_and_only_images_are_copied(tmp_path):
    """Item 14: a/img.jpg and b/img.jpg are two images; evil.html is not copied."""
    folder = collection(tmp_path)
    other = b"\x89PNG\r\n\x1a\n" + b"\0" * 40
    export(
        folder / "raw" / "e1",
        {"a/0001.xml": "a/img.jpg", "b/0002.xml": "b/img.jpg", "c/0003.xml": "evil.html"},
        {"a/img.jpg": JPEG, "b/img.jpg": other, "evil.html": b"<script>alert(1)</script>"},
    )
    code, out = build(folder)
    assert code == 0, out
    facsimile = folder / "site" / "facsimile" / "e1"
    assert (facsimile / "a" / "img.jpg").read_bytes() == JPEG
    assert (facsimile / "b" / "img.jpg").read_bytes() == other
    assert not list(facsimile.rglob("*.html"))
    assert "E005" in out and "evil.html: not an image by its content" in out
    page = (folder / "site" / "e1.html").read_text()
    assert "facsimile/e1/a/img.jpg" in page and "facsimile/e1/b/img.jpg" in page


def test_an_image_name_two_files_share_is_not_guessed(tmp_path):
    folder = collection(tmp_path)
    export(
        folder / "raw" / "e1",
        {"page/0001.xml": "img.jpg"},
        {"a/img.jpg": JPEG, "b/img.jpg": JPEG},
    )
    code, out = build(folder)
    assert code == 0 and "E005" in out and "more than one file" in out
    assert not (folder / "site" / "facsimile" / "e1").exists()


def test_an_image_zip_bomb_is_not_unpacked(tmp_path, monkeypatch):
    """Item 11: a member larger than the image budget is not copied (nor read whole)."""
    from tei_tools import budgets

    monkeypatch.setattr(budgets, "MAX_IMAGE_BYTES", 1 << 20)
    folder = collection(tmp_path)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "mets.xml",
            METS.format(files='<mets:file><mets:FLocat xlink:href="page/1.xml"/></mets:file>'),
        )
        archive.writestr("page/1.xml", PAGE.format(image="p.jpg", text="The talks."))
        archive.writestr("p.jpg", JPEG + b"\0" * (4 << 20))
    (folder / "raw" / "bomb.zip").write_bytes(buffer.getvalue())
    code, out = build(folder)
    assert code == 0, out
    assert "E005" in out and "unpacks to more than 1,048,576 bytes" in out
    assert not (folder / "site" / "facsimile" / "bomb").exists()


def test_an_export_folder_is_hashed_by_what_it_uses(tmp_path, monkeypatch):
    """Item 13: an unrelated file is never read; a page image that changes rebuilds."""
    folder = collection(tmp_path)
    exported = export(folder / "raw" / "e1", {"page/0001.xml": "p.jpg"}, {"p.jpg": JPEG})
    scan = exported / "unused-scan.tif"
    scan.write_bytes(b"II*\x00" + b"\0" * 1000)
    assert build(folder)[0] == 0
    scan.write_bytes(b"II*\x00" + b"\1" * 1000)
    real_open = Path.open

    def guarded(self, *args, **kwargs):
        assert self.name != "unused-scan.tif", "the unused scan was read"
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", guarded)

    def read_bytes(self):
        with guarded(self, "rb") as handle:
            return handle.read()

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    result = CliRunner().invoke(cli, ["build", str(folder), "-j", "1"])
    assert "nothing to rebuild" in result.output, repr(result.exception)
    monkeypatch.undo()
    (exported / "p.jpg").write_bytes(JPEG + b"changed")
    code, out = build(folder)
    assert code == 0 and "1 built" in out


# -- 21, 23: names and addresses -------------------------------------------------------


@pytest.mark.parametrize(
    ("names", "message"),
    [
        (["search.txt"], "names reserved"),
        (["Index.txt"], "names reserved"),
        (["Memo.txt", "memo.md"], "differ only in case"),
    ],
)
def test_raw_names_that_would_collide_are_refused(tmp_path, names, message):
    folder = collection(tmp_path)
    for name in names:
        (folder / "raw" / name).write_text("The talks went on.\n")
    code, out = build(folder)
    assert code == 2 and message in out
    assert not (folder / "site").exists()


def test_a_licence_address_must_be_a_web_address(tmp_path):
    (tmp_path / "raw").mkdir()
    (tmp_path / "tei-tools.toml").write_text('licence-url = "javascript:alert(document.domain)"\n')
    with pytest.raises(ConfigError, match="licence-url must start with http"):
        load_config(tmp_path)


# -- 22: serve -----------------------------------------------------------------------------


def test_serve_never_serves_a_folder_that_is_not_a_site(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("SECRET=1")
    result = CliRunner().invoke(cli, ["serve"])
    assert result.exit_code == 2 and "no such folder" in result.output
    result = CliRunner().invoke(cli, ["serve", str(tmp_path)])
    assert result.exit_code == 2 and "not a built site" in result.output


def _get(url: str, host: str | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Host": host} if host else {})
    try:
        with urllib.request.urlopen(request) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


def test_serve_answers_this_machine_only_and_nothing_outside_the_site(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<title>x</title>")
    (site / ".secret").write_text("s")
    (site / "sub").mkdir()
    (tmp_path / "outside.txt").write_text("outside")
    (site / "out.txt").symlink_to(tmp_path / "outside.txt")
    server = make_server(site, 0)
    port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{port}"
    try:
        assert _get(f"{base}/index.html")[0] == 200
        assert _get(f"{base}/index.html", host=f"localhost:{port}")[0] == 200
        assert _get(f"{base}/index.html", host="attacker.example:80")[0] == 421
        assert _get(f"{base}/out.txt")[0] == 404
        assert _get(f"{base}/.secret")[0] == 404
        assert _get(f"{base}/sub/")[0] == 404  # no listing
    finally:
        server.shutdown()
        server.server_close()


def test_serve_closes_an_idle_connection(tmp_path, monkeypatch):
    import socket

    from tei_tools.site import serve

    monkeypatch.setattr(serve, "TIMEOUT", 0.5)
    (tmp_path / "index.html").write_text("<title>x</title>")
    server = make_server(tmp_path, 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with socket.create_connection(server.server_address[:2], timeout=10) as client:
            client.sendall(b"GET /index.html HTTP/1.1\r\n")  # and never finishes
            assert client.recv(100) == b""  # closed by the server, not by our timeout
    finally:
        server.shutdown()
        server.server_close()
