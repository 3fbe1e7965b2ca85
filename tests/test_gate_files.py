"""Files an organisation hands the kit are bounded: no import path leaving the content folder,
no zip bomb unpacked (content import, ticket exports), no YAML alias bomb expanded."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile

import openpyxl
import pytest

from tests.test_content_sheets import cell
from widgets import content
from widgets.content import sheets
from widgets.core.archives import ArchiveTooLarge, check_zip
from widgets.workshops.metrics import tickets


def run_import(path, cwd):
    return subprocess.run(
        [sys.executable, "-m", "widgets.ops.cli", "content", "import", str(path), "--language", "en"],
        check=False,
        capture_output=True,
        text=True,
        cwd=cwd,
        env=os.environ,
    )


@pytest.mark.parametrize("name", ["../escaped", "/tmp/elan-escaped", "week/../../escaped", "week\\..\\..\\x"])
def test_an_import_naming_a_file_outside_the_content_folder_writes_nothing(org, tmp_path, name):
    path = sheets.write_workbook("ideas", tmp_path / "ideas.xlsx")
    book = openpyxl.load_workbook(path)
    target = cell(book, "file", "file", {"file": "week/ideas"})
    target.value = name
    book.save(path)
    reading = sheets.read_workbook(path)
    problems = [p.render("en") for p in sheets.check(reading)]
    assert any("is not a file of the content folder" in p for p in problems), problems
    result = run_import(path, tmp_path)
    assert result.returncode == 1 and "is not a file of the content folder" in result.stdout
    assert not (tmp_path / "escaped.yaml").exists() and not os.path.exists("/tmp/elan-escaped.yaml")
    assert list(org.rglob("*")) == []
    # And the writer itself refuses, whatever reached it.
    reading.docs = {name: {"kind": "week-ideas", "ideas": []}}
    with pytest.raises(ValueError):
        sheets.import_reading(reading, org)


def zip_bomb(path, unpacked_mb: int = 64):
    """A real workbook with one more sheet of zeros: a few kilobytes packed, ``unpacked_mb`` unpacked."""
    sheets.write_workbook("ideas", path)
    chunk = b"0" * (1024 * 1024)
    with (
        zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive,
        archive.open("xl/worksheets/sheet9.xml", "w", force_zip64=True) as member,
    ):
        for _ in range(unpacked_mb):
            member.write(chunk)
    return path


def test_a_zip_bomb_is_refused_before_parsing_in_content_import_and_in_ticket_exports(org, tmp_path):
    bomb = zip_bomb(tmp_path / "ideas.xlsx")
    assert bomb.stat().st_size < 1024 * 1024
    with pytest.raises(ArchiveTooLarge):
        check_zip(bomb)
    problems = [p.render("en") for p in sheets.check(sheets.read_workbook(bomb))]
    assert any("sheet9.xml" in p and "nothing was read" in p for p in problems), problems
    result = run_import(bomb, tmp_path)
    assert result.returncode == 1 and "nothing was read" in result.stdout
    assert list(org.rglob("*")) == []
    with pytest.raises(tickets.TicketImportError) as refused:
        tickets.read_export(bomb.read_bytes())
    # The reason, in the reader's language, names the part that would unpack too far.
    assert any("sheet9.xml" in str(p.values.get("detail", "")) for p in refused.value.problems), refused.value.problems
    # The total, too: a workbook may not unpack past the bound however well it packs.
    with pytest.raises(ArchiveTooLarge) as total:
        check_zip(bomb, max_unpacked=32 * 1024 * 1024, max_ratio=10**9)
    assert total.value.key == "core.error_archive_size"


def _alias_bomb(path):
    lines = ["kind: week-ideas", 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [{', '.join(['*' + prev] * 9)}]")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert path.stat().st_size < 1000
    return path


def test_a_yaml_alias_bomb_is_refused_before_it_is_expanded(tmp_path):
    bomb = _alias_bomb(tmp_path / "bomb.yaml")
    with pytest.raises(content.ContentError) as refused:
        content.read_yaml(bomb)
    assert "aliases" in refused.value.problems[0].render("en")


def test_the_round_trip_reader_that_saves_refuses_an_alias_bomb_naming_the_file(tmp_path):
    """Saving over an organisation's file (content forms, layers, workbook import) reads it with
    ruamel first: that reader is bounded like the loader, and the file is left as it was."""
    from widgets.content import saving

    bomb = _alias_bomb(tmp_path / "week-ideas.yaml")
    before = bomb.read_bytes()
    for save in (lambda: saving.load(bomb), lambda: saving.write(bomb, {"kind": "week-ideas", "a": []})):
        with pytest.raises(content.ContentError) as refused:
            save()
        problem = refused.value.problems[0]
        assert problem.file.endswith("week-ideas.yaml")
        assert "aliases" in problem.render("en") and "week-ideas.yaml" in str(refused.value)
    # A workbook import writing over that file goes through the same reader.
    reading = sheets.Reading(workbook="ideas.xlsx", docs={"acme-bomb": {"kind": "week-ideas", "a": []}})
    _alias_bomb(tmp_path / "acme-bomb.yaml")
    with pytest.raises(content.ContentError, match="acme-bomb.yaml"):
        sheets.import_reading(reading, tmp_path)
    assert bomb.read_bytes() == before
    assert (tmp_path / "acme-bomb.yaml").read_text(encoding="utf-8").count("*") > 50
