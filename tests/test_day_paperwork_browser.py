"""The day console's paperwork in Chromium: the roster typed in, the trainer signing a half-day on the screen."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.fixtures_browser import screenshot

pytestmark = pytest.mark.browser
WAIT = 15_000


@pytest.mark.parametrize("width,height", [(1280, 720), (1920, 1080)])
def test_roster_and_trainer_signature_from_the_console(elan_server, contexts, width, height):
    server = elan_server
    for found in server.api("GET", "sessions", headers=server.trainer_headers).json()["sessions"]:
        if found["workshop"] == "day":
            server.trainer(found["code"], "close")
    trainer = contexts(viewport={"width": width, "height": height}).new_page()
    trainer.goto(f"{server.url}/voila/render/day/trainer.ipynb?key={server.key}&lang=fr")
    start = trainer.get_by_role("button", name="Démarrer la journée")
    expect(start).to_be_visible(timeout=60_000)
    trainer.get_by_label("Formateur ou formatrice").fill("Aline Martin")
    start.click()
    code_box = trainer.locator(".elan-code")
    expect(code_box).to_be_visible(timeout=WAIT)
    code = code_box.inner_text().strip()

    trainer.get_by_label("Liste").fill("Zoé;Duval;Banque Rhône\nYann;Le Gall\nSarah;Cohen;Mutuelle Ouest")
    trainer.get_by_role("button", name="Enregistrer la liste").click()
    expect(trainer.get_by_text("3 personnes attendues.")).to_be_visible(timeout=WAIT)

    pad = trainer.locator(".elan-signature-pad canvas")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    x, y, w, h = box["x"], box["y"], box["width"], box["height"]
    trainer.mouse.move(x + 0.1 * w, y + 0.6 * h)
    trainer.mouse.down()
    for i in range(1, 12):
        trainer.mouse.move(x + (0.1 + 0.07 * i) * w, y + (0.6 - 0.3 * (i % 2)) * h)
    trainer.mouse.up()
    trainer.get_by_role("button", name="Signer la feuille de cette demi-journée").click()
    expect(trainer.locator("li").filter(has_text=re.compile(r"— signée$"))).to_be_visible(timeout=WAIT)
    expect(trainer.locator("h3 + p").filter(has_text="Présents")).to_contain_text("absents\u00a0: 3", timeout=WAIT)
    screenshot(trainer, f"day-paperwork-{width}.png")

    trainer.get_by_label("SIRET").fill("73282932000074")
    trainer.get_by_label("Tarif").fill("450 € HT par personne")
    trainer.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(trainer.get_by_text("Enregistré.")).to_be_visible(timeout=WAIT)
    programme = server.get(f"/elan/api/s/{code}/doc/programme.html", headers=server.trainer_headers)
    assert "450 € HT par personne" in programme.text and "Accessibilité" in programme.text
    screenshot(trainer, f"day-paperwork-facts-{width}.png")

    sheet = server.get(f"/elan/api/s/{code}/doc/attendance.html?halfday=d1-am", headers=server.trainer_headers)
    assert sheet.status_code == 200
    for name in ("Zoé Duval", "Yann Le Gall", "Sarah Cohen", "Banque Rhône"):
        assert name in sheet.text, name
    assert sheet.text.count('data-status="absent"') == 3  # expected, nobody signed yet
    assert 'class="trainer-sig"' in sheet.text and "Signé par Aline Martin" in sheet.text


def test_a_commitment_card_keeps_a_long_word_inside(elan_server, contexts):
    server = elan_server
    page = contexts(viewport={"width": 1280, "height": 720}).new_page()
    page.goto(f"{server.url}/join")
    long_text = "Reformuler " + "x" * 150 + " puis 🙂 répondre à chaque client sans exception, même pressé."
    svg = page.evaluate(
        """async (text) => {
            const m = await import('/elan/static/participant/kinds/commitment.js');
            return m.cardSvg({heading: 'Lundi, je…', footer: 'Élan'}, text, 'Zoé');
        }""",
        long_text,
    )
    page.set_content(f"<!doctype html><body style='margin:0'>{svg}</body>")
    boxes = page.evaluate(
        "() => [...document.querySelectorAll('text')].map(t => { const b = t.getBBox(); return [b.x + b.width, b.y + b.height, t.textContent]; })"
    )
    shown = "".join(text for _, _, text in boxes[1:-1])
    assert shown.replace(" ", "") == long_text.replace(" ", "")  # every letter, none left out
    for right, bottom, text in boxes:
        assert right <= 1170 and bottom <= 645, (right, bottom, text)  # inside the card's frame
    screenshot(page, "day-commitment-card-long.png")


def test_the_day_report_fits_1280_with_a_long_comment(engine, contexts):
    from tests.test_day_roster import LONG, _day
    from widgets.web import export
    from widgets.workshops.day import evaluation as ev

    trainer, code = _day(engine)
    _person, token = engine.join(code, name="Zoé")
    engine.open_activity(trainer, code, ev.evaluation_spec(["values"]))
    engine.submit(code, token, "evaluation", {"question": "satisfaction", "value": 4})
    comment = ("y" * 300 + " " + LONG[:690]).strip()  # a word wider than the page, then emoji
    engine.submit(code, token, "evaluation", {"question": "comment-keep", "value": comment})
    page = contexts(viewport={"width": 1280, "height": 720}).new_page()
    page.set_content(export.to_html(engine, code))
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    assert comment in page.inner_text("body")
    screenshot(page, "day-report-long-comment-1280.png")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_phone_shows_its_signature_validated(elan_server, contexts, scheme):
    import datetime as dt

    from tests.test_day_browser import _day_action, _sign
    from tests.test_participant_browser import _axe, join

    server = elan_server
    code = server.create_session("day", "fr", title="Accueil")
    _day_action(
        server,
        code,
        "setup",
        dates=[dt.date.today().isoformat()],
        agenda={"start": "09:00", "items": [{"kind": "activity", "ref": "signin"}]},
    )
    _day_action(
        server, code, "roster", entries=[{"first": "Zoé", "last": "Duval"}, {"first": "Yann", "last": "Le Gall"}]
    )
    page = contexts(phone=True, color_scheme=scheme).new_page()
    join(page, server, code, name="Zoé")
    _day_action(server, code, "goto", index=0)
    _sign(page, "Zoé Duval")
    expect(page.locator(".signed")).to_contain_text("validera", timeout=WAIT)
    sheet = server.get(f"/elan/api/s/{code}/doc/attendance.html?halfday=d1-am", headers=server.trainer_headers)
    assert "Yann Le Gall" in sheet.text and 'data-status="absent"' in sheet.text  # expected, never came
    participant = server.api("GET", f"s/{code}/participants", headers=server.trainer_headers).json()["participants"][0]
    _day_action(server, code, "attendance", halfday="d1-am", participant=participant["id"], status="present")
    page.reload()
    expect(page.locator(".validated")).to_contain_text("validée", timeout=WAIT)
    expect(page.locator("canvas.signature-pad")).to_have_count(0)
    assert _axe(page) == []
    screenshot(page, f"day-signin-validated-phone-{scheme}.png")
