"""Who is looking at a dashboard: the trainer credential the server gave this kernel, and the engine.

The server checks the trainer's cookie (or trusted proxy header) before the kernel
starts and hands the verified credential to the kernel as ``ELAN_PAGE_KEY``; the key
never travels in the page's address or links. Every action is checked again by the engine. Without a key (nbval, JupyterLab), a dashboard runs in demo mode on
an in-memory store filled with sample answers.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from urllib.parse import parse_qs

from widgets.core.i18n import pick_language
from widgets.core.messages import use_language
from widgets.core.settings import Settings
from widgets.live.engine import Engine, Trainer
from widgets.live.store import Store


@dataclass
class Viewer:
    engine: Engine
    trainer: Trainer | None
    key: str
    lang: str
    demo: bool
    code: str | None
    base_url: str
    public_url: str

    def join_url(self, code: str) -> str:
        return self.public_url.rstrip("/") + self.base_url + "join/" + code

    def remote_url(self, code: str, credential: str) -> str:
        """The phone remote's address; the credential rides in the fragment, never sent to a server or a log."""
        return self.public_url.rstrip("/") + self.base_url + "remote/" + code + "#" + credential

    def trainer_query(self) -> str:
        """Nothing: links reach the server with the trainer's cookie, never with the key in them."""
        return ""

    @property
    def is_trainer(self) -> bool:
        return self.trainer is not None and not self.demo


def query() -> dict[str, str]:
    parsed = parse_qs(os.environ.get("QUERY_STRING", ""))
    return {name: values[0] for name, values in parsed.items() if values}


def current(lang: str | None = None) -> Viewer:
    """The viewer of this kernel's page."""
    q = query()
    settings = Settings()
    lang = pick_language(lang, q.get("lang"), os.environ.get("HTTP_ACCEPT_LANGUAGE"), default=settings.language)
    key = os.environ.get("ELAN_PAGE_KEY", "")
    in_server = "VOILA_BASE_URL" in os.environ or "VOILA_SERVER_URL" in os.environ
    if in_server:
        use_language(lang)  # this kernel serves this page: check messages shown inline follow its language
    if in_server and (key or settings.trusted_user_header):
        engine = Engine.from_settings(settings)
        header = (
            os.environ.get("HTTP_" + settings.trusted_user_header.upper().replace("-", "_"))
            if settings.trusted_user_header
            else None
        )
        trainer = engine.authenticate(key, trusted_user=header)
        if trainer is not None:
            return Viewer(
                engine, trainer, key, lang, False, q.get("code"), settings.base_url, settings.public_url or ""
            )
    # Demo: a private in-memory store, a demo trainer, sample answers.
    demo_settings = Settings(trainer_key="demo", data_dir=settings.data_dir)
    engine = Engine(Store("sqlite://"), demo_settings)
    return Viewer(engine, engine.authenticate("demo"), "", lang, True, None, settings.base_url, "http://localhost:8866")
