"""The week workshop end to end: three participants' ideas and dots, the trainer's plan in Voilà, the calendar file."""

from __future__ import annotations

import base64
import time as clock
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from playwright.sync_api import expect

from tests.fixtures_browser import screenshot
from tests.test_participant_browser import join, send_idea
from widgets import content
from widgets.core.i18n import Translator
from widgets.workshops.week import rules as week

pytestmark = pytest.mark.browser

CORE = Translator("fr").area("core")
WEEK = Translator("fr").area("week")
KERNEL_WAIT = 90_000  # ms: a Voilà kernel starting on a busy machine (not a measured target)
WAIT = 15_000


def stored_plan(server, code, placements: int) -> dict:
    """The plan the dashboard kept in the session, once it holds ``placements`` owned actions."""
    deadline = clock.monotonic() + WAIT / 1000
    while True:
        plan = server.results(code)["state"]["data"].get("plan") or {}
        rows = plan.get("placements", [])
        if len(rows) == placements and all(p["owner"] for p in rows) or clock.monotonic() > deadline:
            return plan
        clock.sleep(0.2)


def test_three_participants_vote_and_the_trainer_plans_the_week(elan_server, contexts, phone):
    code = elan_server.create_session("week", "fr")
    trainer = contexts(viewport={"width": 1280, "height": 800}).new_page()
    trainer.goto(f"{elan_server.url}/voila/render/week/trainer.ipynb?key={elan_server.key}&code={code}&lang=fr")
    expect(trainer.locator(".elan-code")).to_have_text(code, timeout=KERNEL_WAIT)

    def next_step():
        trainer.locator(f'button[title="{CORE["next"]}"]').click()

    # 1. The dates of the coming week, and where the week comes from.
    expect(trainer.locator(".elan-week-dates")).to_contain_text("Du lundi")
    expect(trainer.locator(".widget-html:not(.elan-script)", has_text="1984")).to_have_count(
        1
    )  # the script quotes it too
    screenshot(trainer, "week-dates.png")

    ana, ben = phone(), phone()
    cleo = contexts(locale="en-GB").new_page()
    for page, name in ((ana, "Ana"), (ben, "Ben"), (cleo, "Cléo")):
        join(page, elan_server, code, name=name)

    # 2. Ideas: the ten cards are in the session; the phones add the room's own.
    next_step()
    for page, text in ((ana, "Quiz clients <b>équipe</b>"), (ben, "Pétanque le vendredi"), (cleo, "Night-shift lunch")):
        expect(page.locator("#idea-text")).to_be_visible(timeout=WAIT)
        send_idea(page, text)
    expect(trainer.locator(".elan-card")).to_have_count(3, timeout=WAIT)
    expect(trainer.locator(".elan-week-card")).to_have_count(10)
    screenshot(trainer, "week-ideas.png")
    assert trainer.locator(".elan-card b").count() == 0  # participant text shown as text

    # 3. The vote: every card on every phone, dots placed, results revealed on the projector.
    next_step()
    for page in (ana, ben, cleo):
        expect(page.locator("ul.cards li")).to_have_count(13, timeout=WAIT)

    def vote(page, text):
        row = page.locator("ul.cards li").filter(has=page.locator(".label", has_text=text)).first
        counter = page.locator(".counter").text_content()
        row.locator(".dot-add").click()
        expect(page.locator(".counter")).not_to_have_text(counter, timeout=WAIT)

    breakfast = "Petit-déjeuner de lancement"
    # Cléo's browser is English: the starter cards are in English on her phone (the room's own, as written).
    kickoff = content.text(
        next(i["title"] for i in content.load("week/ideas")["ideas"] if i["id"] == "kickoff-breakfast"), "en"
    )
    for page, picks in (
        (ana, ["Quiz clients", breakfast]),
        (ben, ["Quiz clients", "Pétanque"]),
        (cleo, [kickoff, "Quiz clients"]),
    ):
        for text in picks:
            vote(page, text)
    screenshot(ana, "week-phone.png", guide=True)
    ranking = elan_server.results(code, "week_vote")["results"]["ranking"]
    assert [(r["text"], r["dots"]) for r in ranking[:2]] == [("Quiz clients <b>équipe</b>", 3), (breakfast, 2)]
    trainer.locator(f'button:has-text("{CORE["reveal"]}")').click()
    expect(trainer.locator(".js-plotly-plot")).to_be_visible(timeout=WAIT)

    # 4. The plan: the two ideas the room chose, on two days, each with an owner; a budget set aside.
    next_step()
    picker = trainer.locator(".elan-week-add select")
    expect(picker).to_be_visible(timeout=WAIT)
    labels = picker.locator("option").all_text_contents()  # the dropdown shows spaces as no-break spaces
    assert labels[0].replace("\xa0", " ").startswith("Quiz clients <b>équipe</b> · 3")
    assert labels[1].replace("\xa0", " ").startswith(breakfast)
    rows = trainer.locator(".elan-week-row")
    for n, (label, day, owner, cost) in enumerate(((labels[0], 1, "Ana", 80), (labels[1], 0, "Ben", 250))):
        picker.select_option(label=label)
        trainer.locator(".elan-week-add-button").click()
        expect(rows).to_have_count(n + 1, timeout=WAIT)
        rows.nth(n).locator("select").first.select_option(index=day)
        owner_field = rows.nth(n).locator(f'input[placeholder="{WEEK["owner_label"]}"]')
        owner_field.fill(owner)
        owner_field.press("Enter")
        amount = rows.nth(n).locator(".widget-text input[type=number]")
        amount.fill(str(cost))
        amount.press("Enter")
    rows.nth(0).locator("select").nth(1).select_option(index=1)  # the afternoon
    budget = trainer.locator(".elan-week-budget input")
    budget.fill("300")
    budget.press("Enter")
    chips = trainer.locator(".elan-week-chip")
    expect(chips).to_have_count(2, timeout=WAIT)
    expect(trainer.locator(".elan-week-board-view")).to_contain_text("Ana", timeout=WAIT)
    # 330 € planned for 300 € set aside: the warning and its explanation are on the screen.
    expect(trainer.locator('[data-conflict="over_budget"]')).to_contain_text("30,00", timeout=WAIT)
    expect(trainer.locator('[data-conflict="no_remote"]')).to_have_count(0)
    plan = stored_plan(elan_server, code, 2)
    assert [(p["day"], p["part"], p["owner"], p["budget"]) for p in plan["placements"]] == [
        (1, "afternoon", "Ana", "80.0"),
        (0, "morning", "Ben", "250.0"),
    ]
    assert plan["budget"] == "300"
    trainer.set_viewport_size({"width": 1280, "height": 960})
    trainer.locator("h2.elan-title").evaluate("e => e.scrollIntoView({block: 'start'})")
    screenshot(trainer, "week-projector.png", guide=True)
    trainer.set_viewport_size({"width": 1280, "height": 800})

    # 5. The other 51 weeks: a recurring action kept, with its dates in the year view.
    next_step()
    trainer.locator(".elan-week-keep input").first.check()
    expect(trainer.locator(".elan-week-year td.on")).to_have_count(1 + 12, timeout=WAIT)
    trainer.locator("h2.elan-title").evaluate("e => e.scrollIntoView({block: 'start'})")
    screenshot(trainer, "week-year.png")

    # 6. The files: the calendar parses back to the events placed, in the time zone stated.
    next_step()
    link = trainer.locator('.elan-week-download[data-format="ics"]')
    expect(link).to_have_count(1, timeout=WAIT)
    trainer.locator("h2.elan-title").evaluate("e => e.scrollIntoView({block: 'start'})")
    screenshot(trainer, "week-output.png")
    with trainer.expect_download() as download:
        link.click()
    saved = Path(download.value.path()).read_bytes()
    produced = base64.b64decode(link.get_attribute("href").split("base64,", 1)[1])
    assert saved == produced
    plan = week.Plan.from_dict(elan_server.results(code)["state"]["data"]["plan"])
    assert [a.action for a in plan.recurring] == ["monthly-peer-cards"]
    cal = Calendar.from_ical(saved)
    events = [e for e in cal.walk("VEVENT") if "RRULE" not in e and isinstance(e["DTSTART"].dt, datetime)]
    paris = ZoneInfo("Europe/Paris")
    got = sorted((str(e["SUMMARY"]), e["DTSTART"].dt, e["DTEND"].dt, str(e.get("CONTACT"))) for e in events)
    monday = min(e["DTSTART"].dt.date() for e in events)
    assert monday.weekday() == 0 and monday.month == 10 and monday.day <= 7
    year = monday.year
    days = week.week_days(year)
    expected = sorted(
        [
            (
                "Quiz clients <b>équipe</b>",
                datetime.combine(days[1], plan.afternoon[0], paris),
                datetime.combine(days[1], plan.afternoon[1], paris),
                "Ana",
            ),
            (
                breakfast,
                datetime.combine(days[0], plan.morning[0], paris),
                datetime.combine(days[0], plan.morning[1], paris),
                "Ben",
            ),
        ]
    )
    assert got == expected
    assert [str(e["SUMMARY"]) for e in cal.walk("VEVENT") if "RRULE" in e] == [
        "Cartes de merci entre collègues, chaque mois"
    ]
    page = base64.b64decode(
        trainer.locator('.elan-week-download[data-format="html"]').get_attribute("href").split("base64,", 1)[1]
    ).decode("utf-8")
    assert "Quiz clients &lt;b&gt;équipe&lt;/b&gt;" in page and "<b>équipe" not in page
