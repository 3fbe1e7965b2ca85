"""The console's facilitator script: every step of every workshop, in every language, is the guide's step shown."""

from __future__ import annotations

import importlib

import pytest
from markupsafe import escape

from widgets import content
from widgets.core.languages import LANGUAGES
from widgets.live.exercises import casebook
from widgets.ui import practices
from widgets.ui.script import Script
from widgets.workshops.cases import dashboard as cases

WORKSHOPS = [ws["id"] for ws in content.load("workshops")["workshops"]]


def _dashboard(workshop: str, lang: str):
    return importlib.import_module(f"widgets.workshops.{workshop}.dashboard").trainer_dashboard(lang)


def _shown(dash) -> tuple[str, tuple[int, ...]]:
    """The chapter and step numbers the console shows now, checked against the script box's text."""
    script, steps = dash.guide_steps()
    assert steps, f"{dash.workshop}/{dash.phase.id} in {dash.lang}: no script step"
    for step in steps:
        assert str(escape(step.title)) in dash.script_view.value
        assert step.minutes is not None, f"{script.workshop}: step {step.title!r} gives no minutes"
    return script.workshop, tuple(step.number for step in steps)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("workshop", WORKSHOPS)
def test_every_step_of_the_guide_is_shown_by_some_phase_in_every_language(workshop, lang):
    dash = _dashboard(workshop, lang)
    seen: dict[str, set[int]] = {}
    for index in range(len(dash.phases)):
        dash.go(index, force=True)
        chapter, numbers = _shown(dash)
        seen.setdefault(chapter, set()).update(numbers)
        if dash.phase.id == "play":  # the case phase moves on in the guide as the case is read, played, ended
            cases.choose_case(dash, casebook.load_cases()[0]["id"])
            assert _shown(dash) == ("cases", (2,))
            cases.start_case(dash)
            assert _shown(dash) == ("cases", (3,))
            case = cases.current_case(dash)
            while not casebook.walk(case, cases.play_state(dash)["choices"]).done:
                walked = casebook.walk(case, cases.play_state(dash)["choices"])
                cases.advance(dash, casebook.step(case, walked.current)["responses"][0]["id"], "trainer")
            assert _shown(dash) == ("cases", (4,))
            seen["cases"].update({2, 3, 4})
        if dash.phase.id == practices.ACTIVITY:
            assert _shown(dash) == ("practices", (1, 2))
            dash._act(dash.engine.reveal, practices.ACTIVITY, True)
            assert _shown(dash) == ("practices", (3, 4))
            seen["practices"].update({3, 4})
    for chapter, numbers in seen.items():
        script = Script.load(chapter, lang)
        assert numbers == set(range(1, len(script.steps) + 1)), f"{chapter} in {lang}: steps shown {sorted(numbers)}"
    assert set(seen) == {workshop, "practices"}


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("chapter", [*WORKSHOPS, "practices"])
def test_every_chapter_resolves_in_every_language_through_the_fallback_chain(chapter, lang):
    script = Script.load(chapter, lang)
    assert script.steps and script.debrief, f"{chapter} has no script in {lang}"
    assert all(step.minutes for step in script.steps)
    assert script.source in (lang, "fr")


def test_a_fallback_chapter_reads_in_the_variants_words():
    france, quebec = Script.load("cases", "fr"), Script.load("cases", "fr-CA")
    assert quebec.source == "fr" and len(quebec.steps) == len(france.steps)
    text = "\n".join(line for step in quebec.steps for line in step.lines)
    assert "code QR" in text and "QR code" not in text


def test_a_case_step_restarts_the_step_clock_and_tells_the_remote():
    dash = cases.trainer_dashboard("en")
    dash.go([p.id for p in dash.phases].index("play"), force=True)
    cases.choose_case(dash, "billing-double-charge")
    cases.start_case(dash)
    first = dash.engine.session(dash.code)["state"]["data"]["console"]
    assert first["line"] == Script.load("cases", "en").step(3).next_line()
    dash._step_started -= 600
    cases.advance(dash, "policy", "trainer")
    assert "0 of 5 min" in dash.status.value  # one case step, timed as the guide times one


def test_the_workshop_plan_counts_each_step_of_the_case_chosen():
    dash = cases.trainer_dashboard("en")
    cases.choose_case(dash, "billing-double-charge")
    case = casebook.get_case("billing-double-charge")
    longest = max(len(path.path) for path in casebook.all_paths(case))
    script = Script.load("cases", "en")
    assert dash.planned_minutes() == 5 + 3 + 5 * longest + 5 + 10 == script.planned(per_step=longest)
    assert f"of {dash.planned_minutes()} min" in dash.status.value
