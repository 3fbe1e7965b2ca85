"""A real OpenID Connect provider (``oidc-provider-mock``) on a free loopback port, and an
``elan serve`` set to sign trainers in through it.

The provider is wrapped so that it enforces PKCE (the package accepts any verifier): a token
request whose ``code_verifier`` does not hash to a challenge it was given is refused. It
listens on ``localhost`` and the kit on ``127.0.0.1``: two sites, as a real provider and the
kit are, so the browser's SameSite rules apply on the way back.

Its users: ``ana`` (trainer), ``boss`` (administrator), ``carl`` (groups without the values),
``dina`` (no groups claim).
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import threading
from urllib.parse import parse_qs

import pytest
import requests
import werkzeug.serving
from oidc_provider_mock import app as provider_app

from tests.fixtures_server import ElanServer, free_port

CLIENT_ID = "elan-test"
TRAINER_PAGE = "/voila/render/values/trainer.ipynb"


class PkceEnforced:
    """WSGI wrapper: the authorization request's S256 challenges, checked at the token endpoint."""

    def __init__(self, app):
        self.app = app
        self.challenges: set[str] = set()
        self.authorize_queries: list[dict] = []
        self.token_requests: list[dict] = []

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path == "/oauth2/authorize" and environ["REQUEST_METHOD"] == "GET":
            query = parse_qs(environ.get("QUERY_STRING", ""))
            self.authorize_queries.append(query)
            if query.get("code_challenge_method") == ["S256"]:
                self.challenges.add(query["code_challenge"][0])
        if path == "/oauth2/token":
            body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
            environ["wsgi.input"] = io.BytesIO(body)
            form = parse_qs(body.decode())
            self.token_requests.append(form)
            verifier = form.get("code_verifier", [""])[0]
            challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
            if challenge not in self.challenges:
                start_response("400 Bad Request", [("Content-Type", "application/json")])
                return [json.dumps({"error": "invalid_grant", "error_description": "PKCE"}).encode()]
            self.challenges.discard(challenge)
        return self.app(environ, start_response)


@pytest.fixture(scope="module")
def provider():
    wrapped = PkceEnforced(provider_app(require_nonce=True))
    server = werkzeug.serving.make_server("localhost", free_port(), wrapped, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    wrapped.url = f"http://localhost:{server.server_port}"
    users = {
        "ana": {"email": "ana@example.org", "groups": ["staff", "elan-trainers"]},
        "boss": {"email": "boss@example.org", "groups": ["elan-admins"]},
        "carl": {"email": "carl@example.org", "groups": ["staff"]},
        "dina": {"email": "dina@example.org"},
    }
    for sub, claims in users.items():
        r = requests.put(f"{wrapped.url}/users/{sub}", json=claims, timeout=10)
        assert r.status_code == 204, r.text
    yield wrapped
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def oidc_server(request, provider, tmp_path_factory):
    env = {
        "ELAN_OIDC_ISSUER": provider.url,
        "ELAN_OIDC_CLIENT_ID": CLIENT_ID,
        "ELAN_OIDC_CLIENT_SECRET": "test-secret",
        "ELAN_OIDC_CLAIM": "groups",
        "ELAN_OIDC_TRAINER_VALUES": "elan-trainers",
        "ELAN_OIDC_ADMIN_VALUES": "elan-admins",
    }
    server = ElanServer(tmp_path_factory.mktemp("elan-oidc"), env=env).start()
    failed_before = request.session.testsfailed
    yield server
    server.stop()
    if request.session.testsfailed > failed_before:
        print(server.log())
