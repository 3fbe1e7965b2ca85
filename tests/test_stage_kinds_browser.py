"""Every step of every workshop on the projector: each kind drawn from its public view, fitting the screen.

Each workshop's steps are built by the workshop's own spec functions from the kit's content,
opened on one session, answered by phones through the API, revealed, and taken by the stage
at 1280x720 and 1920x1080, light and dark: the page never scrolls, the text stays readable,
no "[object Object]" or raw id shows, and every kind that has results draws them.
One server and one browser for the whole module (two pages that follow the session's feed).
"""

from __future__ import annotations

import types

import pytest
from playwright.sync_api import expect

from tests.fixtures_browser import screenshot
from widgets import content
from widgets.live.exercises import casebook
from widgets.ui import practices
from widgets.workshops.cases import dashboard as cases
from widgets.workshops.cases.report import activity_id
from widgets.workshops.day import attendance, evaluation, openers
from widgets.workshops.metrics.matching import match_spec
from widgets.workshops.values import dashboard as values
from widgets.workshops.week import dashboard as week

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WAIT = 15_000
SIZES = ((1280, 720), (1920, 1080))
#: What each kind draws once its results show (before the reveal: how many answered).
DRAWN = {
    "ideas": ".wall li",
    "dots": ".row",
    "choice": ".row",
    "rate": ".row",
    "story": ".story",
    "match": ".heat-row",
    "quiz": ".row",
    "survey": ".figure",
    "commitment": ".figure",
    "signin": ".figure",
    "cloud": ".word",
    "caseend": ".path li",
}
PHONES = 8
WORDS = ["Écoute", "écoute", "l’écoute", "Sourire", "Rapidité", "rapidite", "Empathie", "Clarté", "Respect"]
IDEAS = [
    "Rappeler le client le jour même",
    "Une réponse claire, sans jargon, même quand la réponse est non",
    "Écoute",
    "écoute",
    "Prendre le problème en charge jusqu’au bout, même s’il vient d’un autre service",
    "Simplicité",
]


#: The page's size against the screen, the step's content against its box, the text shown, the step's type size.
GEOMETRY = """(() => {
  const step = document.getElementById("step");
  const box = step.getBoundingClientRect();
  const cut = [...step.querySelectorAll("h1, p, li, .row, .figure, .heat-row, svg")]
    .filter((e) => e.offsetParent !== null)
    .filter((e) => { const r = e.getBoundingClientRect(); return r.bottom > box.bottom + 1 || r.right > box.right + 1; });
  return {h: document.documentElement.scrollHeight, w: document.documentElement.scrollWidth,
    vh: innerHeight, vw: innerWidth, text: document.body.innerText,
    cut: cut.map((e) => `${e.tagName}.${e.getAttribute("class")}: ${e.textContent.slice(0, 40)}`),
    font: parseFloat(getComputedStyle(step).fontSize)};
})()"""


class Room:
    """One session, its phones (through the API) and the stage in two sizes."""

    def __init__(self, server, contexts, workshop: str, lang: str):
        self.server, self.lang = server, lang
        self.code = server.create_session(workshop, lang)
        self.phones = [server.join(self.code, name=f"P{i}")["token"] for i in range(PHONES)]
        self.pages = []
        for width, height in SIZES:
            page = contexts(viewport={"width": width, "height": height}).new_page()
            page.goto(f"{server.url}/stage/{self.code}")
            self.pages.append(page)

    def open(self, spec: dict) -> None:
        self.server.trainer(self.code, "open", spec=spec)
        self.spec = spec

    def answer(self, payloads) -> list[dict]:
        """``payloads(i)`` is the list of payloads phone ``i`` sends; what the server answered to each."""
        out = []
        for i, token in enumerate(self.phones):
            for payload in payloads(i):
                r = self.server.submit(self.code, token, self.spec["id"], payload)
                assert r.status_code == 200, r.text
                out.append(r.json())
        return out

    def reveal(self) -> None:
        self.server.trainer(self.code, "reveal", activity=self.spec["id"], revealed=True)

    def check(self, name: str, *, drawn: bool = True) -> None:
        """Every page: the step's prompt, its drawing, nothing scrolls, readable, light and dark."""
        kind = self.spec["kind"]
        view = self.server.api("GET", f"s/{self.code}/stage").json()["view"]
        prompt = content.text(view["prompt"] or view["title"], self.lang)
        for (width, height), page in zip(SIZES, self.pages):
            expect(page.locator("#prompt")).to_have_text(prompt, timeout=WAIT)
            if drawn and kind in DRAWN:
                expect(page.locator(f"#results {DRAWN[kind]}").first).to_be_visible(timeout=WAIT)
            page.wait_for_timeout(700)  # the bars' animation and the fit settle before the picture
            for theme in ("light", "dark"):
                page.evaluate(f"document.documentElement.dataset.theme = '{theme}'")
                screenshot(page, f"stage-kinds/{name}-{width}-{theme}.png")
                geometry = page.evaluate(GEOMETRY)
                where = f"{name} {width}x{height} {theme}"
                assert geometry["h"] <= geometry["vh"] and geometry["w"] <= geometry["vw"], (where, geometry)
                assert geometry["cut"] == [], (where, geometry["cut"])  # nothing hidden under the footer or the edge
                assert "[object Object]" not in geometry["text"] and "undefined" not in geometry["text"], where
                assert geometry["font"] >= 28 * height / 720 - 0.5, (where, geometry["font"])

    def has_text(self, texts: list[str]) -> None:
        body = self.pages[0].evaluate("document.body.innerText")
        for text in texts:
            assert text in body, text


@pytest.fixture
def room(elan_server, contexts):
    return lambda workshop, lang: Room(elan_server, contexts, workshop, lang)


def test_values_workshop_steps_on_the_stage(room):
    r = room("values", "fr")
    r.open(values.brainstorm_spec(None))
    r.check("values-0-empty", drawn=False)
    r.answer(lambda i: [{"text": IDEAS[i % len(IDEAS)]}])
    r.check("values-1-wall")  # the wall shows as cards come, before any reveal
    r.open(_vote(values.CARDS))
    cards = r.server.results(r.code, values.CARDS)["results"]["cards"]
    r.answer(lambda i: [{"item": cards[(i + j) % len(cards)]["id"], "dots": 1} for j in range(2)])
    r.check("values-2-vote-closed", drawn=False)
    r.reveal()
    r.check("values-3-vote")
    r.open(values.vision_spec(None))
    r.answer(lambda i: [{"text": f"Vision {i % 3}: chaque client repart avec une réponse"}] if i < 3 else [])
    r.open(values.rate_spec(None))
    visions = r.server.results(r.code, values.VISIONS)["results"]["cards"]
    criteria = [c["id"] for c in r.spec["criteria"]]
    r.answer(
        lambda i: [
            {"target": v["id"], "criterion": c, "score": 1 + (i + n) % 5}
            for v in visions
            for n, c in enumerate(criteria)
        ]
    )
    r.reveal()
    r.check("values-4-rate")


def _vote(source: str, prompt=None) -> dict:
    return {
        "kind": "dots",
        "id": f"{source}-vote",
        "source": source,
        "budget": 3,
        "stack": False,
        "prompt": prompt or {"fr": "Votez pour les trois cartes qui comptent le plus", "en": "Vote for three cards"},
    }


def test_cases_workshop_steps_on_the_stage(room, elan_server):
    r = room("cases", "en")
    case = casebook.get_case("billing-double-charge")
    r.open({"kind": "info", "id": f"{case['id']}#info", "title": case["title"], "prompt": case["context"]})
    r.check("cases-0-context", drawn=False)
    r.has_text([case["title"]["en"]])
    choices: list[str] = []
    walked = casebook.walk(case, choices)
    n = 0
    while not walked.done:
        order = casebook.shown_order(case, walked.current, r.code)
        r.open(cases.step_spec(case, walked.current, 1, order=order))
        # Most phones take the first response shown, a few the others: the room's choice is the first.
        r.answer(lambda i, order=order: [{"option": order[0] if i < 5 else order[i % len(order)]}])
        r.check(f"cases-{n + 1}-step-open", drawn=False)
        r.has_text([case["title"]["en"]])  # the case's title above its step
        r.reveal()
        r.check(f"cases-{n + 1}-step")
        choices.append(order[0])
        walked = casebook.walk(case, choices)
        n += 1
    play = {"id": case["id"], "run": 1, "choices": choices, "orders": {}}
    spec = cases.ending_spec(types.SimpleNamespace(code=r.code), case, play, walked)
    assert [s["activity"] for s in spec["steps"]] == [activity_id(case["id"], s, 1) for s in walked.path]
    r.open(spec)
    r.check("cases-ending")
    end = casebook.ending(case, walked.ending)
    r.has_text([end["title"]["en"], case["title"]["en"]])
    assert r.pages[0].locator(".profile .row").count() == len(casebook.COMPETENCES)
    assert r.pages[0].locator(".path li").count() == len(walked.path)
    r.open(cases.story_spec(types.SimpleNamespace(engine=types.SimpleNamespace(settings=_Settings()))))
    value = r.spec["values"][0]["id"]
    sent = r.answer(
        lambda i: [
            {
                "colleague": f"Colleague {i}",
                "title": f"Good catch {i}",
                "story": "Called back the same evening.",
                "value": value,
            }
        ]
    )
    for item in sent[:-1]:  # the trainer approves all but one: the pending one never shows
        elan_server.trainer(r.code, "item", item=item["id"], status="visible")
    r.reveal()
    r.check("cases-shout-outs")
    body = r.pages[1].evaluate("document.body.innerText")
    assert f"Good catch {PHONES - 1}" not in body and "Colleague" not in body  # approved only; names only when shown
    r.server.trainer(r.code, "option", name="show_names", value=True)
    expect(r.pages[1].locator(".story small").first).to_contain_text("Colleague", timeout=WAIT)


class _Settings:
    max_text_length = 600


@pytest.mark.parametrize("lang", ["en", "fr-CA"])
def test_metrics_matching_on_the_stage_has_full_labels(room, lang):
    r = room("metrics", lang)
    spec = match_spec("values", lang)
    r.open(spec)
    columns = [c["id"] for c in spec["columns"]]
    rows = [row["id"] for row in spec["rows"]]
    r.answer(lambda i: [{"row": row, "columns": columns[(i + k) % len(columns) :][:2]} for k, row in enumerate(rows)])
    r.reveal()
    r.check(f"metrics-match-{lang}")
    body = r.pages[1].evaluate("document.body.innerText")
    for row in spec["rows"]:
        assert row["label"] in body
    shown = r.pages[1].evaluate("[...document.querySelectorAll('.heat .cell')].map((c) => c.textContent)")
    for column in spec["columns"]:
        if any(column["label"] in cell for cell in shown):
            assert column["name"] in body  # the full name, in the legend
    for column in spec["columns"]:
        if column["id"] != column["label"]:
            assert column["id"] not in body.split(), column["id"]  # never a raw id


def test_week_workshop_steps_on_the_stage(room):
    r = room("week", "fr")
    r.open(week.ideas_spec(types.SimpleNamespace(code=None)))
    r.answer(lambda i: [{"text": IDEAS[i % len(IDEAS)]}])
    r.check("week-1-ideas")
    r.open(_vote(week.IDEAS))
    cards = r.server.results(r.code, week.IDEAS)["results"]["cards"]
    r.answer(lambda i: [{"item": cards[i % len(cards)]["id"], "dots": 1}])
    r.reveal()
    r.check("week-2-vote")


def test_day_activities_on_the_stage(room):
    r = room("day", "fr")
    r.open(attendance.signin_spec({"id": "am", "date": "2026-12-08", "start": "09:00", "end": "12:30"}))
    strokes = [[[0.1, 0.2], [0.3, 0.4], [0.5, 0.5]]]
    r.answer(lambda i: [{"name": f"P{i}", "strokes": strokes}] if i < 6 else [])
    r.check("day-1-signin")
    assert "P1" not in r.pages[0].evaluate("document.body.innerText")  # never a name
    r.open(openers.wordcloud_spec())
    r.answer(lambda i: [{"text": WORDS[i % len(WORDS)]}, {"text": WORDS[(i + 3) % len(WORDS)]}])
    r.check("day-2-cloud")
    sizes = r.pages[0].evaluate(
        "[...document.querySelectorAll('.word')].map(w => parseFloat(getComputedStyle(w).fontSize))"
    )
    assert max(sizes) > min(sizes)  # sized by count
    assert r.pages[0].locator(".word").filter(has_text="écoute").count() == 1  # variants merged
    quizzes = {}
    for stage in ("pre", "post"):
        r.open(evaluation.quiz_spec(stage))
        quizzes[stage] = r.spec
        key = r.spec["answer"]
        wrong = {q["id"]: next(o["id"] for o in q["options"] if o["id"] != key[q["id"]]) for q in r.spec["questions"]}
        right_from = 6 if stage == "pre" else 2
        r.answer(
            lambda i, key=key, wrong=wrong, right_from=right_from: [
                {"question": q, "option": key[q] if i >= right_from else wrong[q]} for q in key
            ]
        )
        r.reveal()
        r.check(f"day-3-quiz-{stage}")
    assert r.pages[0].locator(".row .label").first.inner_text().count("%") >= 2  # the gain since the morning
    r.open(practices.activity())
    r.answer(
        lambda i: [
            {"target": practices.TEAM, "criterion": c["id"], "score": 1 + (i + n) % 5}
            for n, c in enumerate(r.spec["criteria"])
        ]
    )
    r.reveal()
    r.check("day-4-practices")
    r.open(evaluation.evaluation_spec(["values", "cases", "metrics"]))
    scales = [q for q in r.spec["questions"] if q["type"] == "scale"]
    r.answer(
        lambda i: (
            [{"question": q["id"], "value": q["max"] - (i % 4)} for q in scales]
            + [{"question": q["id"], "value": "Très utile"} for q in r.spec["questions"] if q["type"] == "text"][:1]
        )
    )
    r.reveal()
    r.check("day-5-evaluation")
    for page in r.pages:
        expect(page.locator(".gauge")).to_be_visible()
        expect(page.locator(".csat")).to_be_visible()
    r.open(openers.commitment_spec())
    r.answer(lambda i: [{"text": f"Lundi, je rappelle chaque client le jour même ({i})"}])
    r.reveal()
    r.check("day-6-commitment")
    assert "Lundi" not in r.pages[0].evaluate("document.body.innerText")  # texts only when shown
