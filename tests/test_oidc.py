"""Trainers sign in through a real OpenID Connect provider (tests/fixtures_oidc.py) and a real ``elan serve``.

Each test walks the browser's way with requests: the kit's login, the provider's
authorization form, back to the kit's callback, then the kit's pages with the cookie it set.
"""

from __future__ import annotations

import secrets
import subprocess
import time
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import flask
import pytest
import requests
from joserfc import jwt
from joserfc.jwk import RSAKey

from tests.fixtures_oidc import CLIENT_ID, TRAINER_PAGE
from tests.fixtures_server import ELAN, ElanServer


def client() -> requests.Session:
    http = requests.Session()
    http.trust_env = False
    return http


def to_provider(server: ElanServer, http: requests.Session, lang: str = "fr") -> str:
    """The kit's login: the address of the provider's authorization form it sends the browser to."""
    r = http.get(
        server.url + "/elan/oidc/login",
        params={"next": TRAINER_PAGE},
        headers={"Accept-Language": lang},
        allow_redirects=False,
        timeout=10,
    )
    assert r.status_code == 303, r.text
    assert r.headers["Cache-Control"] == "no-store"
    return r.headers["Location"]


def authorize(http: requests.Session, url: str, sub: str) -> str:
    """The person at the provider's form (picks ``sub``): the kit's callback address it sends back."""
    assert http.get(url, timeout=10).status_code == 200
    r = http.post(url, data={"sub": sub}, allow_redirects=False, timeout=10)
    assert r.status_code == 302, r.text
    return r.headers["Location"]


def sign_in(server: ElanServer, sub: str, lang: str = "fr") -> tuple[requests.Session, requests.Response]:
    http = client()
    callback = authorize(http, to_provider(server, http, lang), sub)
    return http, http.get(callback, headers={"Accept-Language": lang}, allow_redirects=False, timeout=30)


def test_mapped_trainer_reaches_a_trainer_page(oidc_server, provider):
    http = client()
    url = to_provider(oidc_server, http)
    query = parse_qs(urlsplit(url).query)
    assert url.startswith(provider.url + "/oauth2/authorize?")
    assert query["response_type"] == ["code"] and query["client_id"] == [CLIENT_ID]
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) == 43
    assert query["redirect_uri"] == [oidc_server.url + "/elan/oidc/callback"]
    assert len(query["state"][0]) >= 32 and len(query["nonce"][0]) >= 32
    # Before signing in, the trainer page sends the browser to the kit's sign-in, to come back to it.
    r = http.get(oidc_server.url + TRAINER_PAGE + "?lang=en", allow_redirects=False, timeout=30)
    assert r.status_code == 303 and r.headers["Cache-Control"] == "no-store"
    assert r.headers["Location"] == "/elan/oidc/login?" + urlencode({"next": TRAINER_PAGE + "?lang=en"})

    r = http.get(authorize(http, url, "ana"), allow_redirects=False, timeout=30)
    assert r.status_code == 200, r.text
    assert TRAINER_PAGE in r.text  # the page that moves on to where the trainer was going
    cookie = r.headers["Set-Cookie"]
    assert "elan_trainer=elan-s1." in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    # The token request carried the verifier of the challenge (the wrapped provider checked it).
    assert provider.token_requests[-1]["code_verifier"][0]

    sessions = http.get(oidc_server.url + "/elan/api/sessions", timeout=10)
    assert sessions.status_code == 200, sessions.text
    page = http.get(oidc_server.url + TRAINER_PAGE, timeout=90)
    assert page.status_code == 200


def test_trainer_owns_their_sessions_and_admin_sees_all(oidc_server):
    ana, r = sign_in(oidc_server, "ana")
    assert r.status_code == 200
    boss, r = sign_in(oidc_server, "boss")
    assert r.status_code == 200
    # A session made with the shared key is not Ana's; the administrator sees it.
    code = oidc_server.create_session()

    def codes(http):
        r = http.get(oidc_server.url + "/elan/api/sessions", timeout=10)
        assert r.status_code == 200, r.text
        return {s["code"] for s in r.json()["sessions"]}

    assert code not in codes(ana)
    assert code in codes(boss)


def test_refused_without_the_claim_in_french_and_english(oidc_server):
    for sub in ("carl", "dina"):  # groups without the values; no groups claim at all
        http, r = sign_in(oidc_server, sub, "fr")
        assert r.status_code == 403
        assert "Connexion refusée" in r.text and "groups" in r.text
        assert "elan_trainer" not in r.headers.get("Set-Cookie", "")
        assert http.get(oidc_server.url + "/elan/api/sessions", timeout=10).status_code == 403
    http, r = sign_in(oidc_server, "carl", "en")
    assert r.status_code == 403 and "Sign-in refused" in r.text and "Traceback" not in r.text


def test_state_tampering_and_another_browser_are_refused(oidc_server):
    http = client()
    callback = authorize(http, to_provider(oidc_server, http), "ana")
    parts = urlsplit(callback)
    query = parse_qs(parts.query)
    query["state"] = [query["state"][0][:-2] + ("AA" if not query["state"][0].endswith("AA") else "BB")]
    tampered = urlunsplit(parts._replace(query=urlencode(query, doseq=True)))
    r = http.get(tampered, headers={"Accept-Language": "en"}, allow_redirects=False, timeout=30)
    assert r.status_code == 400 and "Sign in again" in r.text
    assert "elan_trainer" not in r.headers.get("Set-Cookie", "")
    # The flow cookie is spent by the first visit: the right address afterwards is refused too.
    assert http.get(callback, allow_redirects=False, timeout=30).status_code == 400
    # A callback address carried to another browser (a login made to sign a victim in) is refused.
    http = client()
    callback = authorize(http, to_provider(oidc_server, http), "ana")
    r = client().get(callback, allow_redirects=False, timeout=30)
    assert r.status_code == 400 and "elan_trainer" not in r.headers.get("Set-Cookie", "")


def test_logout_closes_the_sign_in_and_ends_the_provider_session(oidc_server, provider):
    http, r = sign_in(oidc_server, "ana")
    assert r.status_code == 200
    cookie = http.cookies.get("elan_trainer")
    assert cookie
    r = http.get(oidc_server.url + "/elan/oidc/logout", allow_redirects=False, timeout=10)
    assert r.status_code == 303
    end = urlsplit(r.headers["Location"])
    assert f"{end.scheme}://{end.netloc}{end.path}" == provider.url + "/oauth2/end_session"
    assert parse_qs(end.query)["post_logout_redirect_uri"] == [oidc_server.url + "/voila/render/index.ipynb"]
    # The old cookie's value is worth nothing any more, even sent again by hand.
    again = client()
    again.cookies.set("elan_trainer", cookie)
    assert again.get(oidc_server.url + "/elan/api/sessions", timeout=10).status_code == 403


def test_login_goes_back_only_to_the_kit(oidc_server):
    for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
        http = client()
        r = http.get(oidc_server.url + "/elan/oidc/login", params={"next": target}, allow_redirects=False, timeout=10)
        callback = authorize(http, r.headers["Location"], "ana")
        page = http.get(callback, allow_redirects=False, timeout=30)
        assert page.status_code == 200 and "evil.example" not in page.text


def test_without_a_provider_the_routes_do_not_exist(elan_server):
    for path in ("/elan/oidc/login", "/elan/oidc/callback?code=x&state=y", "/elan/oidc/logout"):
        assert elan_server.get(path, allow_redirects=False).status_code == 404


def test_a_kit_account_of_the_same_name_is_never_taken_over(oidc_server, provider):
    name = "eve@example.org"
    added = subprocess.run(
        [str(ELAN), "trainer", "add", name, "--data-dir", str(oidc_server.data_dir), "--password", "kit-password-1"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert added.returncode == 0, added.stderr
    claims = {"email": name, "groups": ["elan-admins"]}
    assert requests.put(f"{provider.url}/users/eve", json=claims, timeout=10).status_code == 204
    http, r = sign_in(oidc_server, "eve", "en")
    assert r.status_code == 403 and name in r.text and "take it over" in r.text
    assert http.get(oidc_server.url + "/elan/api/sessions", timeout=10).status_code == 403
    # The kit account still opens with its own key, and is no administrator.
    key = {"X-Elan-Key": f"{name}:kit-password-1"}
    code = oidc_server.create_session()
    r = oidc_server.api("GET", "sessions", headers=key)
    assert r.status_code == 200 and code not in {s["code"] for s in r.json()["sessions"]}


def test_an_account_the_provider_made_opens_with_no_key_and_follows_the_claim(oidc_server, provider):
    claims = {"email": "fay@example.org", "groups": ["elan-admins"]}
    assert requests.put(f"{provider.url}/users/fay", json=claims, timeout=10).status_code == 204
    http, r = sign_in(oidc_server, "fay")
    assert r.status_code == 200
    code = oidc_server.create_session()
    sessions = lambda http: {
        s["code"] for s in http.get(oidc_server.url + "/elan/api/sessions", timeout=10).json()["sessions"]
    }
    assert code in sessions(http)
    # Out of the admin group at the provider: the next sign-in is a trainer's, who sees only their own.
    claims["groups"] = ["elan-trainers"]
    assert requests.put(f"{provider.url}/users/fay", json=claims, timeout=10).status_code == 204
    http, r = sign_in(oidc_server, "fay")
    assert r.status_code == 200 and code not in sessions(http)
    # The account has no secret that a key could match (the marker is not a hash).
    for guess in ("oidc$", "", "x" * 12):
        r = oidc_server.api("GET", "sessions", headers={"X-Elan-Key": f"fay@example.org:{guess}"})
        assert r.status_code in (403, 429)


SOLO_PAGE = "/voila/render/values/solo.ipynb"


@pytest.fixture(scope="module")
def learners_server(request, provider, oidc_server, tmp_path_factory):
    """A server whose self-paced lessons need a sign-in, which the provider gives learners too."""
    env = {
        **oidc_server._env,
        "ELAN_SOLO_ACCESS": "sign-in",
        "ELAN_OIDC_LEARNERS": "True",
    }
    server = ElanServer(tmp_path_factory.mktemp("elan-oidc-learners"), env=env).start()
    yield server
    server.stop()


def test_learners_sign_in_for_the_self_paced_lessons_and_nothing_more(learners_server):
    http = client()
    r = http.get(learners_server.url + SOLO_PAGE, allow_redirects=False, timeout=30)
    assert r.status_code == 303 and r.headers["Location"] == "/elan/oidc/login?" + urlencode({"next": SOLO_PAGE})
    r = http.get(learners_server.url + r.headers["Location"], allow_redirects=False, timeout=10)
    callback = authorize(http, r.headers["Location"], "carl")  # no trainer claim
    r = http.get(callback, allow_redirects=False, timeout=30)
    assert r.status_code == 200 and SOLO_PAGE in r.text
    assert "elan_learner" in http.cookies and "elan_trainer" not in http.cookies
    assert http.get(learners_server.url + SOLO_PAGE, allow_redirects=False, timeout=90).status_code == 200
    # A learner is no trainer: the trainer page sends them to sign in, the API refuses them.
    assert http.get(learners_server.url + TRAINER_PAGE, allow_redirects=False, timeout=30).status_code == 303
    assert http.get(learners_server.url + "/elan/api/sessions", timeout=10).status_code == 403
    # A pass made up, or altered, opens nothing.
    good = http.cookies["elan_learner"]
    for forged in ("elan-l1.9999999999.x.y", good[:-1] + ("0" if good[-1] != "0" else "1")):
        other = client()
        other.cookies.set("elan_learner", forged)
        assert other.get(learners_server.url + SOLO_PAGE, allow_redirects=False, timeout=30).status_code == 303


def logout_token(provider, key=None, **claims) -> str:
    """A back-channel logout token as the provider sends one, signed with its own key.

    ``oidc-provider-mock`` has no back-channel logout: the test sends the provider's message,
    signed with the key the provider publishes at its jwks_uri (read from the running provider).
    """
    if key is None:
        with provider.app.test_request_context("/"):
            provider.app.preprocess_request()
            key = RSAKey.import_key(flask.g.oidc_provider_mock_storage.jwk.as_dict(is_private=True))
    body = {
        "iss": provider.url,
        "aud": CLIENT_ID,
        "iat": int(time.time()),
        "jti": secrets.token_hex(8),
        "events": {"http://schemas.openid.net/event/backchannel-logout": {}},
        **claims,
    }
    header = {"alg": "RS256", "typ": "logout+jwt", **({"kid": key.kid} if key.kid else {})}
    return jwt.encode(header, {k: v for k, v in body.items() if v is not None}, key)


def test_back_channel_logout_closes_every_sign_in_of_that_person(oidc_server, provider):
    first, _ = sign_in(oidc_server, "ana")
    second, _ = sign_in(oidc_server, "ana")
    other, _ = sign_in(oidc_server, "boss")
    url = oidc_server.url + "/elan/oidc/backchannel-logout"

    def open_(http):
        return http.get(oidc_server.url + "/elan/api/sessions", timeout=10).status_code == 200

    assert open_(first) and open_(second) and open_(other)
    stranger = RSAKey.generate_key(2048)
    refused = [
        logout_token(provider, stranger, sub="ana"),  # not the provider's key
        logout_token(provider, sub="ana", aud="another-client"),
        logout_token(provider, sub="ana", nonce="n"),  # an ID token's shape, not a logout token's
        logout_token(provider, sub="ana", events=None),
        logout_token(provider, sub="ana", iss="http://localhost:1"),
        "not-a-token",
    ]
    for token in refused:
        r = client().post(url, data={"logout_token": token}, timeout=10)
        assert r.status_code == 400, token
    assert open_(first) and open_(second)

    r = client().post(url, data={"logout_token": logout_token(provider, sub="ana")}, timeout=10)
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
    assert not open_(first) and not open_(second)
    assert open_(other)  # someone else's sign-in stays
    # Ana signs in again afterwards as usual.
    again, r = sign_in(oidc_server, "ana")
    assert r.status_code == 200 and open_(again)
