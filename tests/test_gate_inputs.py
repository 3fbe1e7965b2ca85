"""Bad input always answers (a 4xx within a second), codes are throttled wherever they are taken,
and the small findings of the gate's review: U+061C, signatures of 5,000 points, the exact join limit,
no names on a closed session's stage.
"""

from __future__ import annotations

import json
import random
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.fixtures_server import _running
from tests.test_gate import raw
from widgets.core.text import clean_text
from widgets.live.engine import Engine

BAD = [
    "/elan/api/s/ZZZZZZ/stage?lang=%FF",
    "/join?lang=%FF",
    "/join/ABCDEF?lang=%C3",
    "/stage/ABCDEF?lang=%FF%FE",
    "/voila/render/index.ipynb?lang=%FF",
    "/voila/render/values/solo.ipynb?x=%00",
    "/voila/render/%00",
    "/voila/render/index.ipynb%00",
    "/elan/static/%00",
    "/voila/files/%00.png",
    "/voila/static/%FF",
    "/elan/api/strings/fr?%FF=1",
    "/voila/templates/elan/static/%2f",
    "/voila/templates/elan/static/..%2f..%2fconf.json",
    "/voila/templates/elan%2fstatic%2fx",
    "/voila/templates/%2fetc%2fpasswd",
    "/guide/fr/%00",
    "/privacy/%FF",
]


@pytest.fixture(scope="module")
def limited(request, tmp_path_factory):
    yield from _running(
        request,
        tmp_path_factory,
        "elan-limited",
        env={"ELAN_FAILED_CODES_PER_MINUTE": "6", "ELAN_JOINS_PER_MINUTE": "30"},
    )


def test_bad_input_gets_a_4xx_within_a_second(elan_server):
    for path in BAD:
        status, _ = raw(elan_server, path, timeout=1)
        assert 400 <= status < 500, (path, status)
    # /logout with no sign-in: back to the landing page, not a 500.
    assert elan_server.get("/logout", allow_redirects=False, timeout=1).status_code == 303
    code = elan_server.create_session(workshop="day")
    r = elan_server.api(
        "POST", f"s/{code}/day/moderate", json={"activity": ["x"], "key": "a"}, headers=elan_server.trainer_headers
    )
    assert r.status_code == 422 and r.json()["field"] == "activity", r.text


def test_unknown_codes_are_throttled_on_every_endpoint_that_takes_one(limited):
    good = limited.create_session()
    unknown = iter(f"Q{n:05d}" for n in range(100))
    endpoints = [
        "/stage/{}",
        "/elan/api/s/{}/stage",
        "/elan/qr/{}.svg",
        "/elan/api/s/{}/state",
        "/remote/{}",
        "/elan/api/s/{}/remote",
    ]
    statuses = [raw(limited, endpoints[n % len(endpoints)].format(next(unknown)), timeout=5)[0] for n in range(6)]
    assert statuses == [404] * 6, statuses
    # The address is past its limit: refused everywhere now, even with a real code.
    for endpoint in endpoints + ["/join/{}"]:
        status, _ = raw(limited, endpoint.format(good), timeout=5)
        assert status == 429, (endpoint, status)


def test_the_join_limit_per_address_is_exact(elan_server, tmp_path_factory, request):
    server = next(_running(request, tmp_path_factory, "elan-joins", env={"ELAN_JOINS_PER_MINUTE": "30"}))
    try:
        code = server.create_session()

        def join(n):
            return server.api("POST", "join", json={"code": code, "name": f"P{n}"}).status_code

        with ThreadPoolExecutor(max_workers=12) as pool:
            statuses = list(pool.map(join, range(45)))
        assert statuses.count(200) == 30, statuses
    finally:
        server.stop()


def test_a_signature_of_five_thousand_points_is_taken_and_one_more_is_refused(elan_server):
    code = elan_server.create_session(workshop="day")
    spec = {
        "kind": "signin",
        "id": "signin-d1-am",
        "halfday": {"id": "d1-am", "date": "2026-12-08", "start": "09:00", "end": "12:30"},
    }
    elan_server.trainer(code, "open", spec=spec)
    token = elan_server.join(code, "Zoé")["token"]
    rng = random.Random(7)
    strokes = [[[round(rng.random(), 3), round(rng.random(), 3)] for _ in range(100)] for _ in range(50)]
    assert len(json.dumps(strokes)) > 16 * 1024  # past the general body limit, within the submission's
    r = elan_server.submit(code, token, "signin-d1-am", {"name": "Zoé Duval", "strokes": strokes})
    assert r.status_code == 200, r.text
    r = elan_server.submit(code, token, "signin-d1-am", {"name": "Zoé Duval", "strokes": strokes + [[[0.5, 0.5]]]})
    assert r.status_code == 422 and r.json()["field"] == "signature", r.text


def test_the_arabic_letter_mark_goes_with_the_other_direction_controls():
    assert clean_text("Zo\u061ce\u202e", 40) == "Zoe"


def test_a_closed_session_s_stage_shows_no_author(sqlite_engine: Engine):
    eng = sqlite_engine
    trainer = eng.authenticate(eng.settings.trainer_key)
    code = eng.create_session(trainer, "values", "fr")["code"]
    eng.open_activity(trainer, code, {"kind": "ideas", "id": "cards", "prompt": "Un mot ?"})
    _, token = eng.join(code, name="Zoé")
    eng.submit(code, token, "cards", {"text": "Écouter"})
    eng.set_option(trainer, code, "show_names", True)
    eng.reveal(trainer, code, "cards")
    named = eng.stage_view(code)["view"]["results"]["cards"]
    assert named and named[0].get("author") == "Zoé"
    eng.close_session(trainer, code)
    closed = eng.stage_view(code)["view"]["results"]["cards"]
    assert closed and all(not card.get("author") and not card.get("name") for card in closed)
