"""Content of the values-to-metrics workshop: catalogue, reference matchings, strings and the sample data."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest
import yaml

from widgets import content
from widgets.core.i18n import Translator, placeholders
from widgets.workshops.metrics import formulas as metrics
from widgets.workshops.metrics.tickets import FIELDS, load_tickets

pytestmark = pytest.mark.usefixtures("english_messages")

FOLDER = content.BUNDLED / "metrics"
TICKETS = content.BUNDLED / "tickets"
SEED_TABLE = {
    "integrity": {"NPS", "QA"},
    "quality": {"FCR", "CSAT"},
    "speed": {"FRT", "AHT"},
    "loyalty": {"CRR", "AOV"},
    "autonomy": {"CES"},
}
SEED_TEAMS = {"support", "sales", "design", "product", "hr", "leadership", "marketing"}


def _generator():
    spec = importlib.util.spec_from_file_location("elan_ticket_generator", TICKETS / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- the catalogue and the matchings ----------------------------------------------------------------


def test_bundled_metrics_content_is_valid():
    assert content.validate_tree(FOLDER) == []


def test_the_catalogue_defines_every_metric_the_workshop_names():
    catalogue = {m["id"]: m for m in content.load("metrics/metrics")["metrics"]}
    assert {"NPS", "QA", "FCR", "CSAT", "FRT", "AHT", "CRR", "AOV", "CES", "TTR", "REOPEN", "BACKLOG"} <= set(catalogue)
    for metric in ("NPS", "CSAT", "CES"):
        assert catalogue[metric]["question"]["en"].endswith(")"), "survey metrics state their scale in the question"
    assert "Reichheld" in catalogue["NPS"]["reference"]["en"]
    assert "Dixon" in catalogue["CES"]["reference"]["fr"]


def test_the_lab_computes_exactly_the_metrics_marked_computed():
    computed = {m["id"] for m in content.load("metrics/metrics")["metrics"] if m.get("computed")}
    assert computed == set(metrics.METRICS)


def test_the_reference_keeps_the_source_table_and_explains_every_metric_offered():
    doc = content.load("metrics/matching")
    items = {item["id"]: item for item in doc["values"]["items"]}
    assert set(items) == set(SEED_TABLE)
    for value, seed in SEED_TABLE.items():
        from_source = {link["metric"] for link in items[value]["links"] if link["origin"] == "source"}
        assert from_source == seed, value
    assert {item["id"] for item in doc["teams"]["items"]} == SEED_TEAMS
    for name in ("values", "teams"):
        rnd = doc[name]
        linked = {link["metric"] for item in rnd["items"] for link in item["links"]}
        assert linked | {u["metric"] for u in rnd.get("unmatched", [])} == set(rnd["metrics"])


def test_ids_names_and_formulas_agree():
    """A metric's id, name and formula say the same thing: the employee recommendation score is eNPS."""
    catalogue = {m["id"]: m for m in content.load("metrics/metrics")["metrics"]}
    assert "ESAT" not in catalogue
    enps = catalogue["ENPS"]
    assert enps["abbr"] == {"fr": "eNPS", "en": "eNPS"}
    assert "Net Promoter Score" in enps["name"]["en"] and "eNPS" in enps["name"]["fr"]
    assert enps["formula"]["en"].startswith("eNPS =")
    for metric in catalogue.values():
        abbr = metric["abbr"]["en"]
        if "=" in metric["formula"]["en"] and abbr.isupper():
            assert metric["formula"]["en"].split("=")[0].strip() in (abbr, metric["id"]), metric["id"]


def test_value_ids_are_those_of_the_brainstorm():
    brainstorm = {v["id"] for v in content.load("values/brainstorm")["values"]}
    assert set(SEED_TABLE) <= brainstorm


@pytest.mark.parametrize("name", ["metrics/metrics", "metrics/matching"])
def test_french_texts_are_written_in_french(name):
    texts = list(content.texts(content.load(name)))
    french = " ".join(t["fr"] for _, t in texts)
    assert re.search(r"[éèàçêôû]", french)
    same = [path for path, t in texts if t["fr"] == t["en"] and len(t["fr"].split()) > 2]
    assert same == []
    # French typography: a colon in French text has a space before it.
    assert not re.search(r"\w: ", french.replace("https: ", "")), "French colons take a space before them"


# --- broken copies are refused, naming the line and the field ----------------------------------------


def _broken(tmp_path: Path, name: str, change) -> list[str]:
    data = yaml.safe_load((content.BUNDLED / f"{name}.yaml").read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return [str(p) for p in content.validate_file(path)]


def test_an_unknown_metric_in_a_link_is_named(tmp_path):
    def change(d):
        d["values"]["items"][0]["links"][0]["metric"] = "XYZ"

    problems = _broken(tmp_path, "metrics/matching", change)
    assert any("[values.items[0].links[0].metric] unknown metric 'XYZ'" in p for p in problems)
    assert all(re.match(r".*broken\.yaml:\d+:", p) for p in problems)


def test_a_duplicate_metric_id_is_refused(tmp_path):
    def change(d):
        d["metrics"][1]["id"] = "NPS"

    problems = _broken(tmp_path, "metrics/metrics", change)
    assert any("[metrics[1].id] id 'NPS' is used 2 times" in p for p in problems)


def test_a_computed_metric_without_a_formula_is_refused(tmp_path):
    def change(d):
        d["metrics"][-1]["computed"] = True
        d["metrics"][-1]["unit"] = "points"

    problems = _broken(tmp_path, "metrics/metrics", change)
    assert any("marked computed but the lab has no formula" in p for p in problems)


def test_an_offered_metric_needs_a_link_or_a_reason(tmp_path):
    def change(d):
        d["values"]["unmatched"] = []

    problems = _broken(tmp_path, "metrics/matching", change)
    assert any("'BACKLOG' is offered but neither linked nor listed under unmatched" in p for p in problems)


def test_a_linked_metric_must_be_offered(tmp_path):
    def change(d):
        d["teams"]["metrics"].remove("MQL")

    problems = _broken(tmp_path, "metrics/matching", change)
    assert any("'MQL' is linked but not offered" in p for p in problems)


def test_a_missing_translation_is_refused(tmp_path):
    def change(d):
        del d["values"]["items"][2]["links"][0]["reason"]["fr"]

    problems = _broken(tmp_path, "metrics/matching", change)
    assert any("[values.items[2].links[0].reason.fr] missing translation 'fr'" in p for p in problems)


def test_the_brainstorm_may_only_point_to_catalogue_metrics(tmp_path):
    def change(d):
        d["values"][2]["metrics"] = ["NPS", "JOY"]

    problems = _broken(tmp_path, "values/brainstorm", change)
    assert any("unknown metric 'JOY'" in p for p in problems)


# --- interface strings ----------------------------------------------------------------------------------


def _locale(lang: str) -> dict:
    return Translator(lang).area("metrics")


def test_locales_have_the_same_keys_and_placeholders():
    fr, en = _locale("fr"), _locale("en")
    assert fr.keys() == en.keys()
    for key in fr:
        assert placeholders(fr[key]) == placeholders(en[key]), key


def test_every_reason_error_and_field_has_its_string():
    keys = set(_locale("en"))
    source = (Path(metrics.__file__)).read_text(encoding="utf-8")
    reasons = set(re.findall(r'"metrics\.(reason_\w+)"', source))
    assert reasons and reasons <= keys
    importer = (Path(metrics.__file__).parent / "tickets.py").read_text(encoding="utf-8")
    errors = set(re.findall(r'ImportProblem\(\s*"(\w+)"', importer)) | set(re.findall(r'key = "(\w+)" if', importer))
    errors |= set(re.findall(r'"(error_\w+)"', importer)) | set(re.findall(r'"(expected_\w+)"', importer))
    assert {"error_bad_value", "error_missing_column", "expected_time"} <= errors
    assert errors <= keys
    assert {f"field_{f.name}" for f in FIELDS} <= keys


# --- the sample data -----------------------------------------------------------------------------------------


def test_the_generator_reproduces_the_committed_sample(tmp_path):
    out = tmp_path / "sample.csv"
    _generator().main([str(out)])
    committed = TICKETS / "sample_tickets.csv"
    assert out.read_bytes() == committed.read_bytes()
    assert committed.stat().st_size < 2 * 1024 * 1024


def test_make_tickets_is_deterministic_and_sized():
    gen = _generator()
    a, b = gen.make_tickets(500, seed=7), gen.make_tickets(500, seed=7)
    assert len(a) == 500
    assert a.equals(b)
    assert not a.equals(gen.make_tickets(500, seed=8))


def test_the_sample_is_a_realistic_year_that_shows_the_trap():
    df = load_tickets(TICKETS / "sample_tickets.csv")
    assert 5000 <= len(df) <= 20000
    assert df["created_at"].min().year == df["created_at"].max().year == 2024
    assert set(df["channel"].cat.categories) == {"phone", "email", "chat", "social"}
    frt = metrics.by(df, "FRT", "channel")["value"]
    assert frt["chat"] < frt["phone"] < frt["social"] < frt["email"]
    assert metrics.aht_fcr_trap(df).shown
    answered = df["csat"].notna()
    assert 0.1 < answered.mean() < 0.4
    # Happier customers answer more: issues solved at once get more answers.
    solved_at_once = df["contacts"] == 1
    assert answered[solved_at_once].mean() > answered[~solved_at_once].mean()
    weekday = df["created_at"].dt.day_of_week
    assert (weekday == 0).sum() > (weekday >= 5).sum()  # more on Mondays than on whole weekends
