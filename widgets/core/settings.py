"""The kit's settings: one documented object, overridable by flags and environment."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from traitlets import Bool, Int, Unicode, validate
from traitlets.config import Configurable

from widgets.core.languages import LANGUAGES
from widgets.core.paths import GUIDE

#: Every setting can also come from an environment variable named ``ELAN_<NAME>``
#: (``ELAN_PORT=9000``). Kernels started by Voilà inherit the server's environment,
#: which is how a dashboard kernel finds the same store as the server.
ENV_PREFIX = "ELAN_"


#: Settings that are credentials: never passed on to a kernel's environment.
SECRET_SETTINGS = ("trainer_key", "lrs_username", "lrs_password", "oidc_client_secret")


class Settings(Configurable):
    """Settings of an Élan server, its kernels and its command-line tools.

    >>> s = Settings(port=9000, data_dir="/tmp/elan-data")
    >>> s.effective_database_url()
    'sqlite:////tmp/elan-data/elan.sqlite3'
    """

    port = Int(8866, config=True, help="Port to listen on. Example: elan serve --port 9000")
    ip = Unicode(
        "0.0.0.0",
        config=True,
        help="Address to listen on; 0.0.0.0 lets phones on the same network join. Example: elan serve --ip 127.0.0.1",
    )
    data_dir = Unicode(
        "var",
        config=True,
        help="Folder holding the SQLite store and the trainer key. Example: elan serve --data-dir /srv/elan",
    )
    content_dir = Unicode(
        "",
        config=True,
        help="The organisation's own content folder, laid out like the kit's datasets/ and layered over it "
        "(adds, replaces, hides); an upgrade of the kit never touches it. Example: elan serve --content-dir /srv/elan-content",
    )
    database_url = Unicode(
        "",
        config=True,
        help="SQLAlchemy URL of the store; empty means SQLite in the data folder. "
        "Example: elan serve --database-url postgresql+psycopg://elan@localhost/elan",
    )
    public_url = Unicode(
        "",
        config=True,
        help="Address participants use to reach the server (printed and in the QR code). "
        "Empty means http://<LAN address>:<port>. Example: elan serve --public-url https://training.example.org",
    )
    base_url = Unicode("/", config=True, help="URL prefix when served behind a proxy path. Example: --base-url /elan/")
    language = Unicode(
        "fr",
        config=True,
        help="Default language of pages and content when the browser does not say (fr or en). Example: --language en",
    )
    trainer_key = Unicode(
        "",
        config=True,
        help="Shared trainer key; empty means one is generated at first start and kept in the data folder.",
    )
    trusted_user_header = Unicode(
        "",
        config=True,
        help="Name of a header set by a trusted proxy (e.g. JupyterHub, a company SSO) that carries the trainer's "
        "identity. It counts only on requests from this machine (the proxy connecting over loopback); from any "
        "other address it is ignored. Only enable behind a proxy that strips it from outside requests. "
        "Example: X-Forwarded-User",
    )
    privacy_notice = Unicode(
        "",
        config=True,
        help="The organisation's privacy notice (Markdown), linked from the join page and shown at /privacy/<lang>; "
        "{lang} in the path becomes fr or en. Empty means the kit's template (facilitator_guide/<lang>/privacy.md). "
        "Example: ELAN_PRIVACY_NOTICE=/srv/elan/privacy.{lang}.md",
    )
    max_participants = Int(
        2000, config=True, help="Most participants one session accepts before showing 'session full'."
    )
    max_text_length = Int(
        280, config=True, help="Longest idea, story or proposal a participant may send, in characters."
    )
    rate_limit_per_minute = Int(
        30, config=True, help="Most texts one participant may send in a minute (votes are not texts)."
    )
    public_kernels = Int(
        0,
        config=True,
        help="Most kernels the public pages (landing, self-paced notebooks) may hold at once; each takes about "
        "130 MB. 0 means automatic: 40% of the machine's memory. Beyond it visitors see a 'busy' page. "
        "Example: ELAN_PUBLIC_KERNELS=20",
    )
    public_kernels_per_client = Int(
        3, config=True, help="Most public-page kernels one address (one browser, one device) may hold at once."
    )
    public_kernel_grace = Int(
        120,
        config=True,
        help="Seconds a public page's kernel lives with no page connected (a tab closed without saying so) "
        "before it is stopped and its place goes to the next visitor.",
    )
    idle_connection_seconds = Int(
        60,
        config=True,
        help="A connection that sends its request slowly, or sits idle between requests, is closed after this "
        "many seconds (live feeds are not idle: they get a heartbeat).",
    )
    solo_access = Unicode(
        "open",
        config=True,
        help="Who may open the self-paced notebooks: 'open' (anyone with the address) or 'sign-in' (only visitors "
        "signed in by the trusted proxy, see trusted_user_header, and trainers). Example: --solo-access sign-in",
    )
    failed_keys_per_minute = Int(
        10,
        config=True,
        help="Wrong account keys (name:secret) one address may try in a minute before it is refused for a while. "
        "0 means no limit.",
    )
    joins_per_minute = Int(
        30,
        config=True,
        help="New participants one address may add in a minute (a phone coming back does not count). Raise it when "
        "a whole room reaches the server through one address (a company proxy); 0 means no limit.",
    )
    failed_codes_per_minute = Int(
        20,
        config=True,
        help="Unknown session codes one address may try in a minute before it is refused for a while. "
        "0 means no limit.",
    )
    retention_days = Int(365, config=True, help="Sessions older than this are removed by 'elan purge'.")
    kernel_idle_minutes = Int(
        60,
        config=True,
        help="A dashboard kernel with no open page for this long is stopped (closed tabs leave kernels behind).",
    )
    feed_interval_ms = Int(250, config=True, help="How often live pages and dashboards look for new events.")
    group_commit_max = Int(
        200,
        config=True,
        help="Most participants' answers the server commits in one transaction (those that arrived "
        "while the previous one was written); 0 commits each answer on its own. "
        "Example: ELAN_GROUP_COMMIT_MAX=0",
    )
    metrics_by_adviser = Bool(
        False,
        config=True,
        help="Let the metrics lab break figures down by individual adviser. Off: a room ranks people, "
        "not processes, and a handful of tickets per adviser is noise. Example: ELAN_METRICS_BY_ADVISER=True",
    )
    lrs_endpoint = Unicode(
        "",
        config=True,
        help="xAPI endpoint of the organisation's Learning Record Store: each lesson and workshop a person takes "
        "part in is sent there as statements (launched, answered, completed, passed or failed). Empty means none "
        "are recorded. Example: ELAN_LRS_ENDPOINT=https://lrs.example.org/xAPI/",
    )
    lrs_username = Unicode(
        "", config=True, help="User name (HTTP Basic) the kit gives the LRS. Example: ELAN_LRS_USERNAME=elan"
    )
    lrs_password = Unicode(
        "", config=True, help="Password (HTTP Basic) the kit gives the LRS. Example: ELAN_LRS_PASSWORD=..."
    )
    lrs_pass_score = Int(
        60,
        config=True,
        help="A finished case whose mean score (percent) reaches this is sent to the LRS as passed, "
        "below it as failed. Example: ELAN_LRS_PASS_SCORE=70",
    )
    lrs_retry_max_seconds = Int(
        3600,
        config=True,
        help="Longest wait between two tries while the LRS does not answer; the wait doubles from 5 seconds "
        "up to this. Statements wait in the store meanwhile, never holding up a participant.",
    )
    oidc_issuer = Unicode(
        "",
        config=True,
        help="Issuer URL of the organisation's OpenID Connect provider: trainers sign in there (at "
        "/elan/oidc/login) as well as with the key and kit accounts. Its settings are read from "
        "<issuer>/.well-known/openid-configuration. Empty means no such sign-in. "
        "Example: ELAN_OIDC_ISSUER=https://login.example.org/realms/staff",
    )
    oidc_client_id = Unicode(
        "", config=True, help="Client id the kit was registered with at the provider. Example: ELAN_OIDC_CLIENT_ID=elan"
    )
    oidc_client_secret = Unicode(
        "",
        config=True,
        help="Client secret the provider gave the kit (never passed on to a kernel). "
        "Example: ELAN_OIDC_CLIENT_SECRET=...",
    )
    oidc_scopes = Unicode(
        "openid profile email",
        config=True,
        help="Scopes asked of the provider; add the one that carries the role claim if the provider needs it. "
        "Example: ELAN_OIDC_SCOPES='openid profile email groups'",
    )
    oidc_claim = Unicode(
        "groups",
        config=True,
        help="Claim of the ID token (or user info) whose values make someone a trainer or an administrator; a "
        "dotted path reads a nested one. Example: ELAN_OIDC_CLAIM=realm_access.roles",
    )
    oidc_trainer_values = Unicode(
        "elan-trainers",
        config=True,
        help="Values of that claim (comma-separated) that make someone a trainer; anyone without one of these "
        "or an administrator's is refused. Example: ELAN_OIDC_TRAINER_VALUES=trainers,onboarding-team",
    )
    oidc_admin_values = Unicode(
        "elan-admins",
        config=True,
        help="Values of that claim (comma-separated) that make someone an administrator (drives every "
        "session). Example: ELAN_OIDC_ADMIN_VALUES=elan-admins",
    )
    oidc_name_claim = Unicode(
        "email",
        config=True,
        help="Claim that names the trainer's account (their sessions are theirs under it); 'sub' when it is "
        "missing. A kit account of the same name is never taken over. Example: ELAN_OIDC_NAME_CLAIM=preferred_username",
    )
    oidc_learners = Bool(
        False,
        config=True,
        help="With solo_access = sign-in, learners of the self-paced lessons sign in through the same provider: "
        "anyone it signs in may open them, trainer claim or not (they drive nothing). "
        "Example: ELAN_OIDC_LEARNERS=True",
    )
    dangerously_show_tracebacks = Bool(
        False, config=True, help="Show Python tracebacks to visitors. Only for developing the kit."
    )

    @validate("language")
    def _valid_language(self, proposal):
        if proposal["value"] not in LANGUAGES:
            raise ValueError(f"language must be one of {', '.join(LANGUAGES)}")
        return proposal["value"]

    @validate("solo_access")
    def _valid_solo_access(self, proposal):
        if proposal["value"] not in ("open", "sign-in"):
            raise ValueError("solo_access must be 'open' or 'sign-in'")
        return proposal["value"]

    @validate("base_url")
    def _valid_base_url(self, proposal):
        value = "/" + proposal["value"].strip("/") + "/"
        return value.replace("//", "/")

    def __init__(self, **kwargs):
        env = {}
        for name, trait in self.class_traits(config=True).items():
            raw = os.environ.get(ENV_PREFIX + name.upper())
            if raw is not None and name not in kwargs:
                env[name] = trait.from_string(raw) if hasattr(trait, "from_string") else raw
        super().__init__(**{**env, **kwargs})

    @property
    def data_path(self) -> Path:
        return Path(self.data_dir).expanduser().resolve()

    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_path / 'elan.sqlite3'}"

    def privacy_notice_path(self, lang: str) -> Path:
        """The Markdown file of the privacy notice in ``lang``: the organisation's, or the kit's template."""
        if self.privacy_notice:
            return Path(self.privacy_notice.replace("{lang}", lang)).expanduser()
        return GUIDE / lang / "privacy.md"

    def ensure_trainer_key(self) -> str:
        """The shared trainer key: the setting, or the one kept in the data folder (made at first start)."""
        if self.trainer_key:
            return self.trainer_key
        path = self.data_path / "trainer-key"
        if path.exists():
            return path.read_text(encoding="utf-8").strip()
        self.data_path.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(12)
        # Written with owner-only permissions: the key lets anyone drive sessions.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(key + "\n")
        return key

    def to_environ(self) -> dict[str, str]:
        """The settings as ``ELAN_*`` variables, for the kernels the server starts.

        Never the trainer key: a public page's kernel must hold no credential, and a trainer
        page's kernel gets only its page's sign-in (``ELAN_PAGE_KEY``).
        """
        out = {}
        for name in self.class_traits(config=True):
            if name in SECRET_SETTINGS:
                continue
            value = getattr(self, name)
            if name == "data_dir":
                value = str(self.data_path)
            if name == "content_dir" and value:
                value = str(Path(value).expanduser().resolve())
            if isinstance(value, bool):
                value = "True" if value else "False"
            out[ENV_PREFIX + name.upper()] = str(value)
        return out
