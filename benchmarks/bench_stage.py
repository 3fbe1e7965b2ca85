"""The stage and the console following a session of many phones, and the stage as a light page vs a Voilà page.

Real parts: an ``elan serve`` process, N participants as HTTP clients (httpx, each with
its live feed open), and Debian's Chromium (Playwright) showing the stage (the light
page) and the trainer's console (a Voilà dashboard). Every participant answers once;
each page records, with a MutationObserver, when its "answered" count changes. The
following latency of answer k is the time from the k-th answer's POST being sent to the
page first showing at least k answers (answers are sent at a steady rate and stored in
that order, give or take a few); the page's own part of it is measured from the k-th
POST's response instead (the answer is stored by then). Same machine, same clock.

    .venv/bin/python benchmarks/bench_stage.py                  # 1,000 phones at 100 per second
    .venv/bin/python benchmarks/bench_stage.py -n 200 --rate 50
    .venv/bin/python benchmarks/bench_stage.py --part walls     # the word cloud and the shout-outs wall only

The walls (``--part walls``, part of ``all``): the word cloud with 1,000 phones sending a
word each (its variants folded), from each POST to the stage's cloud holding that many
words; the shout-outs wall with 1,000 stories approved by the trainer at the same rate,
from each approval to the stage's wall showing it. And the stage's drawing of a
200-word cloud (the cloud renderer and the fit, layout included), timed in the page.

Also measured, one page at a time on an idle session: time to visible (navigation to
the step's title drawn) and the memory each page costs the server (the light stage:
the server process's growth; a Voilà page: its kernel).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_load import KEY, Server, pct, read_sse

CHROMIUM = "/usr/bin/chromium"
CHOICE = {
    "kind": "choice",
    "id": "q",
    "prompt": {"fr": "Quel canal ?", "en": "Which channel?"},
    "options": [{"id": "A", "label": "A"}, {"id": "B", "label": "B"}, {"id": "C", "label": "C"}],
}
# Records (epoch ms, number) each time the page's "answered" figure changes.
OBSERVER = """(args) => {
  const [selector, pattern] = args;
  window.__log = [];
  const re = new RegExp(pattern);
  let last = -1;
  const read = () => {
    const node = document.querySelector(selector);
    const m = node && node.textContent.match(re);
    const n = m ? parseInt(m[1], 10) : -1;
    if (n !== last) { last = n; window.__log.push([performance.timeOrigin + performance.now(), n]); }
  };
  new MutationObserver(read).observe(document.body, {subtree: true, childList: true, characterData: true});
  read();
}"""


def rss(process: psutil.Process) -> int:
    return process.memory_info().rss


def kernels(server: Server) -> list[psutil.Process]:
    return [c for c in server.ps.children(recursive=True) if "ipykernel" in " ".join(c.cmdline())]


def page_costs(server: Server, browser, code: str, runs: int) -> dict:
    """Time to visible and memory of the light stage and of a Voilà page, one page at a time."""
    out = {"stage_visible_s": [], "voila_visible_s": [], "stage_server_kb": [], "voila_kernel_mb": []}
    for _ in range(runs):
        before = rss(server.ps)
        page = browser.new_page(bypass_csp=True, viewport={"width": 1280, "height": 720})
        t0 = time.perf_counter()
        page.goto(f"{server.url}/stage/{code}")
        page.wait_for_function("document.querySelector('#prompt').textContent.length > 0")
        out["stage_visible_s"].append(time.perf_counter() - t0)
        time.sleep(0.5)
        out["stage_server_kb"].append((rss(server.ps) - before) / 1024)
        page.close()
    for _ in range(runs):
        known = {k.pid for k in kernels(server)}
        page = browser.new_page(bypass_csp=True, viewport={"width": 1280, "height": 720})
        t0 = time.perf_counter()
        page.goto(f"{server.url}/voila/render/values/trainer.ipynb?key={KEY}&code={code}&lang=fr")
        page.wait_for_selector(".elan-status .elan-code", timeout=120_000)
        out["voila_visible_s"].append(time.perf_counter() - t0)
        time.sleep(1)
        fresh = [k for k in kernels(server) if k.pid not in known]
        out["voila_kernel_mb"].append(sum(rss(k) for k in fresh) / 2**20)
        page.close()
        time.sleep(2)  # the page's kernel is released on close
    return {k: round(statistics.median(v), 3 if k.endswith("_s") else 1) for k, v in out.items()} | {
        k + "_runs": [round(x, 2) for x in v] for k, v in out.items()
    }


def following(log: list, stored: list[float]) -> list[float]:
    """Latency of answer k: the first time the page shows >= k minus the time answer k was sent."""
    out = []
    for k, t_stored in enumerate(sorted(stored), start=1):
        shown = next((t for t, n in log if n >= k), None)
        if shown is not None:
            out.append(max(0.0, shown / 1000 - t_stored))
    return out


async def phones(server: Server, code: str, n: int, rate: float) -> tuple[list[float], list[float], list[float], int]:
    """n participants join (with their feeds open), then each answers once; the times answers were stored."""
    limits = httpx.Limits(max_connections=n + 100, max_keepalive_connections=n + 50)
    timeout = httpx.Timeout(30, read=None)
    stored: list[float] = []
    returned: list[float] = []
    joins: list[float] = []
    errors = 0
    async with (
        httpx.AsyncClient(base_url=server.url + "/elan/api/", limits=limits, timeout=timeout, trust_env=False) as http,
        httpx.AsyncClient(
            base_url=server.url + "/elan/api/", limits=limits, timeout=timeout, trust_env=False
        ) as streams,
    ):
        tokens: list[str | None] = [None] * n
        feeds: list[asyncio.Task] = []

        async def feed(token):
            try:
                async with streams.stream("GET", f"s/{code}/feed", params={"token": token}) as response:
                    await read_sse(response)
            except (httpx.HTTPError, asyncio.CancelledError):
                pass

        async def join(i):
            nonlocal errors
            t0 = time.perf_counter()
            try:
                r = await http.post("join", json={"code": code})
                r.raise_for_status()
            except httpx.HTTPError:
                errors += 1
                return
            joins.append(time.perf_counter() - t0)
            tokens[i] = r.json()["token"]
            feeds.append(asyncio.create_task(feed(tokens[i])))

        async def answer(i):
            nonlocal errors
            if tokens[i] is None:
                return
            sent = time.time()
            try:
                r = await http.post(
                    f"s/{code}/submit",
                    headers={"X-Elan-Token": tokens[i]},
                    json={"activity": "q", "payload": {"option": "ABC"[i % 3]}},
                )
                r.raise_for_status()
            except httpx.HTTPError:
                errors += 1
                return
            stored.append(sent)
            returned.append(time.time())

        for step in (join, answer):
            start = time.perf_counter()
            tasks = []
            for i in range(n):
                await asyncio.sleep(max(0.0, start + i / rate - time.perf_counter()))
                tasks.append(asyncio.create_task(step(i)))
            await asyncio.gather(*tasks)
            await asyncio.sleep(1)
        await asyncio.sleep(3)  # let the pages catch up
        for task in feeds:
            task.cancel()
        await asyncio.gather(*feeds, return_exceptions=True)
    return stored, returned, joins, errors


#: Words with the variants a room writes (case, accents, elision, plural): the cloud folds them.
STEMS = [
    "écoute",
    "sourire",
    "rapidité",
    "empathie",
    "clarté",
    "respect",
    "patience",
    "confiance",
    "écoute active",
    "simplicité",
    "fiabilité",
    "courtoisie",
    "transparence",
    "réactivité",
    "bienveillance",
    "proximité",
]


def word(i: int) -> str:
    stem = STEMS[i % len(STEMS)] if i % 5 else f"mot {i % 200}"
    return [stem, stem.capitalize(), f"l’{stem}" if stem[0] in "aeéiou" else stem + "s"][i % 3]


async def wall_phones(server: Server, code: str, n: int, rate: float, kind: str, trainer: dict):
    """n phones each send one word (``cloud``) or story (``story``, then approved by the trainer at ``rate``);
    the times each became visible to the room (POST sent) and was stored (response received)."""
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=100)
    sent_at: list[float] = []
    done_at: list[float] = []
    errors = 0
    problems: list[str] = []
    async with httpx.AsyncClient(
        base_url=server.url + "/elan/api/", limits=limits, timeout=httpx.Timeout(30), trust_env=False
    ) as http:
        tokens: list[str | None] = [None] * n
        items: list[int] = []

        async def join(i):
            nonlocal errors
            try:
                r = await http.post("join", json={"code": code})
                r.raise_for_status()
                tokens[i] = r.json()["token"]
            except httpx.HTTPError as exc:
                errors += 1
                problems.append(getattr(getattr(exc, "response", None), "text", "") or repr(exc))

        async def send(i):
            nonlocal errors
            if tokens[i] is None:
                return
            payload = (
                {"text": word(i)}
                if kind == "cloud"
                else {
                    "colleague": f"Collègue {i}",
                    "title": f"Bonne pratique {i}",
                    "story": "Rappel le soir même.",
                    "value": "listening",
                }
            )
            t0 = time.time()
            try:
                r = await http.post(
                    f"s/{code}/submit", headers={"X-Elan-Token": tokens[i]}, json={"activity": kind, "payload": payload}
                )
                r.raise_for_status()
            except httpx.HTTPError as exc:
                errors += 1
                problems.append(getattr(getattr(exc, "response", None), "text", "") or repr(exc))
                return
            if kind == "cloud":
                sent_at.append(t0)
                done_at.append(time.time())
            else:
                items.append(r.json()["id"])

        async def approve(item):
            nonlocal errors
            t0 = time.time()
            try:
                r = await http.post(f"s/{code}/trainer/item", headers=trainer, json={"item": item, "status": "visible"})
                r.raise_for_status()
            except httpx.HTTPError as exc:
                errors += 1
                problems.append(getattr(getattr(exc, "response", None), "text", "") or repr(exc))
                return
            sent_at.append(t0)
            done_at.append(time.time())

        async def paced(step, args):
            start = time.perf_counter()
            tasks = []
            for i, arg in enumerate(args):
                await asyncio.sleep(max(0.0, start + i / rate - time.perf_counter()))
                tasks.append(asyncio.create_task(step(arg)))
            await asyncio.gather(*tasks)

        await paced(join, range(n))
        await paced(send, range(n))
        if kind == "story":
            # Revealed once the stories are in (a reveal closes answers), then approved one by one.
            await http.post(f"s/{code}/trainer/reveal", headers=trainer, json={"activity": kind, "revealed": True})
            await paced(approve, list(items))
        await asyncio.sleep(3)  # let the page catch up
    return sent_at, done_at, errors, problems[:1]


#: How many answers the stage's wall holds (hidden ones included: the fit summarises, it does not drop).
WALL_COUNT = {
    "cloud": "[...document.querySelectorAll('#results .word')].reduce((s, w) => s + Number(w.title), 0)",
    "story": "document.querySelectorAll('#results .story').length",
}
WALL_OBSERVER = """(expr) => {
  window.__log = [];
  const count = new Function(`return ${expr};`);
  let last = -1;
  const read = () => {
    const n = count();
    if (n !== last) { last = n; window.__log.push([performance.timeOrigin + performance.now(), n]); }
  };
  new MutationObserver(read).observe(document.body, {subtree: true, childList: true, attributes: true});
  read();
}"""
STORY = {
    "kind": "story",
    "id": "story",
    "prompt": {"fr": "Une bonne pratique vue chez un collègue", "en": "A good catch"},
    "values": [{"id": "listening", "label": {"fr": "Écoute", "en": "Listening"}}],
}
CLOUD = {"kind": "cloud", "id": "cloud", "prompt": {"fr": "Un mot ?", "en": "One word?"}, "max_per_participant": 3}


def walls(server: Server, browser, http: httpx.Client, trainer: dict, n: int, rate: float) -> dict:
    """The word cloud and the shout-outs wall with n phones: how fast the stage follows."""
    out = {}
    for kind, spec in (("cloud", CLOUD), ("story", STORY)):
        code = http.post("sessions", json={"workshop": "values", "lang": "fr"}, headers=trainer).json()["code"]
        http.post(f"s/{code}/trainer/open", headers=trainer, json={"spec": spec})
        stage = browser.new_page(bypass_csp=True, viewport={"width": 1280, "height": 720})
        stage.goto(f"{server.url}/stage/{code}")
        stage.wait_for_function("document.querySelector('#prompt').textContent.length > 0")
        stage.evaluate(WALL_OBSERVER, WALL_COUNT[kind])
        with ThreadPoolExecutor(1) as pool:
            sent, stored, errors, problems = pool.submit(
                asyncio.run, wall_phones(server, code, n, rate, kind, trainer)
            ).result()
        log = stage.evaluate("window.__log")
        stage.close()
        end_to_end, after_stored = following(log, sent), following(log, stored)
        out |= {
            f"{kind}_errors": errors,
            **({f"{kind}_first_error": problems[0][:200]} if problems else {}),
            f"{kind}_seen": len(after_stored),
            f"{kind}_follow_p50_ms": round(pct(end_to_end, 50) * 1000, 1),
            f"{kind}_follow_p95_ms": round(pct(end_to_end, 95) * 1000, 1),
            f"{kind}_after_stored_p50_ms": round(pct(after_stored, 50) * 1000, 1),
            f"{kind}_after_stored_p95_ms": round(pct(after_stored, 95) * 1000, 1),
        }
    return out


#: Draws a cloud of n words with the stage's own renderer and fit, r times; each time in ms (layout included).
DRAW = r"""async ([n, r]) => {
  const base = document.querySelector("script[type=module]").src.replace(/stage\.js$/, "");
  const { draw } = await import(base + "kinds/cloud.js");
  const { fit } = await import(base + "fit.js");
  const words = Array.from({ length: n }, (_, i) => ({ text: `mot${i} ${"x".repeat(i % 9)}`, count: 1 + ((i * 7919) % 40) }))
    .sort((a, b) => b.count - a.count);
  const h = { t: (k) => k, tx: (x) => x, lang: "fr", previous: new Map(), seen: new Map(),
    answered: () => document.createElement("p") };
  const results = document.getElementById("results");
  const times = [];
  for (let k = 0; k < r; k++) {
    const t0 = performance.now();
    results.replaceChildren(...draw({ kind: "cloud", results: { words, authors: n } }, h));
    fit(document.getElementById("step"), h.t);
    document.body.getBoundingClientRect();
    times.push(performance.now() - t0);
  }
  return times;
}"""


def cloud_drawing(server: Server, browser, http: httpx.Client, trainer: dict, words: int = 200) -> dict:
    code = http.post("sessions", json={"workshop": "values", "lang": "fr"}, headers=trainer).json()["code"]
    http.post(f"s/{code}/trainer/open", headers=trainer, json={"spec": CLOUD})
    page = browser.new_page(bypass_csp=True, viewport={"width": 1280, "height": 720})
    page.goto(f"{server.url}/stage/{code}")
    page.wait_for_function("document.querySelector('#prompt').textContent.length > 0")
    times = page.evaluate(DRAW, [words, 30])
    page.close()
    return {
        f"cloud_{words}_words_draw_p50_ms": round(pct(times, 50), 1),
        f"cloud_{words}_words_draw_p95_ms": round(pct(times, 95), 1),
    }


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("-n", type=int, default=1000, help="phones (at most 3,000)")
    p.add_argument("--rate", type=float, default=100, help="joins, then answers, per second")
    p.add_argument("--runs", type=int, default=3, help="page loads measured for time to visible and memory")
    p.add_argument("--json", help="also write the figures to this file")
    p.add_argument("--part", choices=("all", "choice", "walls"), default="all", help="what to measure")
    args = p.parse_args(argv)
    args.n = max(1, min(args.n, 3000))
    from playwright.sync_api import sync_playwright

    data_dir = Path(tempfile.mkdtemp(prefix="elan-bench-stage-"))
    server = Server(data_dir, {"ELAN_MAX_PARTICIPANTS": str(args.n + 10)})
    server.wait_ready()
    out: dict = {"phones": args.n, "rate_per_s": args.rate}
    trainer = {"X-Elan-Key": KEY}
    try:
        http = httpx.Client(base_url=server.url + "/elan/api/", trust_env=False, timeout=30)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
            if args.part in ("all", "walls"):
                out |= walls(server, browser, http, trainer, args.n, args.rate)
                out |= cloud_drawing(server, browser, http, trainer)
            if args.part == "walls":
                browser.close()
                return report(out, args.json)
            idle = http.post("sessions", json={"workshop": "values", "lang": "fr"}, headers=trainer).json()["code"]
            http.post(f"s/{idle}/trainer/open", headers=trainer, json={"spec": CHOICE})
            out |= page_costs(server, browser, idle, args.runs)

            code = http.post("sessions", json={"workshop": "values", "lang": "fr"}, headers=trainer).json()["code"]
            stage = browser.new_page(bypass_csp=True, viewport={"width": 1280, "height": 720})
            stage.goto(f"{server.url}/stage/{code}")
            console = browser.new_page(bypass_csp=True, viewport={"width": 1400, "height": 900})
            console.goto(f"{server.url}/voila/render/values/trainer.ipynb?key={KEY}&code={code}&lang=fr")
            console.wait_for_selector(".elan-status .elan-code", timeout=120_000)
            http.post(f"s/{code}/trainer/open", headers=trainer, json={"spec": CHOICE, "phase": "brainstorm"})
            stage.wait_for_function("document.querySelector('#prompt').textContent.includes('canal')")
            stage.evaluate(OBSERVER, ["#counts", r"(\d+) r[ée]ponses"])
            console.evaluate(OBSERVER, [".elan-status .elan-counts", r"(\d+) (?:ont r[ée]pondu|r[ée]ponses?|answered)"])
            cpu0 = server.cpu_seconds()
            wall0 = time.perf_counter()
            # The phones run in a thread of their own (Playwright's sync API holds this one's event loop).
            with ThreadPoolExecutor(1) as pool:
                stored, returned, joins, errors = pool.submit(
                    asyncio.run, phones(server, code, args.n, args.rate)
                ).result()
            cpu = (server.cpu_seconds() - cpu0) / (time.perf_counter() - wall0)
            stage_log, console_log = stage.evaluate("window.__log"), console.evaluate("window.__log")
            stage_lat, console_lat = following(stage_log, stored), following(console_log, stored)
            stage_own, console_own = following(stage_log, returned), following(console_log, returned)
            browser.close()
        out |= {
            "answers_stored": len(stored),
            "errors": errors,
            "join_p50_ms": round(pct(joins, 50) * 1000, 1),
            "join_p95_ms": round(pct(joins, 95) * 1000, 1),
            "stage_follow_p50_ms": round(pct(stage_lat, 50) * 1000, 1),
            "stage_follow_p95_ms": round(pct(stage_lat, 95) * 1000, 1),
            "stage_after_stored_p50_ms": round(pct(stage_own, 50) * 1000, 1),
            "stage_after_stored_p95_ms": round(pct(stage_own, 95) * 1000, 1),
            "stage_answers_seen": len(stage_lat),
            "console_follow_p50_ms": round(pct(console_lat, 50) * 1000, 1),
            "console_follow_p95_ms": round(pct(console_lat, 95) * 1000, 1),
            "console_after_stored_p50_ms": round(pct(console_own, 50) * 1000, 1),
            "console_after_stored_p95_ms": round(pct(console_own, 95) * 1000, 1),
            "console_answers_seen": len(console_lat),
            "answer_post_p50_ms": round(pct([r - s for s, r in zip(stored, returned)], 50) * 1000, 1),
            "answer_post_p95_ms": round(pct([r - s for s, r in zip(stored, returned)], 95) * 1000, 1),
            "load_average_1min": round(psutil.getloadavg()[0], 1),
            "server_cpu_percent_of_one_core": round(100 * cpu, 1),
            "server_peak_rss_mb": round(server.peak_rss / 2**20, 1),
        }
    finally:
        server.stop()
    return report(out, args.json)


def report(out: dict, path: str | None) -> int:
    width = max(len(k) for k in out)
    for key, value in out.items():
        print(f"{key:<{width}}  {value}")
    if path:
        Path(path).write_text(json.dumps(out, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
