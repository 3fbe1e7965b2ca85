"""The values-to-metrics workshop end to end: the trainer's Voilà dashboard, three phones matching, the heatmap, the lab."""

from __future__ import annotations


import pytest
from playwright.sync_api import expect

from tests.fixtures_browser import screenshot
from tests.test_participant_browser import join
from widgets.live.exercises.match import score
from widgets.workshops.metrics.matching import match_spec
from widgets.core.i18n import Translator

pytestmark = pytest.mark.browser

CORE = Translator("fr").area("core")
METRICS = Translator("fr").area("metrics")
KERNEL_WAIT = 90_000  # ms: a Voilà kernel starting on a busy machine (not a measured target)
WAIT = 15_000

#: What each phone ticks, value by value (the first two values; the others left empty).
SENT = {
    "Ana": {"integrity": ["NPS", "QA"], "quality": ["FCR", "CSAT"]},
    "Ben": {"integrity": ["NPS"], "quality": ["FCR", "AHT"]},
    "Cléo": {"integrity": ["QA", "FRT"], "quality": ["FCR"]},
}


def match_on_phone(page, answers: dict[str, list[str]], rows: list[dict]) -> None:
    """One value at a time: tap its metrics, then go to the next value."""
    for n, row in enumerate(rows[: len(answers)]):
        expect(page.locator("h2.row-title")).to_have_text(row["label"], timeout=WAIT)
        for column in answers[row["id"]]:
            page.locator(f'button[data-column="{column}"]').click()
            expect(page.locator(f'button[data-column="{column}"]')).to_have_attribute("aria-pressed", "true", timeout=WAIT)
        if n < len(answers) - 1:
            page.locator(".nav button.primary").click()


def test_three_phones_match_and_the_heatmap_shows_what_they_sent(elan_server, contexts, phone):
    spec = match_spec("values", "fr")
    rows, columns = spec["rows"], [c["id"] for c in spec["columns"]]
    code = elan_server.create_session("metrics", "fr")
    trainer = contexts(viewport={"width": 1280, "height": 800}).new_page()
    trainer.goto(f"{elan_server.url}/voila/render/metrics/trainer.ipynb?key={elan_server.key}&code={code}&lang=fr")
    expect(trainer.locator(".elan-code")).to_have_text(code, timeout=KERNEL_WAIT)

    def step(direction: str) -> None:
        trainer.locator(f'button[title="{CORE[direction]}"]').click()

    # Open the matching on the phones (the session was created outside the dashboard).
    step("next")
    expect(trainer.locator(".elan-metrics-board")).to_be_visible(timeout=WAIT)
    step("previous")
    expect(trainer.locator(".elan-metrics-progress")).to_be_visible(timeout=WAIT)

    phones = {name: phone() for name in SENT}
    for name, page in phones.items():
        join(page, elan_server, code, name=name)
    for name, page in phones.items():
        match_on_phone(page, SENT[name], rows)
    screenshot(phones["Ana"], "metrics-phone.png", guide=True)
    expect(trainer.locator(".elan-metrics-progress li").first).to_contain_text(
        METRICS["answered_row"].format(n=3), timeout=WAIT)

    # The server counted exactly what was sent.
    expected = {r: {c: sum(c in SENT[p].get(r, []) for p in SENT) for c in columns} for r in ("integrity", "quality")}
    counts = elan_server.results(code, "metrics-values")["results"]["counts"]
    assert {r: counts[r] for r in expected} == expected

    # Compare: the heatmap on the projector shows the same shares.
    step("next")
    heat = trainer.locator(".elan-metrics-board .js-plotly-plot")
    expect(heat).to_be_visible(timeout=WAIT)
    expect(heat.locator("svg.main-svg").first).to_be_visible()
    z = heat.evaluate("gd => gd.data[0].z")
    for i, row in enumerate(rows[:2]):
        assert z[i] == [round(100 * expected[row["id"]][c] / 3) for c in columns], row["id"]
    expect(heat).to_contain_text("67 %")  # two of three linked integrity to NPS
    assert "0 %" not in heat.locator("text").all_text_contents()
    # Reveal FCR, then NPS: the reference outlined there, with its reasons.
    for column in ("FCR", "NPS"):
        trainer.locator(f'.elan-metrics-column:text-is("{column}")').click()
        expect(trainer.locator(f'.elan-metrics-reason[data-column="{column}"]')).to_be_visible(timeout=WAIT)
    expect(trainer.locator('.elan-metrics-reason[data-column="FCR"]')).to_contain_text(spec["answer"]["reasons"]["quality"]["FCR"][:40])
    screenshot(trainer, "metrics-projector.png", guide=True)

    # Show results: each phone gets its score, the reference and the reasons of its differences.
    trainer.locator(f'button:has-text("{CORE["reveal"]}")').click()
    for name, page in phones.items():
        expected_score = score(SENT[name], spec["reference"])["score"]
        expect(page.locator(".score")).to_have_text(CORE["your_score"].format(score=expected_score), timeout=WAIT)
    ben = phones["Ben"]  # still on "quality": CSAT missed, AHT extra (the reference puts it under speed)
    expect(ben.locator(".missed")).to_contain_text("CSAT")  # its label is its abbreviation in both languages
    expect(ben.locator("#activity")).to_contain_text(spec["answer"]["reasons"]["quality"]["CSAT"][:40])
    label = {c["id"]: c["label"] for c in spec["columns"]}
    expect(ben.locator("#activity")).to_contain_text(f'{label["AHT"]} → Rapidité')
    expect(ben.locator('button[data-column="FCR"] .badge')).to_have_text("✓")
    screenshot(ben, "metrics-phone-feedback.png")

    # The lab: its charts render in the browser.
    step("next")
    step("next")
    lab = trainer.locator(".elan-metrics-lab")
    expect(lab.locator(".js-plotly-plot svg.main-svg").first).to_be_visible(timeout=WAIT)
    expect(lab.locator(".elan-metrics-summary")).to_contain_text("CSAT")
    lab.locator('button:text-is("FCR")').click()
    expect(lab).to_contain_text(METRICS["trap_title"], timeout=WAIT)
    lab.locator(".js-plotly-plot").first.scroll_into_view_if_needed()
    screenshot(trainer, "metrics-lab.png")
