"""The case studies in Chromium: a case played live to its end, a learner alone in Voilà, a good catch and its badge."""

from __future__ import annotations

import base64
import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.fixtures_browser import ARTIFACTS, screenshot
from tests.test_participant_browser import _axe, join
from widgets.core.i18n import Translator
from widgets.live.exercises import casebook

pytestmark = pytest.mark.browser

CORE = Translator("fr").area("core")
CASES = Translator("fr").area("cases")
KERNEL_WAIT = 90_000  # ms: a Voilà kernel starting on a busy machine (not a measured target)
WAIT = 15_000
CASE = "billing-double-charge"
#: What the three phones answer at each step (the room's majority is the first).
ANSWERS = [
    ("own-it", "own-it", "policy"),
    ("refund-now", "refund-now", "explain-bug"),
    ("check-rest", "upsell", "check-rest"),
]


def test_trainer_and_three_phones_play_a_case_then_a_good_catch_gets_its_badge(elan_server, contexts, phone):
    code = elan_server.create_session("cases", "fr")
    trainer = contexts(viewport={"width": 1280, "height": 800}).new_page()
    trainer.goto(f"{elan_server.url}/voila/render/cases/trainer.ipynb?key={elan_server.key}&code={code}&lang=fr")
    expect(trainer.locator(".elan-code")).to_have_text(code, timeout=KERNEL_WAIT)
    phones = [phone() for _ in range(3)]
    for page, name in zip(phones, ("Ana", "Ben", "Cléo")):
        join(page, elan_server, code, name=name)

    trainer.locator(f".elan-case-{CASE} .elan-cases-pick").click()
    expect(trainer.locator(".elan-cases-start")).to_be_visible(timeout=WAIT)
    expect(phones[0].locator("#activity h1")).to_have_text("Une option facturée deux fois", timeout=WAIT)
    trainer.locator(".elan-cases-start").click()

    for n, answers in enumerate(ANSWERS):
        expect(trainer.locator(".elan-cases-hidden")).to_be_visible(timeout=WAIT)
        for page, option in zip(phones, answers):
            button = page.locator(f'button.option[data-option="{option}"]')
            button.click(timeout=WAIT)
            expect(button).to_have_attribute("aria-pressed", "true", timeout=WAIT)
        expect(trainer.locator(".elan-cases-hidden")).to_contain_text(": 3", timeout=WAIT)
        expect(trainer.locator(".js-plotly-plot:visible")).to_have_count(0)
        assert phones[0].locator(".feedback").count() == 0
        trainer.locator(".elan-cases-reveal").click()
        expect(trainer.locator(".elan-cases-feedback").first).to_be_visible(timeout=WAIT)
        expect(trainer.locator(".js-plotly-plot").first).to_be_visible(timeout=WAIT)
        expect(phones[0].locator(".feedback").first).to_be_visible(timeout=WAIT)
        if n == 1:
            screenshot(trainer, "cases-projector.png", guide=True)
            screenshot(phones[0], "cases-phone.png", guide=True)
        trainer.locator(".elan-cases-majority").click()

    expect(trainer.locator(".elan-cases-path > li")).to_have_count(3, timeout=WAIT)
    expect(trainer.locator(".elan-cases-ending-loyal")).to_be_visible()
    expect(trainer.locator(".elan-cases-questions li").first).to_be_visible()
    expect(trainer.locator(".js-plotly-plot .barlayer").first).to_be_attached(timeout=WAIT)
    screenshot(trainer, "cases-ending.png")
    saved = elan_server.results(code)["state"]["data"]["case"]
    assert saved["choices"] == ["own-it", "refund-now", "check-rest"] and saved["picks"] == ["majority"] * 3

    # The good-catch wall: Ana tells Ben's act; nobody sees it until the trainer approves it.
    trainer.locator(f'button[title="{CORE["next"]}"]').click()
    ana, ben = phones[0], phones[1]
    expect(ana.locator("#story-colleague")).to_be_visible(timeout=WAIT)
    ana.fill("#story-colleague", "Zoé <img src=x onerror=alert(1)>")
    ana.fill("#story-title", "Rappel le soir même")
    ana.fill("#story-text", "La cliente attendait depuis trois jours ; Zoé l’a rappelée à 19 h avec la solution.")
    ana.select_option("#story-value", "ownership")
    ana.click(".story-form button[type=submit]")
    expect(ana.locator("ul.mine li")).to_contain_text(CASES["story_status_pending"], timeout=WAIT)
    expect(ben.locator(".story-wall")).to_have_count(0)
    item = elan_server.results(code, "catches")["results"]["pending"]
    assert item == 1
    expect(trainer.locator(".elan-cases-catch")).to_have_count(0, timeout=WAIT)
    trainer.locator(".lm-AccordionPanel-title, .p-Collapse-header, .jupyter-widget-Collapse-header").first.click()
    trainer.locator(".elan-cases-approve").click(timeout=WAIT)
    expect(trainer.locator(".elan-cases-catch")).to_contain_text("Zoé <img", timeout=WAIT)

    link = ben.locator(".story-wall .badge-png")
    expect(link).to_be_visible(timeout=WAIT)
    expect(ben.locator(".story-wall h3")).to_have_text("Zoé <img src=x onerror=alert(1)>")
    png_url = link.get_attribute("href")
    svg_url = ben.locator(".story-wall .badge-svg").get_attribute("href")
    with ben.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.endswith(".png")
    png = elan_server.get(png_url.replace(elan_server.url, ""))
    image = Image.open(io.BytesIO(png.content))
    assert png.status_code == 200 and image.format == "PNG" and image.size == (1200, 1200)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "cases-badge.png").write_bytes(png.content)
    svg = elan_server.get(svg_url.replace(elan_server.url, ""))
    assert svg.status_code == 200 and svg.text.lstrip().startswith(("<svg", "<?xml"))
    assert "&lt;img" in svg.text and "<img" not in svg.text
    screenshot(ben, "cases-wall-phone.png")


def test_a_learner_plays_a_case_alone_and_the_lead_sees_the_cohort(elan_server, contexts):
    lead = contexts(viewport={"width": 1280, "height": 800}).new_page()
    lead.goto(f"{elan_server.url}/voila/render/cases/cohort.ipynb?key={elan_server.key}&lang=fr")
    create = lead.locator(f'button:has-text("{CASES["cohort_create"]}")')
    create.click(timeout=KERNEL_WAIT)
    link = lead.locator(".elan-cases-cohort-link")
    expect(link).to_be_visible(timeout=WAIT)
    url = link.get_attribute("href")
    assert "code=" in url

    learner = contexts(viewport={"width": 1280, "height": 800}).new_page()
    learner.goto(url)
    learner.locator(".elan-cases-solo-name input").fill("Inès", timeout=KERNEL_WAIT)
    learner.locator(f'button:has-text("{CASES["solo_start"]}")').click()
    expect(learner.locator(".elan-big", has_text="Inès")).to_be_visible(timeout=WAIT)
    learner.locator(f".elan-cases-solo-{CASE}").click()
    learner.locator(".elan-cases-solo-begin").click()
    for response in ("policy", "take-back", "refund-now", "check-rest"):  # shown in the learner's own order
        learner.locator(f".elan-cases-solo-response-{response}").click(timeout=WAIT)
        expect(learner.locator(".elan-cases-solo-feedback")).to_be_visible(timeout=WAIT)
        learner.locator(".elan-cases-solo-continue").click()
    expect(learner.locator(".elan-cases-solo-endings")).to_contain_text("1", timeout=WAIT)
    expect(learner.locator(".elan-cases-solo-score")).to_have_count(4)
    screenshot(learner, "cases-solo.png")

    lead.locator('button:has-text("↻")').click()
    expect(lead.locator(".elan-cases-learner")).to_contain_text("Inès", timeout=WAIT)
    screenshot(lead, "cases-cohort.png")


FIRM = "transport-abusive-caller"
#: Four phones: the room sets a limit once, ends the threatening call, then reports it (one dissent at each step).
FIRM_ANSWERS = [
    ("limit-once", "limit-once", "absorb", "limit-once"),
    ("warn-and-end", "concede-money", "warn-and-end", "warn-and-end"),
    ("report-and-pause", "report-and-pause", "next-call", "report-and-pause"),
]


def test_a_room_of_four_plays_a_firm_no_case_in_one_shuffled_order_and_gets_its_debrief(elan_server, contexts, phone):
    case = casebook.get_case(FIRM)
    code = elan_server.create_session("cases", "fr")
    trainer = contexts(viewport={"width": 1280, "height": 720}).new_page()
    trainer.goto(f"{elan_server.url}/voila/render/cases/trainer.ipynb?key={elan_server.key}&code={code}&lang=fr")
    expect(trainer.locator(".elan-code")).to_have_text(code, timeout=KERNEL_WAIT)
    phones = [phone() for _ in range(4)]
    for page, name in zip(phones, ("Ana", "Ben", "Cléo", "Dan")):
        join(page, elan_server, code, name=name)
    trainer.locator(f".elan-case-{FIRM} .elan-cases-pick").click()
    expect(trainer.locator(".elan-cases-start")).to_be_visible(timeout=WAIT)
    trainer.locator(".elan-cases-start").click()

    choices: list[str] = []
    for n, answers in enumerate(FIRM_ANSWERS):
        step_id = casebook.walk(case, choices).current
        expected = casebook.shown_order(case, step_id, f"{code}/1")  # the session's order, the same for everyone
        projector = trainer.locator(".elan-cases-responses li")
        expect(projector).to_have_count(len(expected), timeout=WAIT)
        expect(projector.first).to_have_attribute("data-response", expected[0], timeout=WAIT)
        assert [projector.nth(i).get_attribute("data-response") for i in range(len(expected))] == expected
        for page in phones:
            options = page.locator("button.option")
            expect(options).to_have_count(len(expected), timeout=WAIT)
            expect(options.first).to_have_attribute("data-option", expected[0], timeout=WAIT)
            assert [options.nth(i).get_attribute("data-option") for i in range(len(expected))] == expected
            # The letters agree too: "B" on every phone is the projector's "B".
            assert [options.nth(i).inner_text()[:2] for i in range(len(expected))] == ["A.", "B.", "C."]
        if n == 0:
            phones[0].reload()
            expect(phones[0].locator("button.option").first).to_have_attribute("data-option", expected[0], timeout=WAIT)
            screenshot(phones[0], "cases-firm-phone.png")
            assert _axe(phones[0]) == []
        for page, option in zip(phones, answers):
            button = page.locator(f'button.option[data-option="{option}"]')
            button.click(timeout=WAIT)
            expect(button).to_have_attribute("aria-pressed", "true", timeout=WAIT)
        expect(trainer.locator(".elan-cases-hidden")).to_contain_text(": 4", timeout=WAIT)
        trainer.locator(".elan-cases-reveal").click()
        expect(trainer.locator(".elan-cases-feedback").first).to_be_visible(timeout=WAIT)
        if n == 1:
            screenshot(trainer, "cases-firm-projector.png")
        trainer.locator(".elan-cases-majority").click()
        choices.append(max(set(answers), key=answers.count))

    walked = casebook.walk(case, choices)
    assert walked.ending == "safe-fair"
    expect(trainer.locator(".elan-cases-path > li")).to_have_count(3, timeout=WAIT)
    expect(trainer.locator(f".elan-cases-ending-{casebook.ending(case, walked.ending)['type']}")).to_be_visible()
    turning = casebook.turning_step(case, choices)
    assert turning is not None
    expect(trainer.locator(".elan-cases-turning")).to_have_attribute("data-step", walked.path[turning])
    trainer.set_viewport_size({"width": 1920, "height": 1080})
    screenshot(trainer, "cases-firm-ending.png")

    # The HTML debrief, as downloaded: the room's path, the alternatives not taken, the turning step.
    href = trainer.locator('a.elan-cases-download[data-format="html"]').get_attribute("href")
    assert href.startswith("data:text/html")
    debrief = contexts(viewport={"width": 1280, "height": 900}).new_page()
    debrief.set_content(base64.b64decode(href.split(",", 1)[1]).decode("utf-8"))
    section = debrief.locator(f'section[data-case="{FIRM}"]')
    expect(section.locator("ol.path > li")).to_have_count(3)
    for step_id, choice in zip(walked.path, walked.choices):
        expect(section.locator(f'li[data-step="{step_id}"] .chosen')).to_have_attribute("data-response", choice)
        expect(section.locator(f'li[data-step="{step_id}"] .others li')).to_have_count(2)
    expect(section.locator("li.turning")).to_have_attribute("data-step", walked.path[turning])
    expect(section.locator(".turning-mark")).to_have_text(CASES["turning_step"])
    screenshot(debrief, "cases-debrief.png")
    assert _axe(debrief) == []
