"""Deployment files made from the kit's templates: the nginx front for several processes."""

from __future__ import annotations

from pathlib import Path

import jinja2

TEMPLATES = Path(__file__).resolve().parent / "templates"


def nginx_config(
    backends: list[str],
    *,
    listen: str = "80",
    server_name: str = "_",
    standalone: bool = False,
    prefix: str = "/var/lib/elan-nginx",
) -> str:
    """The nginx configuration for ``backends`` (``host:port`` of each ``elan serve``).

    ``standalone`` makes a whole nginx.conf (used by the tests, with every path under
    ``prefix``); otherwise the ``upstream``/``map``/``server`` blocks to include in the
    ``http`` block of an existing nginx.

    >>> "least_conn" in nginx_config(["127.0.0.1:8001", "127.0.0.1:8002"])
    True
    """
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=False, keep_trailing_newline=True)
    return env.get_template("nginx.conf.j2").render(
        backends=backends, listen=listen, server_name=server_name, standalone=standalone, prefix=prefix
    )
