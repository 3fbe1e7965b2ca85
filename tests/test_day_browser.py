"""A short training day in Chromium: opener, one workshop, the evaluation; one join code, four phones.

The trainer's side goes through the server's HTTP actions (what the console calls);
the participants' side is four phone pages. At the end the certificates, the
attendance sheet and the report are downloaded and opened: the report's content
(ranking, statement, evaluation figures) and its PDF (page count, text).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.fixtures_browser import screenshot
from tests.test_participant_browser import _axe, join, send_idea, token_of
from widgets import content

pytestmark = pytest.mark.browser
WAIT = 15_000
AGENDA = {
    "start": "09:00",
    "end": "12:30",
    "items": [
        {"kind": "activity", "ref": "signin"},
        {"kind": "activity", "ref": "wordcloud"},
        {"kind": "workshop", "ref": "values"},
        {"kind": "activity", "ref": "evaluation"},
    ],
}
PEOPLE = [("Zoé", "Zoé Duval"), ("Yann", "Yann Le Gall"), ("Inès", "Inès Martin"), ("Oscar", "Oscar Petit")]


def _day_action(server, code, action, **body):
    r = server.api("POST", f"s/{code}/day/{action}", json=body, headers=server.trainer_headers)
    assert r.status_code == 200, f"{action}: {r.status_code} {r.text}"
    return r.json()["result"]


def _sign(page, full_name):
    expect(page.locator("canvas.signature-pad")).to_be_visible(timeout=WAIT)
    page.fill("#signin-name", full_name)
    box = page.locator("canvas.signature-pad").bounding_box()
    x, y, w, h = box["x"], box["y"], box["width"], box["height"]
    page.mouse.move(x + 0.1 * w, y + 0.6 * h)
    page.mouse.down()
    for i in range(1, 12):
        page.mouse.move(x + (0.1 + 0.07 * i) * w, y + (0.6 - 0.3 * (i % 2)) * h)
    page.mouse.up()
    page.click("#activity form button[type=submit]")
    expect(page.locator(".signed")).to_be_visible(timeout=WAIT)


def test_a_short_training_day(elan_server, contexts):
    from pypdf import PdfReader

    server = elan_server
    code = server.create_session("day", "fr", title="Accueil client")
    today = dt.date.today().isoformat()
    setup = _day_action(
        server,
        code,
        "setup",
        title="Relation client : les bases",
        organisation="Forma Plus",
        trainer="Aline Martin",
        place="Lyon, salle 2",
        dates=[today],
        agenda=AGENDA,
    )
    assert setup["slack"] > 0 and [h["id"] for h in setup["day"]["halfdays"]] == ["d1-am"]
    programme = server.get(f"/elan/api/s/{code}/doc/programme.html", headers=server.trainer_headers)
    assert programme.status_code == 200 and "Nos valeurs de service" in programme.text

    # Four phones join with the day's one code.
    phones = []
    for first, _ in PEOPLE:
        page = contexts(phone=True).new_page()
        join(page, server, code, name=first)
        phones.append(page)

    # 1. Sign-in: each phone signs with a finger; the trainer validates, corrects a name, marks one absent.
    assert _day_action(server, code, "goto", index=0)["current"] == 0
    for page, (_, full) in zip(phones[:3], PEOPLE[:3]):
        _sign(page, full)
    screenshot(phones[0], "day-signin-phone.png")
    assert _axe(phones[0]) == []
    ids = {
        first: server.state(code, token_of(page, code))["participant"]["id"] for page, (first, _) in zip(phones, PEOPLE)
    }
    _day_action(server, code, "attendance", halfday="d1-am", participant=ids["Zoé"], status="present")
    _day_action(
        server,
        code,
        "attendance",
        halfday="d1-am",
        participant=ids["Yann"],
        status="present",
        name="Yann Le Gall-Morvan",
    )
    _day_action(server, code, "attendance", halfday="d1-am", participant=ids["Inès"], status="present")
    _day_action(server, code, "attendance", halfday="d1-am", participant=ids["Oscar"], status="absent")
    sheet = server.get(f"/elan/api/s/{code}/doc/attendance.html?halfday=d1-am", headers=server.trainer_headers)
    assert sheet.status_code == 200
    assert sheet.text.count("<path d=") == 3 and "Yann Le Gall-Morvan" in sheet.text and "Aline Martin" in sheet.text

    # 2. Opener: the word cloud; the same word however written counts once.
    _day_action(server, code, "goto", index=1)
    for page, word in zip(phones, ("Écoute", "écoute", "Sourire", "l’écoute")):
        expect(page.locator("#cloud-word")).to_be_visible(timeout=WAIT)
        page.fill("#cloud-word", word)
        page.click("#activity form button[type=submit]")
        expect(page.locator("ul.mine li")).to_have_count(1, timeout=WAIT)
    words = server.results(code, "wordcloud")["results"]["words"]
    assert [(w["text"], w["count"]) for w in words] == [("écoute", 3), ("Sourire", 1)]
    cloud = contexts(viewport={"width": 1280, "height": 720}, extra_http_headers=server.trainer_headers).new_page()
    cloud.goto(f"{server.url}/elan/api/s/{code}/doc/wordcloud.html")
    expect(cloud.locator(".cloud span").first).to_have_text("écoute")
    expect(cloud.locator(".cloud .w4")).to_have_text("écoute")  # the most written, the biggest
    screenshot(cloud, "day-wordcloud-stage.png")

    # 3. The values workshop in the same session: cards, a dot vote, the vision.
    status = _day_action(server, code, "goto", index=2)
    assert status["current"] == 2 and status["next"] == 3
    doc = content.load("values/brainstorm")
    server.trainer(
        code, "open", spec={"kind": "ideas", "id": "cards", "prompt": doc["question"], "max_per_participant": 12}
    )
    for page, word in zip(phones, ("Écoute", "Rapidité", "Honnêteté", "Écoute")):
        expect(page.locator("#idea-text")).to_be_visible(timeout=WAIT)
        send_idea(page, word)
    cards = server.results(code, "cards")["results"]["cards"]
    duplicate = [c["id"] for c in cards if c["text"] == "Écoute"]
    server.trainer(code, "merge", items=duplicate[1:], into=duplicate[0])
    server.trainer(code, "open", spec={"kind": "dots", "id": "vote", "source": "cards", "budget": 2, "stack": False})
    by_text: dict[str, int] = {}
    for card in cards:
        by_text.setdefault(card["text"], card["id"])  # the card kept by the merge
    for page, picks in zip(phones, (["Écoute", "Rapidité"], ["Écoute"], ["Écoute", "Honnêteté"], ["Rapidité"])):
        for word in picks:
            assert (
                server.submit(code, token_of(page, code), "vote", {"item": by_text[word], "dots": 1}).status_code == 200
            )
    server.trainer(code, "data", key="vision", value="Un service qui écoute et tient parole.")

    # 4. The training's evaluation on the phones, then shown as a teaching moment.
    _day_action(server, code, "goto", index=3)
    for page, (sat, rec) in zip(phones, ((5, 10), (4, 9), (4, 7), (3, 5))):
        expect(page.locator("label[for=s-satisfaction-5]")).to_be_visible(timeout=WAIT)
        page.click(f"label[for=s-satisfaction-{sat}]")
        page.click(f"label[for=s-recommendation-{rec}]")
        page.click("label[for=s-useful-values-4]")
        expect(page.locator(f"#s-recommendation-{rec}")).to_be_checked()
    phones[0].fill("#c-comment-improve", "Plus de pratique")
    phones[0].click("fieldset[data-question=comment-improve] button")
    expect(phones[0].locator("fieldset[data-question=comment-improve] .help")).not_to_be_empty(timeout=WAIT)
    screenshot(phones[1], "day-evaluation-phone.png")
    assert _axe(phones[1]) == []
    answered = server.results(code, "evaluation")["results"]
    assert answered["respondents"] == 4
    assert sorted(next(q for q in answered["questions"] if q["id"] == "recommendation")["scores"]) == [5, 7, 9, 10]
    stage = contexts(viewport={"width": 1280, "height": 720}, extra_http_headers=server.trainer_headers).new_page()
    stage.goto(f"{server.url}/elan/api/s/{code}/doc/evaluation.html")
    # NPS: promoters 10 and 9 (50 %) minus detractor 5 (25 %) = +25; CSAT: 5, 4, 4 of 4 answers = 75 %.
    expect(stage.locator(".figure strong").first).to_have_text("+25")
    expect(stage.locator(".figure strong").nth(1)).to_have_text("75 %")
    expect(stage.locator("body")).to_contain_text("calculé comme vous venez de l’apprendre")
    expect(stage.locator("body")).not_to_contain_text("Plus de pratique")  # comments stay off the projector
    screenshot(stage, "day-evaluation-stage.png")
    assert _axe(stage) == []
    big = contexts(viewport={"width": 1920, "height": 1080}, extra_http_headers=server.trainer_headers).new_page()
    big.goto(f"{server.url}/elan/api/s/{code}/doc/evaluation.html")
    expect(big.locator(".figure strong").first).to_have_text("+25")
    assert big.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # nothing cut on the right
    screenshot(big, "day-evaluation-stage-1920.png")

    # 5. Certificates, attendance sheet and the report, downloaded and opened.
    certificates = server.get(f"/elan/api/s/{code}/doc/certificates.pdf", headers=server.trainer_headers)
    assert certificates.status_code == 200 and certificates.headers["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(certificates.content))
    assert len(reader.pages) == 3  # the three validated present; Oscar was absent
    text = [page.extract_text() for page in reader.pages]
    assert (
        "Inès Martin" in text[0]
        and "Yann Le Gall-Morvan" in text[1]
        and "Zoé Duval" in text[2]
        and all("Forma Plus" in t for t in text)
    )
    assert not any("Oscar" in t for t in text)

    report = server.get(f"/elan/api/s/{code}/export.html", headers=server.trainer_headers)
    assert report.status_code == 200
    html = report.text
    ranking = html[html.index("Classement des valeurs") :]
    assert ranking.index("Écoute") < ranking.index("Rapidité") < ranking.index("Honnêteté")
    assert "Un service qui écoute et tient parole." in html
    assert "+25" in html and "75 %" in html and "Présences" in html
    page = contexts().new_page()
    page.set_content(html)  # the report downloads as a file; the browser opens that file as it is
    expect(page.locator("h1")).to_have_text("Relation client : les bases")
    screenshot(page, "day-report.png")
    pdf = server.get(f"/elan/api/s/{code}/export.pdf", headers=server.trainer_headers)
    assert pdf.status_code == 200
    reader = PdfReader(io.BytesIO(pdf.content))
    assert 2 <= len(reader.pages) <= 8
    text = " ".join(p.extract_text() for p in reader.pages)
    for expected in (
        "Relation client : les bases",
        "Un service qui écoute et tient parole.",
        "Rapidité",
        "NPS",
        "Présences",
    ):
        assert expected in text, expected


def test_the_trainer_runs_the_day_from_its_screen(elan_server, contexts):
    """The day's trainer screen in Voilà: start the day, move to the sign-in, validate a phone's signature."""
    server = elan_server
    # The screen resumes the trainer's latest open day: close the ones other tests left open on this server.
    for found in server.api("GET", "sessions", headers=server.trainer_headers).json()["sessions"]:
        if found["workshop"] == "day":
            server.trainer(found["code"], "close")
    trainer = contexts(viewport={"width": 1280, "height": 720}).new_page()
    trainer.goto(f"{server.url}/voila/render/day/trainer.ipynb?key={server.key}&lang=fr")
    start = trainer.get_by_role("button", name="Démarrer la journée")
    expect(start).to_be_visible(timeout=60_000)
    trainer.get_by_label("Formation").fill("Accueil téléphonique")
    trainer.get_by_label("Formateur ou formatrice").fill("Aline Martin")
    expect(trainer.locator(".elan-big").filter(has_text="Fin")).to_contain_text("11:55")  # the half-day sample
    start.click()
    code_box = trainer.locator(".elan-code")
    expect(code_box).to_be_visible(timeout=WAIT)
    code = code_box.inner_text().strip()
    phone = contexts(phone=True).new_page()
    join(phone, server, code, name="Zoé")
    trainer.get_by_role("button", name="Élément suivant").click()
    expect(trainer.locator("tr.current")).to_contain_text("Accueil et émargement", timeout=WAIT)
    _sign(phone, "Zoé Duval")
    expect(trainer.locator(".elan-attendance-row")).to_contain_text("Zoé Duval", timeout=WAIT)
    trainer.get_by_role("button", name="Présent").click()
    expect(trainer.locator(".elan-attendance-row")).to_contain_text("présent", timeout=WAIT)
    screenshot(trainer, "day-trainer-1280.png")
    sheet = server.get(f"/elan/api/s/{code}/doc/attendance.html?halfday=d1-am", headers=server.trainer_headers)
    assert "Zoé Duval" in sheet.text and "Accueil téléphonique" in sheet.text and "présent" in sheet.text


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_opener_and_closer_on_a_phone(elan_server, contexts, scheme):
    """The word cloud and the commitment card at 375 px, light and dark: usable, audited, the card downloads."""
    server = elan_server
    code = server.create_session("day", "en", title="Day")
    _day_action(
        server,
        code,
        "setup",
        dates=[dt.date.today().isoformat()],
        agenda={
            "start": "09:00",
            "items": [{"kind": "activity", "ref": "wordcloud"}, {"kind": "activity", "ref": "commitment"}],
        },
    )
    page = contexts(phone=True, locale="en-GB", color_scheme=scheme, accept_downloads=True).new_page()
    join(page, server, code, name="Ana")
    _day_action(server, code, "goto", index=0)
    expect(page.locator("#cloud-word")).to_be_visible(timeout=WAIT)
    page.fill("#cloud-word", "<b>Listening</b>")
    page.click("#activity form button[type=submit]")
    expect(page.locator("ul.mine li")).to_have_text("<b>Listening</b>", timeout=WAIT)  # text, never markup
    assert _axe(page) == []
    screenshot(page, f"day-cloud-phone-{scheme}.png")
    _day_action(server, code, "goto", index=1)
    expect(page.locator("#commitment-text")).to_be_visible(timeout=WAIT)
    page.fill("#commitment-text", "On Monday I restate the customer's request before I answer.")
    page.click("#activity form button[type=submit]")
    link = page.locator("a.download-card")
    expect(link).to_be_visible(timeout=WAIT)
    assert _axe(page) == []
    screenshot(page, f"day-commitment-phone-{scheme}.png")
    with page.expect_download() as download:
        link.click()
    svg = Path(download.value.path()).read_text(encoding="utf-8")
    assert (
        svg.startswith("<svg") and "restate the customer" in svg and "My commitment for Monday" in svg and "Ana" in svg
    )
    report = server.get(f"/elan/api/s/{code}/export.csv", headers=server.trainer_headers).text
    assert "On Monday I restate" in report and "Ana" not in report.split("Commitments for Monday", 1)[1]


DAY_ON_ONE_CODE = {
    "start": "09:00",
    "end": "12:30",
    "items": [
        {"kind": "activity", "ref": "wordcloud"},
        {"kind": "break", "ref": "break"},
        {"kind": "workshop", "ref": "values"},
        {"kind": "activity", "ref": "commitment"},
    ],
}


def _fits(page) -> bool:
    """The page does not scroll (the stage fits its screen)."""
    return page.evaluate(
        "document.scrollingElement.scrollHeight <= innerHeight + 1 && document.scrollingElement.scrollWidth <= innerWidth + 1"
    )


def test_phones_and_the_stage_follow_the_day_on_one_code_without_reloading(elan_server, contexts):
    """A sample day: two phones join once; each item, the break and the end reach them and the stage live."""
    server = elan_server
    code = server.create_session("day", "fr", title="Accueil client")
    _day_action(server, code, "setup", dates=[dt.date.today().isoformat()], agenda=DAY_ON_ONE_CODE)
    phones = []
    for name in ("Zoé", "Yann"):
        page = contexts(phone=True).new_page()
        join(page, server, code, name=name)
        page.evaluate("window.elanSamePage = true")  # gone if the page were ever reloaded
        phones.append(page)
    stage = contexts(viewport={"width": 1280, "height": 720}).new_page()
    stage.goto(f"{server.url}/stage/{code}")
    stage.evaluate("window.elanSamePage = true")

    # The opener: both phones get the word cloud; a word sent.
    _day_action(server, code, "goto", index=0)
    for page in phones:
        expect(page.locator("#cloud-word")).to_be_visible(timeout=WAIT)
    phones[0].fill("#cloud-word", "Écoute")
    phones[0].click("#activity form button[type=submit]")
    expect(phones[0].locator("ul.mine li")).to_have_text("Écoute", timeout=WAIT)
    expect(stage.locator("#phase-state")).to_have_text("Réponses ouvertes", timeout=WAIT)

    # The break: answers closed, the break screen with its countdown and what is next, on phones and stage.
    _day_action(server, code, "goto", index=1)
    for page in phones:
        expect(page.locator("#activity h1")).to_have_text("Pause", timeout=WAIT)
        expect(page.locator(".pause-resume")).to_contain_text("Reprise à", timeout=WAIT)
        expect(page.locator(".pause-next")).to_have_text("Ensuite\u00a0: Nos valeurs de service, votées en direct")
        expect(page.locator("#activity .timer")).to_contain_text("14:", timeout=WAIT)
        expect(page.locator("#cloud-word")).to_have_count(0)
    expect(stage.locator("#prompt")).to_have_text("Pause", timeout=WAIT)
    expect(stage.locator(".pause-clock")).to_have_text(re.compile(r"^1[45]:\d\d$"), timeout=WAIT)
    expect(stage.locator(".pause-next")).to_have_text("Ensuite\u00a0: Nos valeurs de service, votées en direct")
    expect(stage.locator("#phase-state")).to_have_text("Réponses fermées")
    assert _fits(stage)
    assert _axe(phones[1]) == []
    screenshot(phones[1], "day-break-phone.png")
    r = server.api(
        "POST",
        f"s/{code}/submit",
        json={"activity": "wordcloud", "payload": {"text": "Sourire"}},
        headers={"X-Elan-Token": token_of(phones[1], code)},
    )
    assert r.status_code == 409, r.text  # closed under the break, whatever the page shows

    # The workshop: its title on the phones until its console opens its first step on this session.
    _day_action(server, code, "goto", index=2)
    for page in phones:
        expect(page.locator("#activity h1")).to_have_text("Nos valeurs de service, votées en direct", timeout=WAIT)
    expect(stage.locator("#prompt")).to_have_text("Nos valeurs de service, votées en direct", timeout=WAIT)
    expect(stage.locator(".pause-clock")).to_have_count(0)

    # The closer, then the end of the day.
    _day_action(server, code, "goto", index=3)
    for page in phones:
        expect(page.locator("#commitment-text")).to_be_visible(timeout=WAIT)
    _day_action(server, code, "end")
    for page in phones:
        expect(page.locator("#activity h1")).to_have_text("Fin de la journée", timeout=WAIT)
        expect(page.locator("#commitment-text")).to_have_count(0)
    expect(stage.locator("#prompt")).to_have_text("Merci pour votre participation et bon retour\u00a0!", timeout=WAIT)
    for page in [*phones, stage]:
        assert page.evaluate("window.elanSamePage === true")  # followed live, never reloaded
        assert page.evaluate("location.pathname").endswith(code)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_break_screen_on_the_stage(elan_server, contexts, theme):
    """The break fills the projector at 1280x720 and 1920x1080, light and dark, without scrolling."""
    server = elan_server
    code = server.create_session("day", "fr", title="Accueil client")
    agenda = {**DAY_ON_ONE_CODE, "items": [{"kind": "break", "ref": "lunch"}, {"kind": "workshop", "ref": "cases"}]}
    _day_action(server, code, "setup", dates=[dt.date.today().isoformat()], agenda=agenda)
    server.join(code, name="Zoé")
    _day_action(server, code, "goto", index=0)
    for width, height in ((1280, 720), (1920, 1080)):
        page = contexts(viewport={"width": width, "height": height}, color_scheme=theme).new_page()
        page.goto(f"{server.url}/stage/{code}?theme={theme}")
        expect(page.locator(".pause-clock")).to_have_text(re.compile(r"^(60:00|59:\d\d)$"), timeout=WAIT)
        expect(page.locator("#prompt")).to_have_text("Déjeuner")
        expect(page.locator(".pause-resume")).to_contain_text("Reprise à")
        assert _fits(page)
        if width == 1280:
            assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 28
            assert _axe(page) == []
        screenshot(page, f"day-break-stage-{width}-{theme}.png")
    phone = contexts(phone=True, color_scheme=theme).new_page()
    join(phone, server, code, name="Yann")
    expect(phone.locator(".pause-resume")).to_contain_text("Reprise à", timeout=WAIT)
    expect(phone.locator(".pause-next")).to_have_text("Ensuite\u00a0: Réclamations — études de cas")
    assert _axe(phone) == []
    screenshot(phone, f"day-break-phone-{theme}.png")


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_day_console_says_what_comes_next_above_the_fold(elan_server, contexts, theme):
    """At 1280x800 the next item's button names it and is in view; it moves the phone; a break closes answers."""
    server = elan_server
    code = server.create_session("day", "fr", title="Accueil client")
    _day_action(server, code, "setup", dates=[dt.date.today().isoformat()], agenda=DAY_ON_ONE_CODE)
    phone = contexts(phone=True).new_page()
    join(phone, server, code, name="Zoé")
    trainer = contexts(viewport={"width": 1280, "height": 800}, color_scheme=theme).new_page()
    trainer.goto(f"{server.url}/voila/render/day/trainer.ipynb?key={server.key}&code={code}&lang=fr")
    next_button = trainer.locator(".elan-day-next")
    expect(next_button).to_have_text(
        "Élément suivant\u00a0: Ouverture\u00a0: un mot pour un service remarquable", timeout=60_000
    )
    next_button.click()
    expect(trainer.locator(".elan-day-now")).to_contain_text("En cours\u00a0: Ouverture", timeout=WAIT)
    expect(phone.locator("#cloud-word")).to_be_visible(timeout=WAIT)
    expect(next_button).to_have_text("Élément suivant\u00a0: Pause", timeout=WAIT)
    expect(trainer.locator(".elan-day-now")).to_contain_text("Fin prévue")
    box = next_button.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 800, box  # above the fold
    expect(trainer.get_by_role("button", name="Fermer les réponses")).to_be_enabled()
    path = screenshot(trainer, f"day-console-1280x800-{theme}.png")
    trainer.screenshot(path=str(path.with_name(f"day-console-fold-{theme}.png")))  # what the laptop shows unscrolled
    next_button.click()
    expect(phone.locator(".pause-resume")).to_be_visible(timeout=WAIT)
    expect(trainer.get_by_role("button", name="Ouvrir les réponses")).to_be_disabled(timeout=WAIT)
    assert server.state(code, token_of(phone, code))["open"] is False
    if theme == "dark":
        return
    # The phone remote drives the day as it drives a workshop: its "next" opens the day's next item.
    trainer.get_by_role("button", name="Appairer un téléphone télécommande").click()
    link = trainer.locator("a.elan-remote-link")
    expect(link).to_be_visible(timeout=WAIT)
    remote = contexts(phone=True).new_page()
    remote.goto(link.get_attribute("href"))
    expect(remote.locator("#step")).to_contain_text("Pause", timeout=WAIT)
    expect(remote.locator("#line")).to_have_text("Élément suivant\u00a0: Nos valeurs de service, votées en direct")
    expect(remote.locator("#next")).to_be_enabled(timeout=WAIT)
    remote.click("#next")
    expect(phone.locator("#activity h1")).to_have_text("Nos valeurs de service, votées en direct", timeout=WAIT)
    expect(trainer.locator(".elan-day-now")).to_contain_text("En cours\u00a0: Nos valeurs", timeout=WAIT)
    expect(remote.locator("#step")).to_contain_text("Nos valeurs", timeout=WAIT)
    assert _axe(remote) == []
    screenshot(remote, "day-remote-phone.png")
    # The end of the day: a closing screen on the phone; the console says what the trainer does next.
    expect(next_button).to_have_text("Élément suivant\u00a0: Clôture\u00a0: ce que je ferai autrement lundi")
    next_button.click()
    expect(next_button).to_have_text("Terminer la journée", timeout=WAIT)
    next_button.click()
    expect(phone.locator("#activity h1")).to_have_text("Fin de la journée", timeout=WAIT)
    expect(trainer.locator(".elan-day-after")).to_contain_text("Et maintenant", timeout=WAIT)
    expect(next_button).to_be_disabled()
    trainer.get_by_role("button", name="Clôturer la session").first.click()
    expect(trainer.locator(".elan-confirm-text")).to_contain_text(code, timeout=WAIT)
    expect(trainer.locator(".elan-confirm-yes")).to_be_in_viewport()
    screenshot(trainer, "day-console-end.png")
    trainer.locator(".elan-confirm-yes").click()
    expect(trainer.locator(".elan-day-now")).to_contain_text("Session clôturée", timeout=WAIT)
    assert server.state(code, token_of(phone, code))["session"]["closed"] is True
