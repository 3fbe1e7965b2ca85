"""Who is looking at a dashboard: the trainer credential the server gave this kernel, and the engine.

The server checks the trainer's cookie (or trusted proxy header) before the kernel
starts and hands the kernel the page's sign-in as ``ELAN_PAGE_KEY``: a random id the
store knows, never the trainer key (no kernel has that in its environment), never in
the page's address or links. The kernel trusts that sign-in and nothing else (not a
proxy header, not a key), and every write checks it again (:func:`page_may_write`),
besides the engine's own check of each session action. Without a sign-in (a public
page, nbval, JupyterLab), a dashboard runs in demo mode on an in-memory store filled
with sample answers.
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
    in_server = _in_server()
    if in_server:
        use_language(lang)  # this kernel serves this page: check messages shown inline follow its language
    if in_server and key:
        engine = Engine.from_settings(settings)
        trainer = engine.page_trainer(key)
        if trainer is not None:
            return Viewer(
                engine, trainer, key, lang, False, q.get("code"), settings.base_url, settings.public_url or ""
            )
    # Demo: a private in-memory store, a demo trainer, sample answers.
    demo_settings = Settings(trainer_key="demo", data_dir=settings.data_dir)
    engine = Engine(Store("sqlite://"), demo_settings)
    return Viewer(engine, engine.authenticate("demo"), "", lang, True, None, settings.base_url, "http://localhost:8866")


def _in_server() -> bool:
    return "VOILA_BASE_URL" in os.environ or "VOILA_SERVER_URL" in os.environ


def page_may_write() -> bool:
    """Whether this kernel may write the organisation's content: its page was opened by a trainer.

    Checked at each save, against the store (a sign-in closed or an account removed since
    the page opened refuses it), whatever the page showed. Outside the server (JupyterLab,
    the tests) the person running the notebook owns the files.
    """
    if not _in_server():
        return True
    key = os.environ.get("ELAN_PAGE_KEY", "")
    if not key:
        return False
    return Engine.from_settings(Settings()).page_trainer(key) is not None
