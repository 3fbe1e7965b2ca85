"""The five-practices self-assessment: every workshop can open it; the room's profile and the debrief."""

from __future__ import annotations

import pytest

from widgets import content
from widgets.core.errors import Invalid
from widgets.core.paths import GUIDE
from widgets.ui import practices
from widgets.workshops.cases import dashboard as cases
from widgets.workshops.week import dashboard as week


def test_the_content_names_five_practices_in_every_language():
    doc = content.load(practices.CONTENT)
    assert [p["id"] for p in doc["practices"]] == ["leadership", "people", "process", "ahead", "all-year"]
    for lang in ("fr", "fr-CA", "en"):
        assert all(content.text(p["label"], lang) for p in doc["practices"])
    assert "clavardage" in content.text(doc["practices"][3]["help"], "fr-CA")  # read from fr through the glossary
    assert "Élu service client de l’année" in content.text(doc["source"], "fr-CA")  # a name is not translated


@pytest.mark.parametrize("module", [cases, week], ids=["cases", "week"])
def test_any_workshop_opens_it_each_person_rates_the_team_and_the_room_sees_its_profile(module):
    dash = module.trainer_dashboard("fr")
    ids = [p.id for p in dash.phases]
    assert ids[-1] == practices.ACTIVITY
    dash.go(ids.index(practices.ACTIVITY))  # at the end, or first thing: the picker reaches it at any time
    assert dash.activity_id() == practices.ACTIVITY and dash.message.value == ""
    engine, code = dash.engine, dash.code
    tokens = [engine.join(code, name=None)[1] for _ in range(3)]
    state = engine.participant_state(code, tokens[0])
    assert state["activity"]["kind"] == "rate" and [t["id"] for t in state["view"]["targets"]] == ["team"]
    assert state["activity"]["criteria"][0]["label"]["fr-CA"]  # every language for the phone
    for token, score in zip(tokens, (2, 3, 4)):
        for practice in ("leadership", "people", "process", "ahead", "all-year"):
            engine.submit(code, token, practices.ACTIVITY, {"target": "team", "criterion": practice, "score": score})
    box = dash.widgets_by_phase[practices.ACTIVITY]
    dash._reload()
    dash.refresh()
    assert box.chart.layout.display == "none" and "3 personnes ont noté" in box.text.value  # hidden until revealed
    engine.reveal(dash.trainer, code, practices.ACTIVITY, True)
    dash._reload()  # what the poller does when it sees the reveal; a redraw reads nothing itself
    dash.refresh()
    profile = practices.profile(dash.results(practices.ACTIVITY))
    assert profile["people"] == {"n": 3, "mean": 3.0, "spread": 0.82}
    assert box.chart.layout.display is None
    assert "Débriefing" in box.text.value and "Une préparation olympique" in box.text.value  # seed 004’s fifth practice
    revealed = engine.participant_state(code, tokens[1])
    assert revealed["revealed"] and revealed["results"]["targets"][0]["criteria"]["ahead"]["mean"] == 3.0


def test_a_blank_or_off_scale_rating_is_refused():
    dash = week.trainer_dashboard("en")
    dash.go([p.id for p in dash.phases].index(practices.ACTIVITY))
    token = dash.engine.join(dash.code, name=None)[1]
    with pytest.raises(Invalid):
        dash.engine.submit(dash.code, token, practices.ACTIVITY, {"target": "team", "criterion": "people", "score": 9})


def test_the_fifth_practice_is_the_seed_s_olympic_preparation_with_its_figures():
    doc = content.load("practices/self-assessment")
    fifth = doc["practices"][4]
    assert fifth["label"]["fr"] == "Une préparation olympique" and "Olympic" in fifth["label"]["en"]
    # 18 of 24 prepare specifically; 3 neither prepare nor inform their teams, "the study is all year".
    assert "Dix-huit" in doc["notes"]["fr"] and "ne préparent ni n’informent" in doc["notes"]["fr"]
    assert "préviennent même pas" not in (GUIDE / "fr" / "practices.md").read_text(encoding="utf-8")
