"""The values workshop end to end: the trainer's Voilà dashboard and four phones, from the first card to the statement."""

from __future__ import annotations

import base64
import re

import pytest
from playwright.sync_api import expect

from tests.fixtures_browser import screenshot
from tests.test_participant_browser import join, send_idea, token_of
from widgets.core.i18n import Translator

pytestmark = pytest.mark.browser

CORE = Translator("fr").area("core")
VALUES = Translator("fr").area("values")
KERNEL_WAIT = 90_000  # ms: a Voilà kernel starting on a busy machine (not a measured target)
WAIT = 15_000


def vote(page, text: str) -> None:
    """One dot on the card whose text starts with ``text`` (the label exactly, not a card that contains it)."""
    row = (
        page.locator("ul.cards li").filter(has=page.locator(".label", has_text=re.compile("^" + re.escape(text)))).first
    )
    for _ in range(3):
        # A page redrawn by a live update just as the dot is tapped loses the tap: tap again
        # (one dot per card, so a tap that did count is refused, never counted twice).
        row.locator(".dot-add").click()
        try:
            expect(row.locator(".dots")).to_have_text("●", timeout=5_000)
            return
        except AssertionError:
            continue
    expect(row.locator(".dots")).to_have_text("●")


def test_four_participants_run_the_whole_workshop_to_the_statement(elan_server, contexts, phone):
    code = elan_server.create_session("values", "fr")
    trainer = contexts(viewport={"width": 1280, "height": 800}).new_page()
    trainer.goto(f"{elan_server.url}/voila/render/values/trainer.ipynb?key={elan_server.key}&code={code}&lang=fr")
    expect(trainer.locator(".elan-code")).to_have_text(code, timeout=KERNEL_WAIT)

    def next_step():
        trainer.locator(f'button[title="{CORE["next"]}"]:not(.elan-values-next)').click()

    def previous_step():
        trainer.locator(f'button[title="{CORE["previous"]}"]:not(.elan-values-prev)').click()

    # 1. Why a philosophy: the examples, one per screen; the phones wait.
    expect(trainer.locator(".elan-values-screen")).to_contain_text("Ritz-Carlton")
    trainer.locator(".elan-values-next").click()
    expect(trainer.locator(".elan-values-screen")).to_contain_text("Disney")

    ana, ben, cleo, dan = (phone() for _ in range(4))
    for page, name in ((ana, "Ana"), (ben, "Ben"), (cleo, "Cléo"), (dan, "Dan")):
        join(page, elan_server, code, name=name)

    # 2. Brainstorm: cards from the phones, live on the projector; the likely duplicates merged.
    next_step()
    for page, texts in (
        (ana, ["Écoute", "Rapidité"]),
        (ben, ["écoute", "Qualité"]),
        (cleo, ["Honnêteté", "Respect"]),
        (dan, ["rapidités", "Communication", "Fidélité"]),
    ):
        expect(page.locator("#idea-text")).to_be_visible(timeout=WAIT)
        for text in texts:
            send_idea(page, text)
    merge = trainer.locator(f'button:has-text("{CORE["merge"]}")')
    expect(merge).to_have_count(2, timeout=WAIT)
    expect(trainer.locator(".elan-values-cloud")).to_contain_text("Fidélité")
    merge.first.click()  # "Écoute" = "écoute"; the trainer leaves "Rapidité" / "rapidités" for now
    expect(merge).to_have_count(1, timeout=WAIT)

    # 3. Dot vote (5 dots, one per card). Dan votes for both "Rapidité" and "rapidités".
    next_step()
    votes = {
        ana: ["Écoute", "Rapidité", "Qualité", "Communication", "Honnêteté"],
        ben: ["Écoute", "Rapidité", "Qualité", "Communication", "Respect"],
        cleo: ["Écoute", "Qualité", "Honnêteté", "Rapidité", "Fidélité"],
        dan: ["Rapidité", "rapidités", "Écoute", "Qualité", "Communication"],
    }
    for page, texts in votes.items():
        expect(page.locator("ul.cards li")).to_have_count(8, timeout=WAIT)
        for text in texts:
            vote(page, text)
    expect(trainer.locator(".elan-big").filter(has_text="4")).not_to_have_count(0)  # 4 voters, results hidden
    expect(trainer.locator(".js-plotly-plot")).to_be_hidden()
    # The trainer merges the late duplicate: Dan's two dots now count once for "Rapidité".
    previous_step()
    expect(merge).to_have_count(1, timeout=WAIT)
    merge.first.click()
    expect(merge).to_have_count(0, timeout=WAIT)
    next_step()
    ranking = elan_server.results(code, "vote")["results"]["ranking"]
    assert [(r["text"], r["dots"], r["voters"]) for r in ranking[:5]] == [
        ("Écoute", 4, 4),
        ("Rapidité", 4, 4),
        ("Qualité", 4, 4),
        ("Communication", 3, 3),
        ("Honnêteté", 2, 2),
    ]
    top = [r["text"] for r in ranking[:5]]
    trainer.locator(f'button:has-text("{CORE["reveal"]}")').click()
    expect(trainer.locator(".js-plotly-plot")).to_be_visible(timeout=WAIT)
    expect(trainer.locator(".js-plotly-plot")).to_contain_text("Rapidité")
    # Voilà scrolls inside its own container: a taller window shows the join panel and the whole ranking at once.
    trainer.set_viewport_size({"width": 1280, "height": 1280})
    trainer.evaluate("window.scrollTo(0, 0)")
    screenshot(trainer, "values-projector.png", guide=True)
    trainer.set_viewport_size({"width": 1280, "height": 800})

    # 4. Keep five: the top of the vote, in its order.
    next_step()
    expect(trainer.locator(".elan-values-kept li")).to_have_count(5, timeout=WAIT)
    kept_texts = [t.split(" (")[0] for t in trainer.locator(".elan-values-kept li").all_text_contents()]
    assert kept_texts == top

    # Action statements: each phone picks the value, reads the advice and writes.
    next_step()

    def propose(page, value, text):
        page.locator("button.tag", has_text=value).click()
        expect(page.locator("button.tag", has_text=value)).to_have_attribute("aria-pressed", "true")
        send_idea(page, text)

    expect(ana.locator("button.tag")).to_have_count(5, timeout=WAIT)
    expect(ana.locator(".hints li").first).to_be_visible()
    ana.fill("#idea-text", "Sans valeur choisie")
    ana.click("#activity form button[type=submit]")
    expect(ana.locator("#activity .error[role=alert]")).to_have_text(CORE["pick_tag_first"])
    ana.fill("#idea-text", "")
    propose(ana, "Écoute", "Je reformule la demande avant de répondre.")
    propose(ana, "Honnêteté", "Je donne des délais que je peux tenir.")
    propose(ben, "Écoute", "L'écoute est importante.")
    propose(ben, "Rapidité", "Je réponds à chaque message le jour même.")
    propose(cleo, "Qualité", "Je vérifie que tout est réglé avant de conclure.")
    propose(dan, "Communication", "Je tiens le client informé, même sans nouvelle.")
    screenshot(dan, "values-phone.png", guide=True)
    expect(trainer.locator(".elan-values-proposal", has_text="L'écoute est importante.")).to_contain_text(
        VALUES["hint_action_start"].split(" (")[0], timeout=WAIT
    )

    # Vote on the statements: "Je reformule…" wins for "Écoute".
    next_step()
    for page, texts in (
        (ana, ["Je reformule"]),
        (ben, ["Je reformule", "Je réponds"]),
        (cleo, ["Je reformule", "Je vérifie"]),
        (dan, ["L'écoute est", "Je tiens"]),
    ):
        expect(page.locator("ul.cards li")).to_have_count(6, timeout=WAIT)
        for text in texts:
            vote(page, text)
    trainer.locator(f'button:has-text("{CORE["reveal"]}")').click()
    expect(trainer.locator(".elan-values-proposal", has_text="Je reformule la demande").first).to_contain_text(
        Translator("fr")("values.dots_count", n=3), timeout=WAIT
    )
    trainer.locator(f'button:has-text("{VALUES["save_actions"]}")').click()
    expect(trainer.locator(".elan-counts", has_text=VALUES["saved"])).to_be_visible(timeout=WAIT)

    # 5. Vision: two proposals, rated on the three criteria.
    next_step()
    expect(ana.locator("#idea-text")).to_be_visible(timeout=WAIT)
    send_idea(ana, "Chaque client repart avec une réponse claire.")
    send_idea(ben, "Le service le plus humain du secteur.")
    next_step()
    visions = {c["text"]: str(c["id"]) for c in elan_server.results(code, "visions")["results"]["cards"]}
    clear, human = (
        visions["Chaque client repart avec une réponse claire."],
        visions["Le service le plus humain du secteur."],
    )
    criteria = ["simple", "service", "identity"]
    for page in (ana, ben):
        expect(page.locator("fieldset.card")).to_have_count(2, timeout=WAIT)
        for criterion in criteria:
            for target, score in ((clear, 5), (human, 3)):
                page.locator(f'label[for="r-{target}-{criterion}-{score}"]').click()
                expect(page.locator(f"#r-{target}-{criterion}-{score}")).to_be_checked()
    for page in (cleo, dan):  # two people answer through the same API the page uses
        token = token_of(page, code)
        for criterion in criteria:
            for target, score in ((clear, 4), (human, 2)):
                r = elan_server.submit(
                    code, token, "vision_rate", {"target": target, "criterion": criterion, "score": score}
                )
                assert r.status_code == 200, r.text
    trainer.locator(f'button:has-text("{CORE["reveal"]}")').click()
    expect(trainer.locator(".elan-values-table")).to_contain_text("4.5", timeout=WAIT)
    trainer.locator(f'button:has-text("{VALUES["save_vision"]}")').click()
    expect(trainer.locator(".elan-counts", has_text=VALUES["saved"])).to_be_visible(timeout=WAIT)

    # 6. The statement: shown, and downloaded in the session's language.
    next_step()
    link = trainer.locator('.elan-values-download[data-format="md"]')
    expect(link).to_have_count(1, timeout=WAIT)
    expect(trainer.locator(".elan-values-statement")).to_contain_text("Je reformule la demande avant de répondre.")
    markdown = base64.b64decode(link.get_attribute("href").split("base64,", 1)[1]).decode("utf-8")
    assert "# Notre philosophie de service" in markdown
    assert "> Chaque client repart avec une réponse claire." in markdown
    positions = [markdown.index(f"{i}. {name}") for i, name in enumerate(top, 1)]
    assert positions == sorted(positions)
    assert "**Écoute** : Je reformule la demande avant de répondre." in markdown
    assert "**Rapidité** : Je réponds à chaque message le jour même." in markdown
    page = base64.b64decode(
        trainer.locator('.elan-values-download[data-format="html"]').get_attribute("href").split("base64,", 1)[1]
    ).decode("utf-8")
    assert [page.index(name) for name in top] == sorted(page.index(name) for name in top)
    trainer.set_viewport_size({"width": 1280, "height": 1600})
    screenshot(trainer, "values-statement.png")
    # What the trainer decided is in the session, for a restarted kernel to resume.
    data = elan_server.results(code)["state"]["data"]
    assert [v["text"] for v in data["kept"]] == top
    assert data["vision"] == "Chaque client repart avec une réponse claire."
