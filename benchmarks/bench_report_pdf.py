"""The session report as PDF: Debian's chromium printing the HTML report, against WeasyPrint when it is installed.

    .venv/bin/python benchmarks/bench_report_pdf.py --runs 5 --cards 60

Fills a values session (cards, a dot vote, statements, a matching round), renders
the HTML report once, then prints it with each engine ``--runs`` times and gives
the median seconds, the PDF's size and page count, and whether the report's text
can be read back (pypdf). Figures go to benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import io
import statistics
import time

from pypdf import PdfReader

import widgets.workshops.day  # noqa: F401
from widgets.core.settings import Settings
from widgets.live.engine import Engine
from widgets.live.store import Store
from widgets.web import export
from widgets.workshops.metrics.matching import match_spec


def filled_session(cards: int) -> tuple[Engine, str]:
    engine = Engine(Store("sqlite://"), Settings(trainer_key="k"))
    trainer = engine.authenticate("k")
    code = engine.create_session(trainer, "values", "fr", title="Banc d’essai")["code"]
    engine.open_activity(
        trainer, code, {"kind": "ideas", "id": "cards", "prompt": "Un mot ?", "max_per_participant": 50}
    )
    tokens = [engine.join(code, name=f"Personne {i}")[1] for i in range(12)]
    for i in range(cards):
        engine.submit(code, tokens[i % len(tokens)], "cards", {"text": f"Valeur numéro {i}"})
    engine.open_activity(trainer, code, {"kind": "dots", "id": "vote", "source": "cards", "budget": 5, "stack": False})
    for n, token in enumerate(tokens):
        for item in range(1 + n % 5, 6 + n % 5):
            engine.submit(code, token, "vote", {"item": item, "dots": 1})
    engine.set_data(trainer, code, "vision", "Un service qui écoute.")
    engine.open_activity(trainer, code, match_spec("values", "fr"))
    for token in tokens:
        engine.submit(code, token, "metrics-values", {"row": "speed", "columns": ["FRT", "AHT"]})
    return engine, code


def measure(name: str, fn, html: str, runs: int) -> None:
    times, pdf = [], b""
    for _ in range(runs):
        start = time.perf_counter()
        pdf = fn(html)
        times.append(time.perf_counter() - start)
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(page.extract_text() for page in reader.pages)
    print(
        f"{name}: median {statistics.median(times):.2f} s (runs {', '.join(f'{t:.2f}' for t in times)}), "
        f"{len(pdf) // 1024} KiB, {len(reader.pages)} pages, text readable: {'Un service qui écoute' in text}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cards", type=int, default=60)
    args = parser.parse_args()
    engine, code = filled_session(args.cards)
    start = time.perf_counter()
    html = export.to_html(engine, code)
    print(f"HTML report: {time.perf_counter() - start:.2f} s, {len(html) // 1024} KiB")
    measure("chromium --print-to-pdf", export.html_to_pdf, html, args.runs)
    try:
        import weasyprint
    except ImportError:
        print("weasyprint: not installed (pip install weasyprint to compare)")
    else:
        measure(
            f"weasyprint {weasyprint.__version__}", lambda h: weasyprint.HTML(string=h).write_pdf(), html, args.runs
        )


if __name__ == "__main__":
    main()
