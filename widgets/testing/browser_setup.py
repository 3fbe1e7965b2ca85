"""Make sure Debian's chromium is installed for the browser tests (never a downloaded browser).

Installs it with apt-get when missing and the user can (root, or passwordless sudo);
otherwise says clearly what to run. Exits non-zero only when it cannot be had.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

CHROMIUM = "/usr/bin/chromium"
PACKAGES = ["chromium", "fonts-dejavu-core"]


def _run(cmd: list[str]) -> int:
    print("+ " + " ".join(cmd), flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    return subprocess.call(cmd, env=env)


def main() -> int:
    if os.path.exists(CHROMIUM):
        return 0
    if not shutil.which("apt-get"):
        print("Browser tests need Debian's chromium at /usr/bin/chromium; this system has no apt-get.", file=sys.stderr)
        return 1
    prefix: list[str] = []
    if os.geteuid() != 0:
        if shutil.which("sudo") and subprocess.call(["sudo", "-n", "true"], stderr=subprocess.DEVNULL) == 0:
            prefix = ["sudo", "-n"]
        else:
            print(
                "Browser tests need Debian's chromium. Install it once with:\n"
                "    sudo apt-get update && sudo apt-get install -y chromium fonts-dejavu-core",
                file=sys.stderr,
            )
            return 1
    if _run(prefix + ["apt-get", "update", "-qq"]) or _run(prefix + ["apt-get", "install", "-y", "-qq"] + PACKAGES):
        print("apt-get could not install chromium; see the messages above.", file=sys.stderr)
        return 1
    return 0 if os.path.exists(CHROMIUM) else 1


if __name__ == "__main__":
    sys.exit(main())
