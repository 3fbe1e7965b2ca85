"""``elan metrics FILE``: the installed command on real files, its JSON and its text, checked against plain pandas."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from widgets.workshops.metrics.formulas import METRICS

ELAN = Path(sys.executable).parent / "elan"
EXPORTS = Path(__file__).resolve().parent / "fixtures" / "exports"


def elan(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(ELAN), "metrics", *args], capture_output=True, text=True, timeout=120)


def french_file(tmp_path: Path) -> Path:
    """Semicolons, decimal commas, day-first dates, minutes, a contact count, no customer, two bad rows."""
    lines = ["N° de ticket;Date de création;Canal;DMT (min);Nb contacts;Satisfaction;Note de recommandation"]
    for i in range(1, 41):
        csat = "" if i % 4 == 0 else str(1 + i % 5)
        lines.append(
            f"T{i:03d};{1 + i % 28:02d}/02/2024 {8 + i % 9:02d}:15;{'chat' if i % 2 else 'téléphone'};"
            f"{4 + i % 9},{i % 10};{1 + (i % 5 == 0)};{csat};{i % 11}"
        )
    lines[11] = "T011;31/02/2024 10:00;chat;5,5;1;4;9"  # 31 February: line 12
    lines[21] = "T021;05/02/2024 10:00;chat;5,5;zéro;4;9"  # a count that is not a number: line 22
    path = tmp_path / "export-fr.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    return path


def test_json_on_a_french_semicolon_file(tmp_path):
    path = french_file(tmp_path)
    done = elan(str(path), "--json", "--lang", "fr")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["rows"] == 40
    # 31 February leaves the ticket with no creation date: skipped. "zéro" contacts: that value only is left out.
    assert [s["line"] for s in data["skipped"]] == [12] and [s["line"] for s in data["left_out"]] == [22]
    assert "31/02/2024" in data["skipped"][0]["reason"] and "zéro" in data["left_out"][0]["reason"]
    assert set(data["metrics"]) == set(METRICS)
    assert data["units"]["handle_seconds"] == "minutes"

    # The same figures by hand, with plain pandas on the rows that are not 12, line 22 without its count.
    raw = pd.read_csv(path, sep=";", decimal=",", encoding="cp1252", dtype={"Nb contacts": str})
    kept = raw.drop(index=[12 - 2])
    good = kept.drop(index=[22 - 2])
    contacts = good["Nb contacts"].astype(int)
    csat = kept["Satisfaction"].dropna()
    nps = kept["Note de recommandation"]
    m = data["metrics"]
    assert m["AHT"]["value"] == pytest.approx(good["DMT (min)"].sum() * 60 / contacts.sum())
    assert m["AHT"]["n"] == 38
    assert m["FCR"]["value"] == pytest.approx((contacts == 1).mean() * 100, abs=1e-3)
    assert "contacts" in m["FCR"]["definition"] or "contact" in m["FCR"]["definition"]
    assert m["CSAT"]["value"] == pytest.approx((csat >= 4).mean() * 100, abs=1e-3) and m["CSAT"]["n"] == len(csat)
    assert m["NPS"]["value"] == pytest.approx(((nps >= 9).mean() - (nps <= 6).mean()) * 100, abs=1e-3)
    # What the file cannot support is null with its reason, never 0 or a count of every ticket.
    for metric in ("BACKLOG", "CRR", "TTR", "FRT"):
        assert m[metric]["value"] is None and m[metric]["reason"], metric
    assert "résolution" in m["BACKLOG"]["reason"]


def test_map_and_unit_override_the_guesses(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(
        "Ref,Opened,Work,Who\nA,2024-01-02 10:00,2,c1\nB,2024-01-09 10:00,4,c1\nC,2023-12-20 10:00,3,c2\n",
        encoding="utf-8",
    )
    done = elan(
        str(path),
        "--json",
        "--map",
        "ticket_id=Ref",
        "--map",
        "created_at=Opened",
        "--map",
        "handle_seconds=Work",
        "--unit",
        "handle_seconds=hours",
        "--map",
        "customer_id=Who",
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["mapping"]["handle_seconds"] == "Work" and data["units"]["handle_seconds"] == "hours"
    assert data["metrics"]["AHT"]["value"] == pytest.approx(3 * 3600)
    # Customer c1 came back a week later: FCR from repeat contacts, its window said.
    assert data["metrics"]["FCR"]["value"] == pytest.approx(50.0)
    assert "7" in data["metrics"]["FCR"]["definition"]


def test_text_output_names_each_metric_with_its_n_and_definition():
    done = elan(str(EXPORTS / "freshdesk.csv"), "--lang", "en")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert out.splitlines()[0] == "3 ticket rows in the file, 3 read."
    fcr = next(line for line in out.splitlines() if line.startswith("FCR"))
    assert "50.0 %" in fcr and "n = 2" in fcr and "First contact resolution" in fcr
    assert "Definition used: a resolved ticket with 1 contact" in out
    assert "No customer column" not in out  # Freshdesk's Contact ID is the customer


def test_an_unusable_file_fails_with_a_message_and_no_traceback(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    done = elan(str(path), "--lang", "en")
    assert done.returncode == 1
    assert "required field" in done.stderr and "Traceback" not in done.stderr
    assert elan(str(tmp_path / "none.csv")).returncode == 2
    assert elan(str(path), "--map", "nonsense").returncode == 2


def test_an_ambiguous_date_column_is_said_and_monthfirst_reads_it(tmp_path):
    path = tmp_path / "us.csv"
    path.write_text("id,created,resolved\n1,01/02/2026 10:00,01/03/2026 10:00\n2,01/02/2026 09:00,01/03/2026 09:00\n")
    done = elan(str(path), "--json", "--lang", "en")
    data = json.loads(done.stdout)
    assert data["dates"]["source"] == "ambiguous" and any("--monthfirst" in n for n in data["notes"])
    # Day first, 1 February to 1 March is 28 days; month first, January 2 to 3 is one.
    assert data["metrics"]["TTR"]["value"] == pytest.approx(28 * 86400)
    month = json.loads(elan(str(path), "--json", "--monthfirst").stdout)
    assert month["dates"]["source"] == "chosen" and month["notes"] == []
    assert month["metrics"]["TTR"]["value"] == pytest.approx(86400)
    text = elan(str(path), "--lang", "fr").stdout
    assert "jour d’abord" in text or "--monthfirst" in text
