"""Install the system programs the tests use, from Debian's packages, when they are missing.

Debian's chromium for the browser tests (never a downloaded browser), and nginx for
the multi-process test. PostgreSQL's server binaries are looked for too. Installs
with apt-get when the user can (root, or passwordless sudo); otherwise says clearly
what to run. Exits non-zero only when chromium cannot be had: the nginx and
PostgreSQL tests skip with a clear reason instead.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys

CHROMIUM = "/usr/bin/chromium"
NEEDED = {
    # package: the file that shows it is there
    "chromium": CHROMIUM,
    "fonts-dejavu-core": "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    # Participants write emoji; without this font the PDFs print them as nothing.
    "fonts-noto-color-emoji": "/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf",
    "nginx-light": "/usr/sbin/nginx",
}
POSTGRES_GLOB = "/usr/lib/postgresql/*/bin/initdb"


def _run(cmd: list[str]) -> int:
    print("+ " + " ".join(cmd), flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    return subprocess.call(cmd, env=env)


def main() -> int:
    missing = [package for package, path in NEEDED.items() if not os.path.exists(path)]
    if not glob.glob(POSTGRES_GLOB) and not shutil.which("initdb"):
        missing.append("postgresql")
    if not missing:
        return 0
    if not shutil.which("apt-get"):
        print("Missing " + " ".join(missing) + " and this system has no apt-get to install them.", file=sys.stderr)
        return 0 if os.path.exists(CHROMIUM) else 1
    prefix: list[str] = []
    if os.geteuid() != 0:
        if shutil.which("sudo") and subprocess.call(["sudo", "-n", "true"], stderr=subprocess.DEVNULL) == 0:
            prefix = ["sudo", "-n"]
        else:
            print(
                "The tests need Debian packages that are missing. Install them once with:\n"
                "    sudo apt-get update && sudo apt-get install -y " + " ".join(missing),
                file=sys.stderr,
            )
            return 0 if os.path.exists(CHROMIUM) else 1
    if _run(prefix + ["apt-get", "update", "-qq"]) or _run(prefix + ["apt-get", "install", "-y", "-qq"] + missing):
        print("apt-get could not install " + " ".join(missing) + "; see the messages above.", file=sys.stderr)
    return 0 if os.path.exists(CHROMIUM) else 1


if __name__ == "__main__":
    sys.exit(main())
