"""A trainer writes a case in the editor (Voilà), fixes what it flags, previews it on the real phone page and
stage, saves it, and plays it live with two phones."""

from __future__ import annotations

import time

import pytest
import yaml
from playwright.sync_api import expect

from tests.fixtures_browser import ARTIFACTS, screenshot
from tests.fixtures_server import ElanServer
from tests.test_participant_browser import _axe, join
from widgets.core.i18n import Translator

pytestmark = pytest.mark.browser

EDITOR = Translator("fr").area("editor")
KERNEL_WAIT = 90_000  # ms: a Voilà kernel starting on a busy machine (not a measured target)
WAIT = 15_000
#: Two steps (the least a case may have on every path; the kit's own have three to five), three answers each,
#: two endings.
STEPS = ["accueil", "solution"]
#: The steps once the dead end is fixed (the last one renamed on the way).
SAVED = ["accueil", "conclusion"]


@pytest.fixture
def server(tmp_path):
    org = tmp_path / "acme-contenu"
    org.mkdir()
    running = ElanServer(tmp_path / "data", env={"ELAN_CONTENT_DIR": str(org)}).start()
    yield running, org
    running.stop()


def field(page, *path, kind="textarea"):
    return page.locator(f".elan-editor-{'-'.join(str(p) for p in path)} {kind}")


def write(page, path: tuple, fr: str, en: str | None) -> None:
    field(page, *path, "fr").fill(fr)
    if en is not None:
        field(page, *path, "en").fill(en)


def test_a_trainer_writes_a_case_fixes_what_is_flagged_saves_and_plays_it_with_two_phones(server, contexts, phone):
    srv, org = server
    page = contexts(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"{srv.url}/voila/render/cases/editor.ipynb?key={srv.key}&lang=fr")
    expect(field(page, "id", kind="input")).to_be_visible(timeout=KERNEL_WAIT)

    ident = field(page, "id", kind="input")
    ident.fill("acme-colis")
    ident.press("Enter")
    expect(page.locator(".elan-editor-add-step")).to_be_visible(timeout=WAIT)
    write(page, ("title",), "Le colis jamais arrivé", "The parcel that never came")
    write(page, ("context",), "Vous répondez au téléphone pour Acme.", "You answer the phone for Acme.")
    field(page, "customer", "name", kind="input").fill("Inès")
    write(
        page,
        ("customer", "situation"),
        "Cliente fidèle, colis attendu depuis dix jours.",
        "A loyal customer, waiting ten days for a parcel.",
    )
    # Two steps: the first is there, one more is added, each renamed.
    for _ in range(1):
        count = page.locator(".elan-editor-response").count()
        page.locator(".elan-editor-add-step").click()
        expect(page.locator(".elan-editor-response")).to_have_count(count + 3, timeout=WAIT)
    for si, name in enumerate(STEPS):
        box = field(page, "steps", si, "id", kind="input")
        box.fill(name)
        box.press("Enter")
        # The form is drawn again with the new id (the choices of "Then" change): wait for it before typing on.
        expect(page.locator(".elan-editor-heading", has_text=f"({name})")).to_be_visible(timeout=WAIT)
    for si in range(2):
        # The English of the second step's situation is left out on purpose: the editor flags it.
        write(
            page,
            ("steps", si, "situation"),
            f"« Où est mon colis ? » (étape {si + 1})",
            None if si == 1 else f"“Where is my parcel?” (step {si + 1})",
        )
        for ri in range(3):
            base = ("steps", si, "responses", ri)
            write(page, base + ("text",), f"Réponse {ri + 1} à l’étape {si + 1}", f"Answer {ri + 1} at step {si + 1}")
            write(page, base + ("feedback",), f"Pourquoi la réponse {ri + 1}", f"Why answer {ri + 1}")
            field(page, *base, "effects", "empathy", kind="input").fill(str(1 - ri))
            field(page, *base, "effects", "empathy", kind="input").press("Enter")
            target = STEPS[si + 1] if si < 1 else ("ending-1" if ri < 2 else "ending-2")
            field(page, *base, "next", kind="select").select_option(target)
    for ei in range(2):
        write(page, ("endings", ei, "title"), f"Fin {ei + 1}", f"Ending {ei + 1}")
        write(page, ("endings", ei, "outcome"), f"Ce qui arrive ({ei + 1})", f"What happens ({ei + 1})")
        write(
            page, ("endings", ei, "questions", 0), f"Qu’auriez-vous fait ? ({ei + 1})", f"What would you do? ({ei + 1})"
        )
    write(page, ("debrief", "lens", "note"), "Écouter d’abord.", "Listen first.")
    write(
        page,
        ("debrief", "points", 0, "text"),
        "Réactivité : répondre tout de suite.",
        "Responsiveness: answer at once.",
    )

    # The missing English is highlighted, and listed with the checks; nothing can be saved yet.
    expect(page.locator(".elan-editor-steps-1-situation-en.elan-editor-missing")).to_be_visible(timeout=WAIT)
    expect(page.locator(".elan-editor-checks")).to_contain_text("steps[1].situation.en", timeout=WAIT)
    expect(page.locator(".elan-editor-save")).to_be_disabled()
    # A dead end: the last step renamed after the answers pointed to it.
    last = field(page, "steps", 1, "id", kind="input")
    last.fill("conclusion")
    last.press("Enter")
    expect(page.locator(".elan-editor-heading", has_text="(conclusion)")).to_be_visible(timeout=WAIT)
    expect(page.locator(".elan-editor-dead-end").first).to_be_visible(timeout=WAIT)
    screenshot(page, "editor-flags.png")

    # Both fixed: the translation written, the answers pointed at the renamed step.
    field(page, "steps", 1, "situation", "en").fill("“Where is my parcel?” (step 2)")
    for ri in range(3):
        field(page, "steps", 0, "responses", ri, "next", kind="select").select_option("conclusion")
    expect(page.locator(".elan-editor-dead-end")).to_have_count(0, timeout=WAIT)
    expect(page.locator(".elan-editor-missing")).to_have_count(0, timeout=WAIT)
    expect(page.locator(".elan-editor-ok")).to_be_visible(timeout=WAIT)

    # A fourth response added to the first step: where it leads is not chosen yet, so the graph draws a
    # dead end (a box of its own, marked in words); removed again, the dead end goes.
    page.locator(".elan-editor-add-response-0").click()
    expect(page.locator(".elan-editor-remove-response-0-3")).to_be_visible(timeout=WAIT)
    expect(page.locator(".elan-editor-remove-response-0-4")).to_have_count(0)  # one click, one response
    dead = page.locator(".elan-editor-graph .elan-editor-dead-end")
    expect(dead).to_have_count(1, timeout=WAIT)
    expect(dead).to_contain_text(EDITOR["graph_dead"], timeout=WAIT)
    assert EDITOR["graph_no_target"] in dead.locator("title").text_content()
    expect(page.locator(".elan-editor-save")).to_be_disabled(timeout=WAIT)
    page.locator(".elan-editor-remove-response-0-3").click()
    expect(page.locator(".elan-editor-remove-response-0-3")).to_have_count(0, timeout=WAIT)
    expect(page.locator(".elan-editor-dead-end")).to_have_count(0, timeout=WAIT)
    expect(page.locator(".elan-editor-ok")).to_be_visible(timeout=WAIT)
    # The graph: two steps in two columns, then the two endings; 6 responses drawn as labelled edges.
    graph = page.locator(".elan-editor-graph svg")
    expect(graph.locator(".elan-graph-step")).to_have_count(2, timeout=WAIT)
    expect(graph.locator(".elan-graph-ending")).to_have_count(2, timeout=WAIT)
    expect(graph.locator(".elan-graph-edge")).to_have_count(6, timeout=WAIT)
    xs = [float(graph.locator(f'.elan-graph-step[data-id="{name}"] rect').get_attribute("x")) for name in SAVED]
    assert xs[0] < xs[1]

    # The preview: the real phone page (375 px) and the real stage, on a preview session nobody else sees.
    page.set_viewport_size({"width": 1440, "height": 900})
    page.locator(".elan-editor-screen select").select_option(
        label=Translator("fr")("editor.preview_step", n=1, id=STEPS[0])
    )
    page.locator(".elan-editor-preview-button").click()
    phone_frame = page.frame_locator(".elan-editor-phone iframe")
    expect(phone_frame.locator("#activity .prompt")).to_have_text("« Où est mon colis ? » (étape 1)", timeout=WAIT)
    expect(phone_frame.locator("button.option")).to_have_count(3, timeout=WAIT)
    stage_frame = page.frame_locator(".elan-editor-stage iframe")
    expect(stage_frame.locator("#prompt")).to_have_text("« Où est mon colis ? » (étape 1)", timeout=WAIT)
    stage_src = page.locator(".elan-editor-stage iframe").get_attribute("src")
    assert "key" not in stage_src and "token" not in stage_src and "/stage/" in stage_src
    assert page.locator(".elan-editor-phone iframe").bounding_box()["width"] == pytest.approx(375 + 4, abs=1)
    preview_code = stage_src.split("/stage/")[1].split("?")[0]
    assert srv.api("GET", f"s/{preview_code}/stage").json()["session"]["code"] == preview_code
    # Edited, then previewed again: the same session, the pages reloaded with the new words.
    field(page, "steps", 0, "situation", "fr").fill("« Toujours pas de colis ? » (étape 1)")
    page.locator(".elan-editor-preview-button").click()
    expect(phone_frame.locator("#activity .prompt")).to_have_text("« Toujours pas de colis ? » (étape 1)", timeout=WAIT)
    expect(stage_frame.locator("#prompt")).to_have_text("« Toujours pas de colis ? » (étape 1)", timeout=WAIT)
    assert preview_code in page.locator(".elan-editor-stage iframe").get_attribute("src")
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "editor-preview.png", guide=True)
    # The side column scrolls on its own: the phone and the stage in full beside the form.
    page.locator(".elan-editor-frames").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "editor-preview-frames-1440.png"))
    assert _axe(page) == []
    # Tried as a learner would play it, before saving.
    page.locator(".elan-editor-try").click()
    page.locator(".elan-editor-player .elan-cases-solo-begin").click(timeout=WAIT)
    page.locator(".elan-editor-player .elan-cases-solo-answer-A").click(timeout=WAIT)
    # The player shows the answers in a shuffled order: whichever came first, its explanation follows.
    expect(page.locator(".elan-editor-player .elan-cases-solo-feedback")).to_contain_text("Pourquoi la réponse")
    page.locator(".elan-editor-player").scroll_into_view_if_needed()
    screenshot(page, "editor-try.png")
    page.locator(".elan-editor-save").click()
    saved = org / "cases" / "acme-colis.yaml"
    expect(page.locator(".elan-counts", has_text=str(saved))).to_be_visible(timeout=WAIT)
    case = yaml.safe_load(saved.read_text(encoding="utf-8"))
    assert [s["id"] for s in case["steps"]] == SAVED
    assert case["steps"][1]["situation"]["en"] == "“Where is my parcel?” (step 2)"
    assert case["steps"][0]["situation"]["fr"] == "« Toujours pas de colis ? » (étape 1)"
    assert [len(s["responses"]) for s in case["steps"]] == [3, 3]
    # The editor's tab closed: its kernel is released, and the preview session goes with it.
    page.close()
    gone = time.monotonic() + KERNEL_WAIT / 1000
    while srv.api("GET", f"s/{preview_code}/stage").status_code != 404:
        assert time.monotonic() < gone, "the preview session outlived the editor's tab"
        time.sleep(0.5)

    # Played live: the cases dashboard offers it, two phones answer each step, the room reaches an ending.
    code = srv.create_session("cases", "fr")
    trainer = contexts(viewport={"width": 1280, "height": 800}).new_page()
    trainer.goto(f"{srv.url}/voila/render/cases/trainer.ipynb?key={srv.key}&code={code}&lang=fr")
    expect(trainer.locator(".elan-code")).to_have_text(code, timeout=KERNEL_WAIT)
    phones = [phone(), phone()]
    for p, name in zip(phones, ("Ana", "Ben"), strict=True):
        join(p, srv, code, name=name)
    trainer.locator(".elan-case-acme-colis .elan-cases-pick").click()
    expect(phones[0].locator("#activity h1")).to_have_text("Le colis jamais arrivé", timeout=WAIT)
    trainer.locator(".elan-cases-start").click()
    for _ in STEPS:
        expect(trainer.locator(".elan-cases-hidden")).to_be_visible(timeout=WAIT)
        for p in phones:
            button = p.locator('button.option[data-option="a"]')
            button.click(timeout=WAIT)
            expect(button).to_have_attribute("aria-pressed", "true", timeout=WAIT)
        expect(trainer.locator(".elan-cases-hidden")).to_contain_text(": 2", timeout=WAIT)
        trainer.locator(".elan-cases-reveal").click()
        expect(phones[0].locator(".feedback").first).to_be_visible(timeout=WAIT)
        trainer.locator(".elan-cases-majority").click()
    expect(trainer.locator(".elan-cases-path > li")).to_have_count(2, timeout=WAIT)
    expect(trainer.locator(".elan-cases-questions li").first).to_contain_text("Qu’auriez-vous fait ? (1)")
    screenshot(trainer, "editor-case-played.png")
    assert srv.results(code)["state"]["data"]["case"]["choices"] == ["a", "a"]
