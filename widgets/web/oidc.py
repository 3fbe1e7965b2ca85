"""Trainers sign in with the organisation's identity provider (OpenID Connect).

``/elan/oidc/login`` sends the browser to the provider (authorization code with PKCE, a
random ``state`` and ``nonce``); ``/elan/oidc/callback`` checks the state against the one
this browser was given, exchanges the code with its verifier, checks the ID token's
signature, issuer, audience, expiry and nonce, maps its claims to a role
(``widgets.core.claims``) and opens the same server-side sign-in as the key and kit
accounts (``Context.sign_in``: an HttpOnly cookie holding a random id). Someone the
claims do not name is refused with a page saying so. ``/elan/oidc/logout`` closes the
sign-in and, when the provider has an ``end_session_endpoint``, ends the provider's too.

The provider's settings come from its discovery document, read once an hour.
"""

from __future__ import annotations

import base64
import hmac
import json
import logging
import secrets
import time
from urllib.parse import urlencode, urlsplit

import httpx
import jinja2
import tornado.web
from authlib.integrations.httpx_client import AsyncOAuth2Client
from authlib.oauth2 import OAuth2Error
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from widgets.core import learner_pass
from widgets.core.claims import RoleRules, display_name, split_values
from widgets.core.errors import Invalid
from widgets.core.i18n import Translator, pick_language
from widgets.live.provider_accounts import close_subject, provider_trainer, subject_marker
from widgets.web import api
from widgets.web.notebooks import LANDING

log = logging.getLogger("elan.oidc")
PAGES = jinja2.Environment(loader=jinja2.FileSystemLoader(api.TEMPLATES), autoescape=True)
#: The pages this module answers with hold no inline code and load nothing from elsewhere.
PAGE_CSP = (
    "default-src 'none'; style-src 'self'; script-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)
#: Between the way out to the provider and the way back: state, nonce, PKCE verifier, next page.
FLOW_COOKIE = "elan_oidc"
#: A sign-in at the provider must come back within this (then the person starts again).
FLOW_SECONDS = 600
DISCOVERY_SECONDS = 3600
TIMEOUT = httpx.Timeout(10.0)


class ProviderError(Exception):
    """The provider answered something the kit cannot use (or did not answer)."""


class Provider:
    """The provider's discovery document and keys, read when first needed and kept an hour."""

    def __init__(self, settings):
        self.settings = settings
        self._meta: tuple[float, dict] | None = None
        self._keys: KeySet | None = None

    @property
    def issuer(self) -> str:
        return self.settings.oidc_issuer.rstrip("/")

    async def _get_json(self, url: str) -> dict:
        async with httpx.AsyncClient(timeout=TIMEOUT, trust_env=False) as client:
            response = await client.get(url, headers={"Accept": "application/json"})
        response.raise_for_status()
        data = response.json()
        if not isinstance(data, dict):
            raise ProviderError(f"{url} did not answer a JSON object")
        return data

    async def metadata(self) -> dict:
        if self._meta is None or self._meta[0] < time.monotonic():
            meta = await self._get_json(self.issuer + "/.well-known/openid-configuration")
            # The document must be the configured issuer's own (OpenID Connect Discovery, 4.3).
            if meta.get("issuer", "").rstrip("/") != self.issuer:
                raise ProviderError(f"discovery names issuer {meta.get('issuer')!r}, not {self.issuer!r}")
            for field in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
                if not isinstance(meta.get(field), str):
                    raise ProviderError(f"discovery has no {field}")
            self._meta = (time.monotonic() + DISCOVERY_SECONDS, meta)
            self._keys = None
        return self._meta[1]

    async def keys(self, *, fresh: bool = False) -> KeySet:
        if self._keys is None or fresh:
            meta = await self.metadata()
            self._keys = KeySet.import_key_set(await self._get_json(meta["jwks_uri"]))
        return self._keys

    def client(self, redirect_uri: str) -> AsyncOAuth2Client:
        s = self.settings
        return AsyncOAuth2Client(
            client_id=s.oidc_client_id,
            client_secret=s.oidc_client_secret or None,
            scope=s.oidc_scopes,
            redirect_uri=redirect_uri,
            code_challenge_method="S256",
            timeout=TIMEOUT,
            trust_env=False,
        )

    async def signed(self, token: str):
        """A JWT whose signature is the provider's (never ``alg: none``), decoded."""
        meta = await self.metadata()
        algorithms = [a for a in meta.get("id_token_signing_alg_values_supported") or ["RS256"] if a != "none"]
        try:
            return jwt.decode(token, await self.keys(), algorithms=algorithms)
        except (JoseError, ValueError):
            # A key the provider has just rotated in: read its keys once more.
            return jwt.decode(token, await self.keys(fresh=True), algorithms=algorithms)

    async def id_claims(self, id_token: str, nonce: str) -> dict:
        """The ID token's claims once its signature, issuer, audience, times and nonce are checked."""
        meta = await self.metadata()
        token = await self.signed(id_token)
        registry = jwt.JWTClaimsRegistry(
            iss={"essential": True, "value": meta["issuer"]},
            sub={"essential": True},
            exp={"essential": True},
            nonce={"essential": True, "value": nonce},
            leeway=60,
        )
        registry.validate(token.claims)
        audience = token.claims.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if self.settings.oidc_client_id not in audiences:
            raise ProviderError("the ID token is not for this client")
        return dict(token.claims)

    async def logout_claims(self, logout_token: str) -> dict:
        """A back-channel logout token's claims, once checked (Back-Channel Logout 1.0, 2.6)."""
        if not logout_token:
            raise ProviderError("no logout_token")
        meta = await self.metadata()
        claims = (await self.signed(logout_token)).claims
        jwt.JWTClaimsRegistry(
            iss={"essential": True, "value": meta["issuer"]},
            sub={"essential": True},
            iat={"essential": True},
            leeway=60,
        ).validate(claims)
        audience = claims.get("aud")
        if self.settings.oidc_client_id not in (audience if isinstance(audience, list) else [audience]):
            raise ProviderError("the logout token is not for this client")
        events = claims.get("events")
        if not isinstance(events, dict) or LOGOUT_EVENT not in events or "nonce" in claims:
            raise ProviderError("not a logout token")
        return dict(claims)

    async def user_info(self, access_token: str, sub: str) -> dict:
        """The user info endpoint's claims (providers that keep groups out of the ID token), same subject only."""
        meta = await self.metadata()
        url = meta.get("userinfo_endpoint")
        if not url:
            return {}
        async with httpx.AsyncClient(timeout=TIMEOUT, trust_env=False) as client:
            response = await client.get(url, headers={"Authorization": f"Bearer {access_token}"})
        response.raise_for_status()
        info = response.json()
        return info if isinstance(info, dict) and info.get("sub") == sub else {}


def configured(settings) -> bool:
    """Whether trainers may sign in through a provider (an issuer and a client id are set)."""
    return bool(settings.oidc_issuer and settings.oidc_client_id)


def login_url(settings, back_to: str) -> str:
    """The kit's own sign-in address, coming back to ``back_to`` (a trainer page) once signed in."""
    return settings.base_url + "elan/oidc/login?" + urlencode({"next": back_to})


def rules(settings) -> RoleRules:
    return RoleRules(
        settings.oidc_claim,
        trainer=split_values(settings.oidc_trainer_values),
        admin=split_values(settings.oidc_admin_values),
    )


def local_target(value: str | None, base_url: str) -> str:
    """Where to go once signed in: a page of this kit only (never another site, ``//host`` or ``\\``).

    >>> local_target("/voila/render/values/trainer.ipynb?lang=en", "/")
    '/voila/render/values/trainer.ipynb?lang=en'
    >>> local_target("//evil.example/", "/")
    '/voila/render/index.ipynb'
    """
    landing = base_url + "voila/render/" + LANDING
    if not value or not value.startswith(base_url) or value.startswith("//") or "\\" in value:
        return landing
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or any(ord(c) < 32 for c in value):
        return landing
    return value


class OidcHandler(api.BaseHandler):
    """What the three pages share: the provider, the addresses, and the pages they answer."""

    def initialize(self, ctx, provider: Provider, takes_code: bool = False):
        super().initialize(ctx, takes_code)
        self.provider = provider

    def prepare(self):
        super().prepare()
        if not configured(self.ctx.settings):
            raise tornado.web.HTTPError(404)

    def check_xsrf_cookie(self):
        # The way back from the provider is checked by its state, a back-channel logout by its
        # signature; logging out grants nothing.
        return None

    def origin(self) -> str:
        return self.ctx.settings.public_url.rstrip("/")

    def redirect_uri(self) -> str:
        return self.origin() + self.ctx.settings.base_url + "elan/oidc/callback"

    def flow_path(self) -> str:
        return self.ctx.settings.base_url + "elan/oidc/"

    def page(self, template: str, status: int, title: str, text: str, **values) -> None:
        lang = pick_language(
            self.get_query_argument("lang", None),
            self.get_cookie("elan_lang"),
            self.request.headers.get("Accept-Language"),
            default=self.ctx.settings.language,
        )
        t = Translator(lang)
        self.set_status(status)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.set_header("Content-Security-Policy", PAGE_CSP)
        body = PAGES.get_template(template).render(
            lang=lang, title=t(title), text=t(text, **values), t=t, static=self.ctx.settings.base_url + "elan/static/"
        )
        self.finish(body)


class LoginHandler(OidcHandler):
    async def get(self):
        try:
            meta = await self.provider.metadata()
        except (httpx.HTTPError, ProviderError, ValueError) as exc:
            log.warning("identity provider unusable: %s", exc)
            self.page("notice.html", 502, "oidc.provider_error_title", "oidc.provider_error_text")
            return
        flow = {
            "state": secrets.token_urlsafe(24),
            "nonce": secrets.token_urlsafe(24),
            "verifier": secrets.token_urlsafe(48),  # PKCE (RFC 7636): 64 characters
            "next": local_target(self.get_query_argument("next", None), self.ctx.settings.base_url),
            "until": time.time() + FLOW_SECONDS,
        }
        async with self.provider.client(self.redirect_uri()) as client:
            url, _ = client.create_authorization_url(
                meta["authorization_endpoint"], state=flow["state"], code_verifier=flow["verifier"], nonce=flow["nonce"]
            )
        # Lax, not Strict: the way back is a navigation from the provider's site.
        self.set_cookie(
            FLOW_COOKIE,
            base64.urlsafe_b64encode(json.dumps(flow).encode()).decode(),
            path=self.flow_path(),
            httponly=True,
            samesite="Lax",
            secure=self.ctx.is_https(self.request),
            expires_days=FLOW_SECONDS / 86400,
        )
        self.set_header("Cache-Control", "no-store")
        self.redirect(url, status=303)


class CallbackHandler(OidcHandler):
    def flow(self) -> dict | None:
        raw = self.get_cookie(FLOW_COOKIE) or ""
        try:
            flow = json.loads(base64.urlsafe_b64decode(raw.encode()))
        except (ValueError, TypeError):
            return None
        fields = ("state", "nonce", "verifier", "next")
        if not isinstance(flow, dict) or not all(isinstance(flow.get(f), str) for f in fields):
            return None
        if not isinstance(flow.get("until"), float | int) or flow["until"] < time.time():
            return None
        return flow

    async def get(self):
        flow = self.flow()
        # Used once: a second visit to the same address (back button, a replay) starts again.
        self.clear_cookie(FLOW_COOKIE, path=self.flow_path())
        state = self.get_query_argument("state", "")
        if flow is None or not hmac.compare_digest(state.encode(), flow["state"].encode()):
            log.warning("sign-in refused: state missing or not this browser's")
            self.page("notice.html", 400, "oidc.state_title", "oidc.state_text")
            return
        if self.get_query_argument("error", None) is not None or not self.get_query_argument("code", ""):
            self.page("notice.html", 403, "oidc.denied_title", "oidc.denied_text")
            return
        try:
            claims = await self.claims(flow)
        except (httpx.HTTPError, OAuth2Error, JoseError, ProviderError, ValueError, KeyError) as exc:
            log.warning("sign-in through the identity provider failed: %s", exc)
            self.page("notice.html", 502, "oidc.provider_error_title", "oidc.provider_error_text")
            return
        settings = self.ctx.settings
        role = rules(settings).role(claims)
        if role is None and settings.oidc_learners and settings.solo_access == "sign-in":
            self.learner_pass()
            self.moving_on(flow["next"])
            return
        if role is None:
            log.info("sign-in refused: %r holds none of the trainer or admin values", claims.get("sub"))
            self.page("notice.html", 403, "oidc.refused_title", "oidc.refused_text", claim=settings.oidc_claim)
            return
        name = display_name(claims, settings.oidc_name_claim)
        try:
            marker = subject_marker(self.provider.issuer, claims["sub"])
            store = self.ctx.engine.store
            trainer = await self.ctx.run_sync(provider_trainer, store, name, is_admin=role == "admin", marker=marker)
        except Invalid as exc:
            self.page("notice.html", 403, "oidc.refused_title", exc.key, **exc.values)
            return
        await self.ctx.sign_in(self, trainer)
        self.moving_on(flow["next"])

    def learner_pass(self) -> None:
        """A learner's pass to the self-paced lessons (``widgets.core.learner_pass``): no role, no account."""
        secret = learner_pass.secret_from(self.ctx.settings.ensure_trainer_key())
        self.set_cookie(
            learner_pass.COOKIE,
            learner_pass.issue(secret, now=time.time()),
            path=self.ctx.settings.base_url,
            httponly=True,
            samesite="Lax",
            secure=self.ctx.is_https(self.request),
            expires_days=learner_pass.SECONDS / 86400,
        )

    def moving_on(self, url: str) -> None:
        # A page that moves on by itself, not a redirect: after the provider's site, the browser
        # would not send the new SameSite=Strict trainer cookie with a redirect's request.
        settings = self.ctx.settings
        lang = pick_language(None, self.request.headers.get("Accept-Language"), default=settings.language)
        t = Translator(lang)
        self.set_header("Cache-Control", "no-store")
        self.set_header("Content-Security-Policy", PAGE_CSP)
        self.finish(
            PAGES.get_template("continue.html").render(
                lang=lang,
                title=t("oidc.signed_in_title"),
                text=t("oidc.continue_text"),
                url=url,
                static=settings.base_url + "elan/static/",
            )
        )

    async def claims(self, flow: dict) -> dict:
        meta = await self.provider.metadata()
        async with self.provider.client(self.redirect_uri()) as client:
            token = await client.fetch_token(
                meta["token_endpoint"],
                code=self.get_query_argument("code"),
                code_verifier=flow["verifier"],
                redirect_uri=self.redirect_uri(),
            )
        if "id_token" not in token:
            raise ProviderError("the token response holds no ID token (is 'openid' among the scopes?)")
        claims = await self.provider.id_claims(token["id_token"], flow["nonce"])
        if token.get("access_token"):
            # The ID token's own claims win; user info adds what it left out (often the groups).
            claims = {**await self.provider.user_info(token["access_token"], claims["sub"]), **claims}
        return claims


class LogoutHandler(OidcHandler):
    """Sign out of the kit, then of the provider when it says where (RP-initiated logout)."""

    async def get(self):
        await self.ctx.run_sync(self.ctx.engine.close_login, self.ctx.cookie_login(self))
        self.clear_cookie(api.TRAINER_COOKIE, path=self.ctx.settings.base_url)
        self.set_header("Cache-Control", "no-store")
        landing = self.ctx.settings.base_url + "voila/render/" + LANDING
        try:
            end = (await self.provider.metadata()).get("end_session_endpoint")
        except (httpx.HTTPError, ProviderError, ValueError) as exc:
            log.warning("identity provider unusable at logout: %s", exc)
            end = None
        if not isinstance(end, str) or not end:
            self.redirect(landing, status=303)
            return
        query = {"client_id": self.ctx.settings.oidc_client_id, "post_logout_redirect_uri": self.origin() + landing}
        self.redirect(end + ("&" if "?" in end else "?") + urlencode(query), status=303)

    post = get


#: The event a back-channel logout token carries (OpenID Connect Back-Channel Logout 1.0, 2.4).
LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout"


class BackchannelLogoutHandler(OidcHandler):
    """The provider says a person signed out (or was disabled): their sign-ins here close at once.

    The logout token is checked like an ID token (signature by the provider's keys, issuer,
    audience) and must carry the logout event and a subject, and no nonce. Every sign-in of
    that person closes, in every process; a token that fails any check changes nothing.
    """

    async def post(self):
        self.set_header("Cache-Control", "no-store")
        try:
            claims = await self.provider.logout_claims(self.get_body_argument("logout_token", ""))
        except (httpx.HTTPError, JoseError, ProviderError, ValueError, KeyError) as exc:
            log.warning("back-channel logout refused: %s", exc)
            self.set_status(400)
            self.finish({"error": "invalid_request"})
            return
        marker = subject_marker(self.provider.issuer, claims["sub"])
        closed = await self.ctx.run_sync(close_subject, self.ctx.engine.store, marker)
        log.info("back-channel logout: %d sign-in(s) closed", closed)
        self.finish({})


def handlers(ctx, base_url: str) -> list:
    provider = Provider(ctx.settings)
    b = base_url
    return [
        (rf"{b}elan/oidc/login", LoginHandler, {"ctx": ctx, "provider": provider}),
        (rf"{b}elan/oidc/callback", CallbackHandler, {"ctx": ctx, "provider": provider}),
        (rf"{b}elan/oidc/logout", LogoutHandler, {"ctx": ctx, "provider": provider}),
        (rf"{b}elan/oidc/backchannel-logout", BackchannelLogoutHandler, {"ctx": ctx, "provider": provider}),
    ]
