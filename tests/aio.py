"""Running a coroutine from a test, whatever else the test session runs."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor


def run(coro):
    """``asyncio.run`` in a thread of its own: the browser tests' Playwright keeps a loop in the main one."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()
