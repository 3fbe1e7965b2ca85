"""``elan serve``: Voilà for the dashboards, and the participant page and API, in one process."""

from __future__ import annotations

import ipaddress
import logging
import signal
import os
import socket
import tempfile
from pathlib import Path
from urllib.parse import parse_qs

import tornado.web
from traitlets.config import Config
from voila.app import Voila

from widgets.live.engine import Engine
from widgets.core.i18n import Translator, pick_language
from widgets.web import api, documents, remote, stage
from widgets.core.paths import WORKSHOPS
from widgets.core.settings import Settings

log = logging.getLogger("elan.serve")
SHARE = Path(__file__).resolve().parent / "share"


def _interface_addresses() -> list[str]:
    """IPv4 addresses of this machine's network interfaces (Linux), read locally: no traffic."""
    try:
        import fcntl
        import struct
    except ImportError:  # not a Unix: the host name's addresses will do
        return []
    out = []
    for _, name in socket.if_nameindex():
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            try:
                packed = fcntl.ioctl(sock.fileno(), 0x8915, struct.pack("256s", name[:15].encode()))  # SIOCGIFADDR
            except OSError:
                continue
            out.append(socket.inet_ntoa(packed[20:24]))
    return out


def lan_address() -> str:
    """This machine's address on the local network, for phones on the same Wi-Fi.

    The host name often resolves to 127.0.0.1 only, so the interfaces are asked too;
    a private-network address (a room's Wi-Fi) is preferred.
    """
    candidates = list(_interface_addresses())
    try:
        candidates += [info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)]
    except OSError:
        pass
    usable = [a for a in candidates if not a.startswith("127.")]
    private = [a for a in usable if ipaddress.ip_address(a).is_private]
    return (private or usable or ["127.0.0.1"])[0]


def trainer_gate(settings: Settings, engine: Engine):
    """Voilà's prelaunch hook: a trainer notebook needs a valid key *before* its kernel starts.

    Nobody can spend the server's memory by opening trainer pages without the key.
    """

    def hook(req: tornado.web.RequestHandler, notebook, cwd):
        role = notebook.get("metadata", {}).get("elan", {}).get("role")
        if role != "trainer":
            return None
        key = (parse_qs(req.request.query).get("key") or [None])[0]
        header = settings.trusted_user_header
        trusted = req.request.headers.get(header) if header else None
        if engine.authenticate(key, trusted_user=trusted) is None:
            lang = pick_language(
                (parse_qs(req.request.query).get("lang") or [None])[0],
                req.request.headers.get("Accept-Language"),
                default=settings.language,
            )
            t = Translator(lang)
            raise tornado.web.HTTPError(403, reason=t("core.trainer_key_title"), log_message="trainer key refused")
        return None

    return hook


class ElanVoila(Voila):
    """Voilà with the kit's settings and the participant handlers in front of its own."""

    name = "elan"

    def init_handlers(self):
        extra = (
            documents.handlers(self.elan_ctx, self.base_url)
            + stage.handlers(self.elan_ctx, self.base_url)
            + remote.handlers(self.elan_ctx, self.base_url)
        )
        return api.handlers(self.elan_ctx, self.base_url) + extra + [
            (self.base_url.rstrip("/") + "/?", tornado.web.RedirectHandler, {"url": self.base_url + "voila/render/index.ipynb"}),
        ] + super().init_handlers()

    def initialize(self, argv=None):
        super().initialize(argv)
        # Ctrl-C stops the server like SIGTERM does: kernels shut down, files removed.
        # (Voilà handles only SIGTERM; a shell's background job even ignores SIGINT.)
        signal.signal(signal.SIGINT, self._handle_signal_stop)

    def start(self):
        # Voilà adds tornado_settings after building the Application, too late for
        # compress_response (which installs a transform at construction): build it here.
        self.connection_dir = tempfile.mkdtemp(prefix="voila_", dir=self.connection_dir_root)
        settings = {**self.init_settings(), **self.tornado_settings}
        self.app = tornado.web.Application(**settings)
        self.app.add_handlers(".*$", self.init_handlers())
        self.listen()


def voila_config(settings: Settings, engine: Engine) -> Config:
    c = Config()
    c.Voila.ip = settings.ip
    c.Voila.port = settings.port
    c.Voila.port_retries = 0
    c.Voila.open_browser = False
    c.Voila.root_dir = str(WORKSHOPS)
    c.Voila.base_url = settings.base_url
    c.Voila.tornado_settings = {
        "compress_response": True,
        "static_url_prefix": settings.base_url + "elan/static/",
    }
    c.VoilaConfiguration.template = "elan"
    c.VoilaConfiguration.show_tracebacks = settings.dangerously_show_tracebacks
    # plotly's JupyterLab extension (4.7 MB) is not needed: charts use the kit's light widget.
    c.VoilaConfiguration.extension_denylist = ["jupyterlab-plotly"]
    c.VoilaConfiguration.prelaunch_hook = trainer_gate(settings, engine)
    c.VoilaConfiguration.http_header_envs = ["Accept-Language"] + (
        [settings.trusted_user_header] if settings.trusted_user_header else []
    )
    c.VoilaConfiguration.file_allowlist = [r".*\.(png|svg|jpg|css)"]
    # A closed or reloaded tab leaves its kernel running (its shutdown request is refused):
    # cull kernels idle for a while, but never one whose dashboard is still open.
    idle = settings.kernel_idle_minutes * 60
    c.MappingKernelManager.cull_idle_timeout = idle
    c.MappingKernelManager.cull_interval = max(60, idle // 4)
    c.MappingKernelManager.cull_connected = False
    return c


def serve(settings: Settings) -> None:
    """Start the server and block until Ctrl-C."""
    settings.data_path.mkdir(parents=True, exist_ok=True)
    key = settings.ensure_trainer_key()
    if not settings.public_url:
        settings.public_url = f"http://{lan_address()}:{settings.port}"
    engine = Engine.from_settings(settings)
    # Kernels inherit this environment: they find the same store, key and addresses.
    os.environ.update(settings.to_environ())
    os.environ["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(SHARE), os.environ.get("JUPYTER_PATH")]))
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    app = ElanVoila(config=voila_config(settings, engine))
    app.elan_ctx = api.Context(engine, settings)
    app.initialize([])
    t = Translator(settings.language)
    base = settings.public_url.rstrip("/") + settings.base_url
    print(t("core.serve_banner", trainer=f"{base}?key={key}", join=f"{base}join", data=settings.data_path), flush=True)
    app.start()
