"""The case editor: write a branching case with forms, French and English side by side, checked as you type.

The form edits a plain case document (the YAML's shape). Every change runs the same
checks as ``elan validate`` (the schema and the case checks), highlights a text written
in one language only, and redraws the branches: every path from the first step, the
steps no path reaches and the responses that lead nowhere. Saving writes the case to
the organisation's folder as readable YAML, keeping the comments and the order of a
file that is already there (a round-trip YAML writer).

>>> editor = CaseEditor("en")
>>> editor.set(("steps", 0, "responses", 0, "next"), "nowhere")
>>> branches(editor.case)["dead_ends"]
[('step-1', 'a')]
"""

from __future__ import annotations

import copy
import functools
import json
from pathlib import Path
from typing import Any

import ipywidgets as w
import jinja2

from widgets import content
from widgets.content import saving
from widgets.core.i18n import Translator
from widgets.live.exercises import casebook
from widgets.ui.trainer import current
from widgets.workshops.cases.solo import SoloCases

TEMPLATES = Path(__file__).resolve().parent / "templates"
LANGS = ("fr", "en")


@functools.cache
def _schema() -> dict:
    return json.loads((content.schema_dir() / "case.schema.json").read_text(encoding="utf-8"))


def choices(name: str) -> list[str]:
    """The values a field may take, from the case schema (sector, channel, mood, ending type, principle...)."""
    schema = _schema()
    found = {
        "sector": schema["properties"]["sector"],
        "channel": schema["properties"]["channel"],
        "mood": schema["$defs"]["mood"],
        "move": schema["$defs"]["response"]["properties"]["customer"],
        "ending": schema["$defs"]["ending"]["properties"]["type"],
        "principle": schema["$defs"]["principle"],
        "model": schema["properties"]["debrief"]["properties"]["lens"]["properties"]["model"],
    }[name]
    return list(found["enum"])


def _pair() -> dict:
    return {"fr": "", "en": ""}


def new_response(response_id: str, next_id: str) -> dict:
    return {
        "id": response_id,
        "text": _pair(),
        "feedback": _pair(),
        "effects": dict.fromkeys(casebook.COMPETENCES, 0),
        "customer": "same",
        "next": next_id,
    }


def new_step(step_id: str, next_id: str) -> dict:
    return {"id": step_id, "situation": _pair(), "responses": [new_response(r, next_id) for r in ("a", "b", "c")]}


def new_ending(ending_id: str, kind: str) -> dict:
    return {"id": ending_id, "type": kind, "title": _pair(), "outcome": _pair(), "questions": [_pair()]}


def blank_case() -> dict:
    """A new case to fill in: one step of three responses, two endings, a debrief with one point."""
    return {
        "kind": "case",
        "id": "",
        "title": _pair(),
        "sector": "other",
        "channel": "phone",
        "difficulty": 1,
        "minutes": 15,
        "context": _pair(),
        "customer": {"name": "", "situation": _pair(), "mood": "upset"},
        "steps": [new_step("step-1", "ending-1")],
        "endings": [new_ending("ending-1", "resolved"), new_ending("ending-2", "lost")],
        "debrief": {
            "principles": ["responsiveness"],
            "lens": {"model": "LAST", "note": _pair()},
            "points": [{"principle": "responsiveness", "text": _pair()}],
        },
    }


def branches(case: dict) -> dict:
    """Every path from the first step (a list of ``(step, response)`` and where it ends), and what is wrong.

    A response's ``next`` names a step, an ending, or a decision (whose rules pick an ending
    from the path taken). ``dead_ends``: responses whose ``next`` names none of them;
    ``unreachable``: steps, endings and decisions no path reaches; ``loops``: responses that
    go back to a step already on their path.
    """
    steps = {s["id"]: s for s in case.get("steps", [])}
    endings = {e["id"] for e in case.get("endings", [])}
    decisions = {d["id"]: d for d in case.get("decisions", []) or []}
    paths, dead, loops, seen = [], [], [], set()
    if not case.get("steps"):
        return {"paths": [], "dead_ends": [], "loops": [], "unreachable": sorted(set(steps) | endings)}

    def walk(step_id: str, path: list) -> None:
        seen.add(step_id)
        for response in steps[step_id]["responses"]:
            here = path + [(step_id, response["id"])]
            nxt = response.get("next", "")
            if nxt in endings:
                seen.add(nxt)
                paths.append({"route": here, "end": nxt})
            elif nxt in decisions:
                outcomes = [rule.get("ending", "") for rule in decisions[nxt].get("rules", [])]
                seen.update([nxt, *outcomes])
                paths.append({"route": here, "end": f"{nxt} ({' | '.join(outcomes)})"})
            elif nxt in steps and nxt not in {s for s, _ in here}:
                if len(paths) < 500:
                    walk(nxt, here)
            elif nxt in steps:
                loops.append((step_id, response["id"]))
                paths.append({"route": here, "end": None})
            else:
                if (step_id, response["id"]) not in dead:
                    dead.append((step_id, response["id"]))
                paths.append({"route": here, "end": None})

    walk(case["steps"][0]["id"], [])
    unreachable = [i for i in [*steps, *(e["id"] for e in case["endings"]), *decisions] if i not in seen]
    return {"paths": paths, "dead_ends": dead, "loops": loops, "unreachable": unreachable}


def missing_translations(case: dict) -> list[tuple]:
    """The texts written in one language but not the other, by path."""
    out = []
    for path, text in content.texts(case):
        filled = [lang for lang in LANGS if text.get(lang, "").strip()]
        if filled and len(filled) < len(LANGS):
            out.extend(path + (lang,) for lang in LANGS if lang not in filled)
    return out


@functools.cache
def _html():
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True, trim_blocks=True, lstrip_blocks=True
    )
    return env.get_template("editor.html").module


def _get(node: Any, path: tuple) -> Any:
    for part in path:
        node = node[part]
    return node


class CaseEditor(w.VBox):
    """Write or change one case; check it as you type; save it to the organisation's folder."""

    def __init__(self, lang: str, case: dict | None = None):
        self.lang, self.t = lang, Translator(lang)
        self.case = copy.deepcopy(case) if case else blank_case()
        self.texts: dict[tuple, w.Textarea] = {}
        t = self.t
        self.picker = w.Dropdown(
            options=[("", "")] + [(content.text(c["title"], lang), c["id"]) for c in casebook.load_cases()],
            description=t("editor.open"),
            style={"description_width": "initial"},
        )
        self.picker.add_class("elan-editor-open")
        self.picker.observe(lambda ch: self.open_case(ch["new"]) if ch["new"] else None, names="value")
        new = w.Button(description=t("editor.new"))
        new.on_click(lambda _: self.open_case(None))
        self.form = w.VBox()
        self.checks, self.graph, self.message = w.HTML(), w.HTML(), w.HTML()
        self.checks.add_class("elan-editor-checks")
        self.graph.add_class("elan-editor-graph")
        self.save_button = w.Button(description=t("editor.save"), button_style="primary")
        self.save_button.add_class("elan-editor-save")
        self.save_button.on_click(lambda _: self.save())
        # Try the case as a learner plays it alone (feedback after each answer, scores at the end), unsaved.
        self.try_button = w.Button(description=t("editor.try"))
        self.try_button.add_class("elan-editor-try")
        self.try_button.on_click(lambda _: self.try_it())
        self.preview = w.VBox()
        self.preview.add_class("elan-editor-preview")
        side = w.VBox(
            [
                w.HTML(str(_html().heading(t("editor.branches")))),
                self.graph,
                w.HTML(str(_html().heading(t("editor.checks")))),
                self.checks,
                self.save_button,
                self.message,
                self.try_button,
                self.preview,
            ]
        )
        side.add_class("elan-editor-side")
        super().__init__([w.HBox([self.picker, new]), w.HBox([self.form, side])])
        self.add_class("elan-editor")
        self.build()

    # --- the model --------------------------------------------------------------------------

    def set(self, path: tuple, value: Any) -> None:
        """Change one field of the case and check it again."""
        _get(self.case, path[:-1])[path[-1]] = value
        self.refresh()

    def open_case(self, case_id: str | None) -> None:
        self.case = copy.deepcopy(casebook.get_case(case_id)) if case_id else blank_case()
        self.message.value = ""
        self.build()

    def add_step(self) -> None:
        n = len(self.case["steps"]) + 1
        ids = {s["id"] for s in self.case["steps"]}
        while f"step-{n}" in ids:
            n += 1
        self.case["steps"].append(new_step(f"step-{n}", self.case["endings"][0]["id"] if self.case["endings"] else ""))
        self.build()

    def add_ending(self) -> None:
        n = len(self.case["endings"]) + 1
        self.case["endings"].append(new_ending(f"ending-{n}", "resolved"))
        self.build()

    def remove(self, kind: str, index: int) -> None:
        """Take a step or an ending out; answers that led to it become dead ends, flagged until fixed."""
        del self.case[kind][index]
        self.build()

    def try_it(self) -> None:
        """Play the case as written now, in the self-paced player (nothing is saved)."""
        self.preview.children = []
        if self.problems():
            self.message.value = str(_html().message(self.t("editor.fix_first"), "error"))
            return
        player = SoloCases(self.lang, demo=True)
        player.case, player.choices, player.started, player.pending = copy.deepcopy(self.case), [], False, None
        player.token = None  # a try is not a learner's play: nothing goes to a cohort, and none is named
        player.notice.value, player.identity.children = "", []
        player.draw()
        self.preview.children = [player]

    # --- the form ----------------------------------------------------------------------------

    def _remove(self, kind: str, index: int) -> w.Widget:
        button = w.Button(description=self.t("editor.remove"), layout=w.Layout(width="auto"))
        button.add_class(f"elan-editor-remove-{kind}-{index}")
        button.on_click(lambda _: self.remove(kind, index))
        return button

    def _css(self, path: tuple) -> str:
        return "elan-editor-" + "-".join(str(p) for p in path)

    def _pair(self, path: tuple, label: str, rows: int = 2) -> w.Widget:
        boxes = []
        for lang in LANGS:
            area = w.Textarea(
                value=_get(self.case, path).get(lang, ""),
                placeholder=self.t(f"editor.lang_{lang}"),
                rows=rows,
                continuous_update=True,
                layout=w.Layout(width="48%"),
            )
            area.add_class(self._css(path + (lang,)))
            area.observe(lambda ch, p=path + (lang,): self.set(p, ch["new"]), names="value")
            self.texts[path + (lang,)] = area
            boxes.append(area)
        return w.VBox([w.HTML(str(_html().label(label))), w.HBox(boxes)])

    def _text(self, path: tuple, label: str) -> w.Widget:
        is_id = path[-1] == "id"
        # An id names a target of "next": once typed (not at each key), the choices are drawn again.
        field = w.Text(
            value=str(_get(self.case, path)),
            description=label,
            style={"description_width": "initial"},
            continuous_update=not is_id,
        )
        field.add_class(self._css(path))
        field.observe(
            lambda ch, p=path: self.set_id(p, ch["new"]) if is_id else self.set(p, ch["new"].strip()), names="value"
        )
        return field

    def set_id(self, path: tuple, value: str) -> None:
        _get(self.case, path[:-1])[path[-1]] = value.strip()
        if len(path) > 1:
            self.build()  # a step's or an ending's id: the choices of "Then" change
        else:
            self.refresh()

    def _choice(self, path: tuple, label: str, options: list, labels: dict | None = None) -> w.Widget:
        current = _get(self.case, path)
        opts = [((labels or {}).get(o, str(o)), o) for o in options]
        if current not in options:
            opts.insert(0, (str(current), current))
        field = w.Dropdown(options=opts, value=current, description=label, style={"description_width": "initial"})
        field.add_class(self._css(path))
        field.observe(lambda ch, p=path: self.set(p, ch["new"]), names="value")
        return field

    def _effects(self, path: tuple) -> w.Widget:
        fields = []
        for name in casebook.COMPETENCES:
            field = w.BoundedIntText(
                value=_get(self.case, path)[name],
                min=-2,
                max=2,
                description=self.t(f"cases.competence_{name}"),
                style={"description_width": "initial"},
                layout=w.Layout(width="200px"),
            )
            field.add_class(self._css(path + (name,)))
            field.observe(lambda ch, p=path + (name,): self.set(p, int(ch["new"])), names="value")
            fields.append(field)
        return w.HBox(fields, layout=w.Layout(flex_flow="row wrap"))

    def build(self) -> None:
        """Draw the whole form again (after a step, response or ending is added or removed)."""
        t, c = self.t, self.case
        self.texts = {}
        targets = [s["id"] for s in c["steps"]] + [e["id"] for e in c["endings"]]
        targets += [d["id"] for d in c.get("decisions", []) or []]  # kept as written: the form does not edit them
        parts = [
            w.HTML(str(_html().heading(t("editor.case")))),
            self._text(("id",), t("editor.id")),
            self._pair(("title",), t("editor.title"), 1),
            w.HBox(
                [
                    self._choice(
                        ("sector",),
                        t("editor.sector"),
                        choices("sector"),
                        {s: t(f"cases.sector_{s}") for s in choices("sector")},
                    ),
                    self._choice(
                        ("channel",),
                        t("editor.channel"),
                        choices("channel"),
                        {s: t(f"cases.channel_{s}") for s in choices("channel")},
                    ),
                    self._choice(("difficulty",), t("editor.difficulty"), [1, 2, 3]),
                ]
            ),
            self._pair(("context",), t("editor.context")),
            self._text(("customer", "name"), t("editor.customer_name")),
            self._pair(("customer", "situation"), t("editor.customer_situation")),
            self._choice(
                ("customer", "mood"),
                t("editor.mood"),
                choices("mood"),
                {m: t(f"cases.mood_{m}") for m in choices("mood")},
            ),
        ]
        for si, step in enumerate(c["steps"]):
            parts.append(w.HTML(str(_html().heading(t("editor.step", n=si + 1, id=step["id"])))))
            parts.append(w.HBox([self._text(("steps", si, "id"), t("editor.id")), self._remove("steps", si)]))
            parts.append(self._pair(("steps", si, "situation"), t("editor.situation")))
            for ri in range(len(step["responses"])):
                base = ("steps", si, "responses", ri)
                box = w.VBox(
                    [
                        w.HTML(str(_html().label(t("editor.response", letter=chr(65 + ri))))),
                        self._pair(base + ("text",), t("editor.response_text")),
                        self._pair(base + ("feedback",), t("editor.feedback")),
                        self._effects(base + ("effects",)),
                        w.HBox(
                            [
                                self._choice(
                                    base + ("customer",),
                                    t("editor.move"),
                                    choices("move"),
                                    {m: t(f"print.move_{m}") for m in choices("move")},
                                ),
                                self._choice(base + ("next",), t("editor.next"), targets),
                            ]
                        ),
                    ]
                )
                box.add_class("elan-editor-response")
                parts.append(box)
        add_step, add_ending = w.Button(description=t("editor.add_step")), w.Button(description=t("editor.add_ending"))
        add_step.add_class("elan-editor-add-step")
        add_ending.add_class("elan-editor-add-ending")
        add_step.on_click(lambda _: self.add_step())
        add_ending.on_click(lambda _: self.add_ending())
        parts.append(w.HBox([add_step, add_ending]))
        for ei, ending in enumerate(c["endings"]):
            parts.append(w.HTML(str(_html().heading(t("editor.ending", n=ei + 1, id=ending["id"])))))
            parts.append(
                w.HBox(
                    [
                        self._text(("endings", ei, "id"), t("editor.id")),
                        self._remove("endings", ei),
                        self._choice(
                            ("endings", ei, "type"),
                            t("editor.ending_type"),
                            choices("ending"),
                            {e: t(f"cases.ending_{e}") for e in choices("ending")},
                        ),
                    ]
                )
            )
            parts.append(self._pair(("endings", ei, "title"), t("editor.title"), 1))
            parts.append(self._pair(("endings", ei, "outcome"), t("editor.outcome")))
            parts.append(self._pair(("endings", ei, "questions", 0), t("editor.question")))
        parts.append(w.HTML(str(_html().heading(t("editor.debrief")))))
        parts.append(self._choice(("debrief", "lens", "model"), t("editor.lens"), choices("model")))
        parts.append(self._pair(("debrief", "lens", "note"), t("editor.lens_note")))
        parts.append(
            self._choice(
                ("debrief", "points", 0, "principle"),
                t("editor.principle"),
                choices("principle"),
                {p: t(f"cases.principle_{p}") for p in choices("principle")},
            )
        )
        parts.append(self._pair(("debrief", "points", 0, "text"), t("editor.point")))
        self.form.children = parts
        self.refresh()

    # --- checks, branches, saving -----------------------------------------------------------

    def problems(self) -> list[tuple[str, str]]:
        """The same problems ``elan validate`` would report, by field, and the translations missing."""
        case = dict(self.case)
        case["debrief"] = dict(case["debrief"], principles=sorted({p["principle"] for p in case["debrief"]["points"]}))
        missing = missing_translations(case)
        # A text left empty in one language is said once, as a missing translation, not also as "too short".
        out = [
            (content.field_name(path), message) for path, message in content.problems_at(case) if path not in missing
        ]
        out += [(content.field_name(path), self.t("editor.missing_translation")) for path in missing]
        return out

    def refresh(self) -> None:
        # The debrief's principles are those its points name: one list to keep, not two.
        self.case["debrief"]["principles"] = sorted({p["principle"] for p in self.case["debrief"]["points"]})
        missing = set(missing_translations(self.case))
        for path, area in self.texts.items():
            if path in missing:
                area.add_class("elan-editor-missing")
            else:
                area.remove_class("elan-editor-missing")
        found = branches(self.case)
        rows = []
        for path in found["paths"]:
            route = [
                f"{s} ({chr(65 + [r['id'] for r in casebook_step(self.case, s)['responses']].index(r))})"
                for s, r in path["route"]
            ]
            rows.append({"route": " → ".join(route), "end": path["end"] or "", "dead": path["end"] is None})
        self.graph.value = str(_html().graph(rows, found["unreachable"], self.t))
        problems = self.problems()
        self.checks.value = str(_html().problems(problems, self.t("editor.no_problem")))
        self.save_button.disabled = bool(problems)
        self.try_button.disabled = bool(problems)

    def save(self) -> Path | None:
        """Write the case to ``<organisation folder>/cases/<id>.yaml``; refused while a problem remains."""
        root = content.organisation_dir()
        if root is None:
            self.message.value = str(_html().message(self.t("editor.no_folder"), "error"))
            return None
        if self.problems():
            self.message.value = str(_html().message(self.t("editor.fix_first"), "error"))
            return None
        target = saving.write(root / "cases" / f"{self.case['id']}.yaml", self.case)
        self.message.value = str(_html().message(self.t("editor.saved", path=str(target)), "counts"))
        return target


def casebook_step(case: dict, step_id: str) -> dict:
    return next(s for s in case["steps"] if s["id"] == step_id)


def case_editor(lang: str | None = None) -> CaseEditor:
    """The case editor's notebook view, in the language of the page."""
    return CaseEditor(current(lang).lang)
