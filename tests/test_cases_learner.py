"""A learner's progress follows the learner (a personal link or code), not the kernel: one row in the cohort."""

from __future__ import annotations

import json
import textwrap
from urllib.parse import parse_qs, urlsplit

import pytest
from jupyter_client.manager import start_new_kernel

from widgets.core.settings import Settings
from widgets.live.engine import Engine
from widgets.live.exercises import casebook
from widgets.workshops.cases.solo import ACTIVITY, SoloCases, cohort_rows, create_cohort

PLAY = textwrap.dedent(
    """
    import json
    from widgets.core.settings import Settings
    from widgets.live.engine import Engine
    from widgets.live.exercises import casebook
    from widgets.workshops.cases.solo import SoloCases

    engine = Engine.from_settings(Settings(data_dir={data!r}))
    solo = SoloCases("fr", engine=engine, code={code!r}, demo=False, learner={learner!r})
    if not solo.token:
        solo.join("Awa")
    before = sorted(solo.plays)
    solo.start_case({case!r})
    solo.begin()
    while not solo.walked().done:
        step = casebook.step(solo.case, solo.walked().current)
        solo.answer(step["responses"][0]["id"])
        solo.go_on()
    print(json.dumps({{"link": solo.personal_link(), "before": before, "after": sorted(solo.plays),
                      "identity": solo.identity.children[0].value}}))
    """
)


def in_a_kernel(source: str) -> dict:
    """Run code in a kernel of its own (a Voilà page is one) and return what it printed as JSON."""
    manager, client = start_new_kernel(kernel_name="python3")
    printed: list[str] = []
    try:
        reply = client.execute_interactive(
            source,
            timeout=120,
            output_hook=lambda msg: (
                printed.append(msg["content"].get("text", "")) if msg["msg_type"] == "stream" else None
            ),
        )
        assert reply["content"]["status"] == "ok", reply["content"]
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    return json.loads("".join(printed).strip().splitlines()[-1])


@pytest.fixture
def cohort(tmp_path):
    settings = Settings(data_dir=str(tmp_path), trainer_key="lead-key")
    engine = Engine.from_settings(settings)
    return engine, create_cohort(engine, engine.authenticate("lead-key"), "fr"), str(tmp_path)


def test_one_learner_in_two_kernels_is_one_row(cohort):
    engine, code, data = cohort
    first, second = (c["id"] for c in casebook.load_cases()[:2])
    # Monday, on the office computer: the learner starts under a name and plays one case.
    monday = in_a_kernel(PLAY.format(data=data, code=code, learner=None, case=first))
    assert monday["before"] == [] and monday["after"] == [first]
    token = parse_qs(urlsplit(monday["link"]).query)["learner"][0]
    assert token in monday["identity"]  # the personal code is shown, with the link
    # Tuesday, on a phone: the personal link opens a new kernel, which finds the same learner.
    tuesday = in_a_kernel(PLAY.format(data=data, code=code, learner=token, case=second))
    assert tuesday["before"] == [first]  # Monday's case is known as played
    assert tuesday["after"] == sorted([first, second])
    rows = cohort_rows(engine.results(code, ACTIVITY))
    assert len(rows) == 1
    assert rows[0]["name"] == "Awa" and rows[0]["cases"] == 2 and rows[0]["plays"] == 2


def test_an_unknown_personal_code_is_refused_and_joins_nobody(cohort):
    engine, code, _ = cohort
    solo = SoloCases("en", engine=engine, code=code, demo=False)
    assert solo.resume("not-a-code-of-this-cohort") is False
    assert "not in this cohort" in solo.notice.value
    assert solo.token is None
    assert engine.counts(code)["joined"] == 0


def test_the_personal_code_typed_on_another_device_continues(cohort):
    engine, code, _ = cohort
    office = SoloCases("en", engine=engine, code=code, demo=False)
    office.join("Léo")
    case = casebook.load_cases()[0]
    office.start_case(case["id"])
    office.begin()
    while not office.walked().done:
        office.answer(casebook.step(case, office.walked().current)["responses"][0]["id"])
        office.go_on()
    phone = SoloCases("en", engine=engine, code=code, demo=False)
    phone.code_field.value = f"  {office.token} "
    next(b for b in phone.identity.children[2].children if hasattr(b, "click")).click()
    assert phone.token == office.token
    assert "Welcome back Léo: 1 cases already played." in phone.identity.children[0].value
    assert list(phone.plays) == [case["id"]]
    assert len(cohort_rows(engine.results(code, ACTIVITY))) == 1
