"""``elan cases``: what a case writer needs to see, every complete path of every case, with what the checks flag.

The cases are those a room would get: the kit's, with an organisation's folder
(``--content-dir``) layered over them as the server does (its cases added, the kit's it
replaces replaced, the ones it hides left out); each case says where it comes from.
For each case file: its problems (what makes it unplayable,
as ``elan validate`` reports them: file, line, field), its warnings (the best
response always at the same place or always the longest, endings that follow from
the last response alone), and, when it is playable, every complete path with its
ending, the decision and rule that chose it, the mood reached and the scores.

>>> report = cases_report(None)
>>> report["cases"][0]["paths"][0]["ending"] in {e for c in report["cases"][:1] for e in c["endings"]}
True
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path

from widgets import content
from widgets.core.languages import REQUIRED
from widgets.live.exercises import casebook
from widgets.workshops.cases import checks

#: Where a case comes from: the kit's, an organisation's own, or an organisation's in place of the kit's.
KIT, ORGANISATION, REPLACED = "kit", "organisation", "replaced"


@contextlib.contextmanager
def organisation(content_dir: Path | None) -> Iterator[None]:
    """The organisation's folder in use while the report is made (as ``elan serve --content-dir`` sets it)."""
    before = os.environ.get("ELAN_CONTENT_DIR")
    if content_dir:
        os.environ["ELAN_CONTENT_DIR"] = str(Path(content_dir).expanduser().resolve())
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("ELAN_CONTENT_DIR", None)
        else:
            os.environ["ELAN_CONTENT_DIR"] = before


def case_files() -> list[tuple[Path, str]]:
    """Every case document of the merged content, hidden ones left out: its file and where it comes from."""
    org = content.organisation_dir()
    out = []
    for name in content.names("cases"):
        mine, kit = content._file(org, name), content._file(content.BUNDLED, name)
        out.append((mine or kit, KIT if mine is None else (REPLACED if kit else ORGANISATION)))
    return out


def case_entry(file: Path, origin: str = KIT, lang: str | None = None) -> dict:
    """One case file: where it comes from, its problems, warnings and, when it is playable, every path.

    Messages are written in ``lang`` (default: the configured language).
    """
    problems = content.validate_file(file)
    entry: dict = {
        "file": str(file),
        "origin": origin,
        "id": None,
        "problems": [{"line": p.line, "field": p.field, "message": p.text(lang)} for p in problems],
        "warnings": [],
        "paths": [],
    }
    try:
        data, lines = content.read_yaml(file)
    except content.ContentError:
        return entry
    if not isinstance(data, dict) or data.get("kind") != "case":
        entry["skipped"] = "not a case"
        return entry
    entry["id"] = data.get("id")
    if problems:
        return entry
    entry["title"] = data["title"]
    entry["endings"] = {e["id"]: e["type"] for e in data["endings"]}
    display = content._display(file)
    entry["warnings"] = [
        {
            "line": content._line_for(lines, tuple(path)),
            "field": content._field(path),
            "message": message.render(lang),
            "where": display,
        }
        for path, message in checks.case_warnings(data)
    ]
    for walked in casebook.all_paths(data):
        entry["paths"].append(
            {
                "steps": list(walked.path),
                "choices": list(walked.choices),
                "ending": walked.ending,
                "type": entry["endings"][walked.ending],
                "decision": walked.decision,
                "rule": None if walked.rule is None else walked.rule + 1,
                "moods": list(walked.moods),
                "facts": sorted(walked.facts),
                "totals": walked.totals,
                "scores": casebook.scores(data, list(walked.choices)),
                "turning_step": casebook.turning_step(data, list(walked.choices)),
            }
        )
    reached = {p["ending"] for p in entry["paths"]}
    entry["summary"] = {
        "paths": len(entry["paths"]),
        "endings_reached": sorted(reached),
        "path_dependent": any(
            len({p["ending"] for p in entry["paths"] if p["steps"][-1] == s and p["choices"][-1] == c}) > 1
            for s, c in {(p["steps"][-1], p["choices"][-1]) for p in entry["paths"]}
        ),
    }
    return entry


def cases_report(content_dir: Path | None, lang: str | None = None) -> dict:
    """Every case of the kit with the organisation's folder over it, as :func:`case_entry` describes it; counts."""
    with organisation(content_dir):
        org = content.organisation_dir()
        entries = [case_entry(file, origin, lang) for file, origin in case_files()]
        try:
            playable = casebook.load_cases()
        except content.ContentError:  # a case with problems: they are listed above, the bias waits for them
            playable = []
    entries = [e for e in entries if not e.get("skipped")]
    biases = [checks.length_bias(playable, code) for code in REQUIRED] if playable else []
    return {
        "folder": str(org or content.BUNDLED / "cases"),
        "cases": entries,
        "problems": sum(len(e["problems"]) for e in entries),
        "warnings": sum(len(e["warnings"]) for e in entries) + sum(b.flagged for b in biases),
        "length_bias": [{**asdict(b), "chance": round(b.chance, 1), "flagged": b.flagged} for b in biases],
    }


def run(content_dir: Path | None, as_json: bool, t) -> int:
    """The command: JSON on stdout (``--json``) or one line per case; exit status 1 when a case has a problem."""
    if content_dir and not Path(content_dir).is_dir():
        print(t("cases.tool_no_folder", folder=content_dir), file=sys.stderr)
        return 2
    try:
        report = cases_report(content_dir, t.lang)
    except content.ContentError as exc:  # the organisation's organisation.yaml (what it hides) does not load
        print("\n".join(p.render(t.lang) for p in exc.problems), file=sys.stderr)
        return 1
    if as_json:
        json.dump(report, sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        for entry in report["cases"]:
            print(
                t(
                    "cases.tool_line",
                    id=entry["id"] or entry["file"],
                    origin=t(f"cases.tool_origin_{entry['origin']}"),
                    paths=len(entry["paths"]),
                    problems=len(entry["problems"]),
                    warnings=len(entry["warnings"]),
                )
            )
            for item in entry["problems"] + entry["warnings"]:
                print(f"  {entry['file']}:{item['line']}: [{item['field']}] {item['message']}")
        for bias in report["length_bias"]:
            line = t("cases_checks.length_bias", **{**bias, "chance": round(bias["chance"])})
            print(t("cases_checks.length_bias_flagged", line=line) if bias["flagged"] else line)
    return 1 if report["problems"] else 0
