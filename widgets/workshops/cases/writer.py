"""``elan cases``: what a case writer needs to see, every complete path of every case, with what the checks flag.

For each case file of a content folder: its problems (what makes it unplayable,
as ``elan validate`` reports them: file, line, field), its warnings (the best
response always at the same place or always the longest, endings that follow from
the last response alone), and, when it is playable, every complete path with its
ending, the decision and rule that chose it, the mood reached and the scores.

>>> report = cases_report(None)
>>> report["cases"][0]["paths"][0]["ending"] in {e for c in report["cases"][:1] for e in c["endings"]}
True
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from widgets import content
from widgets.live.exercises import casebook
from widgets.workshops.cases import checks


def _folder(content_dir: Path | None) -> Path:
    """The cases folder: ``DIR/cases`` when it exists (an organisation's content folder), else ``DIR`` itself."""
    root = Path(content_dir) if content_dir else content.content_dir()
    return root / "cases" if (root / "cases").is_dir() else root


def case_entry(file: Path, lang: str | None = None) -> dict:
    """One case file: problems, warnings and, when it is playable, every path (messages in ``lang``)."""
    problems = content.validate_file(file)
    entry: dict = {
        "file": str(file),
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
    """Every case file below the folder, as :func:`case_entry` describes it; counts of problems and warnings."""
    folder = _folder(content_dir)
    entries = [case_entry(file, lang) for file in content.content_files(folder)]
    entries = [e for e in entries if not e.get("skipped")]
    return {
        "folder": str(folder),
        "cases": entries,
        "problems": sum(len(e["problems"]) for e in entries),
        "warnings": sum(len(e["warnings"]) for e in entries),
    }


def run(content_dir: Path | None, as_json: bool, t) -> int:
    """The command: JSON on stdout (``--json``) or one line per case; exit status 1 when a case has a problem."""
    folder = _folder(content_dir)
    if not folder.exists():
        print(t("cases.tool_no_folder", folder=folder), file=sys.stderr)
        return 2
    report = cases_report(content_dir, t.lang)
    if as_json:
        json.dump(report, sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        for entry in report["cases"]:
            print(
                t(
                    "cases.tool_line",
                    id=entry["id"] or entry["file"],
                    paths=len(entry["paths"]),
                    problems=len(entry["problems"]),
                    warnings=len(entry["warnings"]),
                )
            )
            for item in entry["problems"] + entry["warnings"]:
                print(f"  {entry['file']}:{item['line']}: [{item['field']}] {item['message']}")
    return 1 if report["problems"] else 0
