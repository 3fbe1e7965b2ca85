"""Build step that pyproject.toml cannot say: the kit's content, notebooks and guide go into the wheel.

They live beside the package in the source tree (the design card's folders); a wheel
carries copies in ``widgets/_bundle/`` so that an installed kit finds them
(``widgets/core/paths.py``). An editable install reads the source folders instead.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
BUNDLED = ("datasets", "workshops", "facilitator_guide")
SKIP = shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints", "*.pyc")


class BuildWithBundle(build_py):
    def run(self):
        super().run()
        if self.editable_mode:
            return
        target = Path(self.build_lib) / "widgets" / "_bundle"
        for name in BUNDLED:
            shutil.copytree(ROOT / name, target / name, ignore=SKIP, dirs_exist_ok=True)


setup(cmdclass={"build_py": BuildWithBundle})
