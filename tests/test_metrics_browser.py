"""The values-to-metrics workshop end to end: the trainer's Voilà dashboard, three phones matching, the heatmap, the lab."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from playwright.sync_api import expect

from tests.fixtures_browser import screenshot
from tests.test_participant_browser import _axe, join
from widgets.core.i18n import Translator
from widgets.live.exercises.match import score
from widgets.workshops.metrics import formulas
from widgets.workshops.metrics.matching import match_spec
from widgets.workshops.metrics.tickets import import_tickets

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
            expect(page.locator(f'button[data-column="{column}"]')).to_have_attribute(
                "aria-pressed", "true", timeout=WAIT
            )
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
    # Phones have no hover: each metric shows its full name, its abbreviation second.
    aht = phones["Ana"].locator('button[data-column="AHT"]')
    expect(aht.locator(".name")).to_have_text(spec["columns"][[c["id"] for c in spec["columns"]].index("AHT")]["name"])
    expect(aht.locator(".abbr")).to_have_text("DMT")
    assert _axe(phones["Ana"]) == []
    screenshot(phones["Ana"], "metrics-phone.png", guide=True)
    phones["Ana"].emulate_media(color_scheme="dark")
    assert _axe(phones["Ana"]) == []
    screenshot(phones["Ana"], "metrics-phone-dark.png")
    phones["Ana"].emulate_media(color_scheme="light")
    expect(trainer.locator(".elan-metrics-progress li").first).to_contain_text(
        Translator("fr")("metrics.answered_row", n=3), timeout=WAIT
    )

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
    expect(trainer.locator('.elan-metrics-reason[data-column="FCR"]')).to_contain_text(
        spec["answer"]["reasons"]["quality"]["FCR"][:40]
    )
    screenshot(trainer, "metrics-projector.png", guide=True)

    # Show results: each phone gets its score, the reference and the reasons of its differences.
    trainer.locator(f'button:has-text("{CORE["reveal"]}")').click()
    for name, page in phones.items():
        expected_score = score(SENT[name], spec["reference"])["score"]
        expect(page.locator(".score")).to_have_text(CORE["your_score"].format(score=expected_score), timeout=WAIT)
    ben = phones["Ben"]  # still on "quality": CSAT missed, AHT extra (the reference puts it under speed)
    expect(ben.locator(".missed")).to_contain_text("CSAT")  # its label is its abbreviation in both languages
    expect(ben.locator("#activity")).to_contain_text(spec["answer"]["reasons"]["quality"]["CSAT"][:40])
    shown = {c["id"]: f"{c['name']} ({c['label']})" for c in spec["columns"]}
    expect(ben.locator("#activity")).to_contain_text(f"{shown['AHT']} → Rapidité")
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


def test_the_trainer_imports_an_export_in_minutes_with_a_contact_count(elan_server, contexts, tmp_path):
    """A French export: semicolons, decimal commas, day-first dates, handle time in minutes, a contact count,
    no resolution date and one bad row. The lab shows AHT in minutes, FCR with its definition, and "—" with
    the reason for the backlog."""
    lines = ["N° de ticket;Date de création;Canal;DMT (min);Nb contacts;Satisfaction"]
    for i in range(1, 61):
        lines.append(
            f"T{i:03d};{1 + i % 28:02d}/03/2024 {8 + i % 9:02d}:30;{'chat' if i % 3 else 'téléphone'};"
            f"{8 + i % 5},{i % 10};{1 + (i % 4 == 0)};{1 + i % 5}"
        )
    lines[30] = "T030;le 30 mars;chat;9,5;1;4"  # line 31
    path = tmp_path / "export-tickets.csv"
    path.write_bytes(("\n".join(lines) + "\n").encode("cp1252"))
    expected = import_tickets(path)
    aht, fcr = formulas.aht(expected.tickets), formulas.fcr(expected.tickets)

    code = elan_server.create_session("metrics", "fr")
    trainer = contexts(viewport={"width": 1280, "height": 720}).new_page()
    trainer.goto(f"{elan_server.url}/voila/render/metrics/trainer.ipynb?key={elan_server.key}&code={code}&lang=fr")
    expect(trainer.locator(".elan-code")).to_have_text(code, timeout=KERNEL_WAIT)
    for _ in range(3):
        trainer.locator(f'button[title="{CORE["next"]}"]').click()
    lab = trainer.locator(".elan-metrics-lab")
    expect(lab.locator(".elan-metrics-summary")).to_be_visible(timeout=WAIT)

    # The upload button opens the browser's file chooser, as it does for the trainer.
    with trainer.expect_file_chooser(timeout=WAIT) as chooser:
        lab.locator(".elan-upload-button").click()
    chooser.value.set_files(str(path))
    preview = lab.locator(".elan-metrics-preview")
    expect(preview).to_be_visible(timeout=WAIT)
    unit_note = METRICS["unit_source_header"].format(unit=METRICS["unit_minutes"])
    expect(preview.locator('tr[data-field="handle_seconds"]')).to_contain_text(unit_note)
    lab.locator(f'button:has-text("{METRICS["apply_mapping"]}")').click()

    summary = lab.locator(".elan-metrics-summary")
    expect(lab.locator(".elan-metrics-source")).to_contain_text(METRICS["own_data"], timeout=WAIT)
    minutes = f"{aht.value / 60:.1f}".replace(".", ",")
    expect(summary.locator('tr[data-metric="AHT"] .elan-metrics-value')).to_have_text(f"{minutes}\u00a0min")
    expect(summary.locator('tr[data-metric="FCR"] .elan-metrics-value')).to_have_text(
        f"{fcr.value:.1f}".replace(".", ",") + "\u00a0%"
    )
    expect(summary.locator('tr[data-metric="FCR"]')).to_contain_text(METRICS["fcr_method_contacts"])
    backlog = summary.locator('tr[data-metric="BACKLOG"]')
    expect(backlog.locator(".elan-metrics-value")).to_have_text(METRICS["no_value"])
    expect(backlog).to_contain_text(METRICS["reason_missing_backlog"])
    skipped = lab.locator(".elan-metrics-skipped")
    expect(skipped.locator('li[data-line="31"]')).to_contain_text("le 30 mars")
    expect(skipped.locator("a.elan-metrics-download")).to_have_attribute("download", METRICS["skipped_filename"])
    skipped.scroll_into_view_if_needed()
    screenshot(trainer, "metrics-lab-import-skipped.png")
    summary.scroll_into_view_if_needed()
    screenshot(trainer, "metrics-lab-import.png")
    for size in ({"width": 1920, "height": 1080},):
        trainer.set_viewport_size(size)
        screenshot(trainer, "metrics-lab-import-1080.png")


def test_each_phone_reads_the_matching_in_its_own_language_whatever_the_sessions(elan_server, contexts):
    from tests.test_language_browser import ApiDash
    from widgets import content
    from widgets.workshops.metrics import dashboard as ws

    for session_lang, phones in (("fr-CA", (("en", "en-GB"),)), ("en", (("fr", "fr-FR"), ("fr-CA", "fr-CA")))):
        code = elan_server.create_session("metrics", session_lang)
        spec = ws.values_spec(ApiDash(elan_server, code, session_lang))
        elan_server.trainer(code, "open", spec=spec)
        for lang, locale in phones:
            page = contexts(phone=True, locale=locale).new_page()
            join(page, elan_server, code)
            first = spec["rows"][0]
            expect(page.locator("h2.row-title")).to_have_text(content.text(first["label"], lang), timeout=WAIT)
            aht = next(c for c in spec["columns"] if c["id"] == "AHT")
            button = page.locator('button[data-column="AHT"]')
            expect(button.locator(".name")).to_have_text(content.text(aht["name"], lang))
            expect(button.locator(".abbr")).to_have_text(content.text(aht["label"], lang))
            other = "fr" if lang == "en" else "en"
            assert content.text(aht["name"], other) not in page.locator("#activity").inner_text()
            # Once revealed, the reasons come in the phone's language too.
            reference = spec["reference"][first["id"]]
            page.locator(f'button[data-column="{reference[0]}"]').click()
            expect(page.locator(f'button[data-column="{reference[0]}"]')).to_have_attribute(
                "aria-pressed", "true", timeout=WAIT
            )
            elan_server.trainer(code, "reveal", activity=spec["id"])
            if len(reference) > 1:
                missed = reference[1]
                reason = spec["answer"]["reasons"][first["id"]][missed]
                expect(page.locator("#activity li.feedback").first).to_have_text(
                    content.text(reason, lang), timeout=WAIT
                )
            elan_server.trainer(code, "reveal", activity=spec["id"], revealed=False)
            elan_server.trainer(code, "input", open=True)  # a reveal closed answers: the next phone answers
            screenshot(page, f"metrics-phone-{lang}-in-{session_lang}.png")


def test_a_50_mb_export_goes_up_in_chunks_with_progress_and_its_figures_are_shown(elan_server, contexts, tmp_path):
    """Past the widget's ~10 MB message the file used to vanish; now it is sent to the server in parts."""
    n = 1_200_000
    rng = np.random.default_rng(50)
    created = pd.Timestamp("2024-01-01") + pd.to_timedelta(np.sort(rng.integers(0, 90 * 86400, n)), unit="s")
    frame = pd.DataFrame(
        {
            "ticket_id": np.arange(n),
            "customer_id": rng.integers(0, 50_000, n),
            "created_at": created.strftime("%Y-%m-%d %H:%M:%S"),
            "handle_seconds": rng.integers(60, 1800, n),
            "csat": rng.integers(1, 6, n),
            "channel": rng.choice(["email", "chat", "phone"], n),
        }
    )
    path = tmp_path / "export-50mb.csv"
    frame.to_csv(path, index=False)
    assert path.stat().st_size > 50 * 1024 * 1024
    csat = (frame["csat"] >= 4).mean() * 100  # plain pandas, not the kit

    code = elan_server.create_session("metrics", "en")
    trainer = contexts(viewport={"width": 1280, "height": 720}).new_page()
    trainer.goto(f"{elan_server.url}/voila/render/metrics/trainer.ipynb?key={elan_server.key}&code={code}&lang=en")
    expect(trainer.locator(".elan-code")).to_have_text(code, timeout=KERNEL_WAIT)
    for _ in range(3):
        trainer.locator(f'button[title="{Translator("en")("core.next")}"]').click()
    lab = trainer.locator(".elan-metrics-lab")
    # The lab computes the sample's figures when its step opens: slow on a loaded machine.
    expect(lab.locator(".elan-metrics-summary")).to_be_visible(timeout=KERNEL_WAIT)
    # Every status the page shows while sending, to see the progress move.
    trainer.evaluate(
        """() => { window.__statuses = [];
        new MutationObserver(() => { const s = document.querySelector('.elan-upload-status');
          if (s) window.__statuses.push(s.textContent); })
        .observe(document.body, { subtree: true, childList: true, characterData: true }); }"""
    )
    with trainer.expect_file_chooser(timeout=WAIT) as chooser:
        lab.locator(".elan-upload-button").click()
    chooser.value.set_files(str(path))
    expect(lab.locator(".elan-upload progress")).to_be_visible(timeout=WAIT)
    screenshot(trainer, "metrics-lab-upload-progress.png")
    t = Translator("en")
    expect(lab.locator(".elan-metrics-preview")).to_be_visible(timeout=KERNEL_WAIT)
    statuses = trainer.evaluate("window.__statuses")
    percents = {s for s in statuses if s.startswith("Sending export-50mb.csv")}
    assert len(percents) >= 10, statuses[:5]  # the progress moved, chunk by chunk
    lab.locator(f'button:has-text("{t("metrics.apply_mapping")}")').click()
    expect(lab.locator(".elan-metrics-source")).to_contain_text(t("metrics.own_data"), timeout=KERNEL_WAIT)
    expect(lab.locator(".elan-metrics-source")).to_contain_text(f"{n:,}")
    value = lab.locator('tr[data-metric="CSAT"] .elan-metrics-value')
    expect(value).to_have_text(f"{csat:.1f}\u00a0%")
    screenshot(trainer, "metrics-lab-upload-done.png")


def test_a_file_over_the_public_limit_is_refused_with_a_message(elan_server, contexts, tmp_path):
    from widgets.web import upload

    path = tmp_path / "too-big.csv"
    with open(path, "wb") as out:
        out.write(b"id,created\n")
        out.truncate(upload.PUBLIC_MAX + 1024)
    page = contexts(viewport={"width": 1280, "height": 720}).new_page()
    page.goto(f"{elan_server.url}/voila/render/metrics/solo.ipynb?lang=en")
    # A public self-paced page, no trainer: the smaller limit applies.
    page.get_by_role("tab", name=Translator("en")("metrics.phase_lab")).click(timeout=KERNEL_WAIT)
    upload_button = page.locator(".elan-upload-button")
    expect(upload_button).to_be_visible(timeout=WAIT)
    with page.expect_file_chooser(timeout=WAIT) as chooser:
        upload_button.click()
    chooser.value.set_files(str(path))
    limit = f"{upload.PUBLIC_MAX / upload.MIB:.1f} MB"
    expect(page.locator(".elan-upload-status")).to_contain_text(limit, timeout=WAIT)
    expect(page.locator(".elan-metrics-lab .elan-error")).to_contain_text(limit, timeout=WAIT)
    expect(page.locator(".elan-upload progress")).to_be_hidden()  # no bar left running
    screenshot(page, "metrics-lab-upload-refused.png")
    # An image renamed .csv: sent, then one sentence from the lab, and no progress bar left running.
    image = tmp_path / "export.csv"
    image.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 64)
    with page.expect_file_chooser(timeout=WAIT) as chooser:
        upload_button.click()
    chooser.value.set_files(str(image))
    expect(page.locator(".elan-metrics-lab .elan-error")).to_contain_text("PNG image", timeout=KERNEL_WAIT)
    expect(page.locator(".elan-metrics-progress-bar")).to_be_hidden()
    expect(page.locator(".elan-upload-status")).to_have_text(Translator("en")("metrics.upload_not_read"))
    expect(page.locator(".elan-metrics-source")).to_contain_text(Translator("en")("metrics.sample_data"))
    screenshot(page, "metrics-lab-not-a-table.png")
