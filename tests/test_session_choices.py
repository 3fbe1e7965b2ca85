"""Trainer choices that belong to a session, set from the dashboards (not content): values kept, dots, the group's own ideas."""

from __future__ import annotations

import base64
import json
from types import SimpleNamespace

import pytest

from widgets import content
from widgets.core.i18n import Translator
from widgets.workshops.values import dashboard as values
from widgets.workshops.values import philosophy
from widgets.workshops.week import dashboard as week_dash
from widgets.workshops.week import rules as week_rules
from widgets.workshops.week.planner import card_list_html


def _all_phases(dash) -> None:
    for i in range(len(dash.phases)):
        dash.go(i)
        assert dash.message.value == "", (dash.phases[i].id, dash.message.value)


def _new_kernel(dash):
    """What a restarted kernel knows: the engine and the session's code."""
    return SimpleNamespace(
        engine=dash.engine,
        code=dash.code,
        stored=lambda: dash.engine.session(dash.code)["state"].get("data", {}),
        results=lambda activity: dash.engine.results(dash.code, activity),
    )


def _state(dash) -> dict:
    return dash.engine.session(dash.code)["state"]


@pytest.fixture
def values_dash():
    dash = values.trainer_dashboard("en")
    _all_phases(dash)
    return dash


def test_the_trainer_chooses_how_many_values_to_keep(values_dash):
    dash = values_dash
    default = content.load(philosophy.CONTENT)["keep"]
    assert len(values.kept(dash)) == default
    dash.go(dash.phases.index(next(p for p in dash.phases if p.id == "keep")))
    box = dash.widgets_by_phase["keep"]
    box.count.value = 3
    next(c for c in box.children[2].children if c.description == dash.t("values.apply_keep_count")).click()
    assert values.keep_count(_new_kernel(dash)) == 3  # kept in the session: another kernel sees it
    assert len(values.kept(dash)) == 3 and len(values.statement(dash).values) == 3
    assert "The top 3 cards" in box.help.value
    assert box.kept.value.count("<li>") == 3
    values.set_keep_count(dash, 99)  # out of bounds: held to the widget's limits
    assert values.keep_count(dash) == values.KEEP_RANGE[1]


def test_the_trainer_sets_dots_per_person_and_the_vote_reopens_with_them(values_dash):
    dash = values_dash
    dash.go(2)
    box = dash.widgets_by_phase["vote"]
    box.budget.value = 4
    apply = next(
        c for c in box.children[0].children if getattr(c, "description", "") == dash.t("values.apply_vote_settings")
    )
    apply.click()
    assert values.vote_settings(_new_kernel(dash))[0] == 4
    assert _state(dash)["specs"][values.VOTE]["budget"] == 4


def test_the_values_dashboard_html_escapes_the_room_s_words():
    cloud = values._cloud_html([("<b>Écoute</b>", 3), ("Rapidité", 1)], "Words")
    assert "&lt;b&gt;Écoute&lt;/b&gt;" in cloud and "<b>" not in cloud
    assert 'size-7">&lt;b&gt;' in cloud and 'size-0">Rapidité' in cloud
    assert "style=" not in cloud  # sizes are classes of the CSS file, not inline styles


@pytest.fixture
def week_dash_():
    dash = week_dash.trainer_dashboard("en")
    _all_phases(dash)
    return dash


def test_the_group_s_own_ideas_are_on_site_or_remote_friendly_as_the_trainer_says(week_dash_):
    dash = week_dash_
    own = [i for i, card in week_dash.session_ideas(dash)[0].items() if card.get("custom")]
    assert own and all(week_dash.session_ideas(dash)[0][i]["remote"] for i in own)  # the default: remote-friendly
    dash.go(1)
    dash.widgets_by_phase["ideas"].remote.value = False
    assert week_dash.own_remote(_new_kernel(dash)) is False
    ideas = week_dash.session_ideas(dash)[0]
    assert not any(ideas[i]["remote"] for i in own)
    assert all(ideas[i]["remote"] == card["remote"] for i, card in ideas.items() if not card.get("custom"))
    assert week_dash.planner(dash).ideas[own[0]]["remote"] is False  # the plan's checks use it at once


def test_the_trainer_sets_the_week_vote_dots(week_dash_):
    dash = week_dash_
    dash.go(2)
    box = dash.widgets_by_phase["vote"]
    box.dots.value = 4
    next(c for c in box.children[0].children if getattr(c, "description", "") == dash.t("week.apply")).click()
    assert dash.stored()["dots"] == 4
    assert _state(dash)["specs"][week_dash.VOTE]["budget"] == 4


def test_the_group_adds_its_own_recurring_action_only_when_allowed(week_dash_):
    dash = week_dash_
    year = next(i for i, p in enumerate(dash.phases) if p.id == "year")
    dash.go(year)
    assert week_dash.year_spec(dash) is None  # by default phones wait on this screen
    box = dash.widgets_by_phase["year"]
    assert box.own.layout.display == "none"
    box.allow.value = True
    assert week_dash.own_recurring(_new_kernel(dash)) is True
    assert _state(dash)["activity"] == week_dash.RECURRING and _state(dash)["open"]
    _, token = dash.engine.join(dash.code)
    dash.engine.submit(dash.code, token, week_dash.RECURRING, {"text": "Café <merci> du vendredi"})
    week_dash.refresh_year(dash)
    assert box.own.layout.display is None
    assert list(box.pick.options) == ["Café <merci> du vendredi"]
    action = week_dash.add_own_action(dash, box.pick.value, "weekly")
    p = week_dash.planner(dash)
    assert action in [a.action for a in p.plan.recurring]
    assert "Café &lt;merci&gt; du vendredi" in p.year_html.value
    assert any(card["id"] == action for card, *_ in p._year_fields)  # it has its row, like the content's
    assert list(box.pick.options) == []  # proposed once, added once
    # A restarted kernel rebuilds the action's card from the session.
    stored = _new_kernel(dash).stored()
    assert stored["own_actions"][0]["text"] == "Café <merci> du vendredi"
    assert action in [a["action"] for a in stored["plan"]["recurring"]]
    ics = p.files()["ics"].body.decode("utf-8")
    assert "Café <merci> du vendredi" in ics.replace("\r\n ", "")


def test_the_dashboards_say_which_items_are_the_organisation_s(tmp_path, monkeypatch):
    (tmp_path / "values").mkdir()
    (tmp_path / "values" / "examples.yaml").write_text(
        "kind: philosophy-examples\nscreens:\n  - id: disney\n    type: example\n"
        "    organisation: {fr: Disney chez Acme, en: Disney at Acme}\n    vision: {fr: v, en: v}\n"
        "    takeaway: {fr: t, en: t}\n    source: {fr: Acme, en: Acme}\n",
        encoding="utf-8",
    )
    (tmp_path / "week").mkdir()
    kit_idea = content.load("week/ideas")["ideas"][0]
    (tmp_path / "week" / "ideas.yaml").write_text(
        "kind: week-ideas\nideas:\n  - " + json.dumps(dict(kit_idea, id="acme-quiz"), ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("ELAN_CONTENT_DIR", str(tmp_path))
    screens = content.load(values.EXAMPLES)["screens"]
    t = Translator("en")
    disney = next(i for i, s in enumerate(screens) if s["id"] == "disney")
    assert "Your organisation’s content" in values._screen_html(screens[disney], "en", t, 1, len(screens))
    assert "Your organisation’s content" not in values._screen_html(screens[0], "en", t, 1, len(screens))
    cards = card_list_html(week_rules.cards(), "en")
    assert cards.count("Your organisation’s idea") == 1
    assert 'data-card="acme-quiz"' in cards


def test_the_week_dashboard_offers_the_idea_cards_to_print(week_dash_):
    box = week_dash_.widgets_by_phase["ideas"]
    link = next(c.value for c in box.children if "elan-week-print-cards" in str(getattr(c, "value", "")))
    page = base64.b64decode(link.split("base64,", 1)[1].split('"', 1)[0]).decode("utf-8")
    assert page.count('<section class="sheet idea"') == len(content.load("week/ideas")["ideas"])
    assert 'download="idea-cards.html"' in link
