"""The case editor: write a branching case with forms, French and English side by side, checked as you type.

The form edits a plain case document (the YAML's shape): steps with their responses
(added and removed one by one), endings, decisions (rules that pick the ending from the
path taken) and the debrief. Every change runs the same checks as ``elan validate`` (the
schema and the case checks), highlights a text written in one language only, and redraws
the branch graph (:mod:`widgets.workshops.cases.graph`): steps in columns by depth,
responses as labelled edges, endings last, dead ends and unreachable steps marked. The
preview opens the draft in a throwaway preview session of the engine and shows the real
phone page and the real stage side by side. Saving writes the case to the organisation's
folder as readable YAML, keeping the comments and the order of a file that is already
there (a round-trip YAML writer).

>>> editor = CaseEditor("en")
>>> editor.set(("steps", 0, "responses", 0, "next"), "nowhere")
>>> branches(editor.case)["dead_ends"]
[('step-1', 'a')]
"""

from __future__ import annotations

import atexit
import contextlib
import copy
import functools
import json
from pathlib import Path
from typing import Any

import ipywidgets as w

from widgets import content
from widgets.content import saving
from widgets.core.errors import EngineError
from widgets.core.i18n import Translator
from widgets.live.exercises import casebook
from widgets.ui.forms import VARIANTS, follow_variants, text_boxes, text_row, variants_toggle
from widgets.ui.templating import macros, replace_children
from widgets.ui.trainer import Viewer, current, page_may_write
from widgets.workshops.cases.dashboard import step_spec
from widgets.workshops.cases.graph import branches, layout  # noqa: F401  (branches: re-exported, the doctest uses it)
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


def missing_translations(case: dict) -> list[tuple]:
    """The texts written in one language but not the other, by path."""
    out = []
    for path, text in content.texts(case):
        filled = [lang for lang in LANGS if text.get(lang, "").strip()]
        if filled and len(filled) < len(LANGS):
            out.extend(path + (lang,) for lang in LANGS if lang not in filled)
    return out


def _html():
    return macros(TEMPLATES, "editor.html")


def _get(node: Any, path: tuple) -> Any:
    for part in path:
        node = node[part]
    return node


def next_response_id(step: dict) -> str:
    """A response id the step does not use yet: the next free letter (``a``, ``b``...), then ``r-<n>``.

    >>> next_response_id({"responses": [{"id": "a"}, {"id": "c"}]})
    'b'
    """
    used = {r["id"] for r in step["responses"]}
    for letter in "abcdefghijklmnopqrstuvwxyz":
        if letter not in used:
            return letter
    n = len(used) + 1
    while f"r-{n}" in used:
        n += 1
    return f"r-{n}"


def _ids(text: str) -> list[str]:
    """Ids typed in one field, separated by commas or spaces, in order, each once."""
    out = []
    for part in text.replace(",", " ").split():
        if part not in out:
            out.append(part)
    return out


#: The conditions of a decision's rule that list ids, and those that list moods.
ID_CONDITIONS = ("knows", "missed", "chose")


class CaseEditor(w.VBox):
    """Write or change one case; check it as you type; preview it on a phone and the stage; save it."""

    def __init__(self, lang: str, case: dict | None = None, viewer: Viewer | None = None):
        self.lang, self.t = lang, Translator(lang)
        self.viewer = viewer
        self.case = copy.deepcopy(case) if case else blank_case()
        self.texts: dict[tuple, w.Textarea] = {}
        self.preview_code: str | None = None
        self.preview_count = 0
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
        # The Québec texts (fr-CA): shown on request, on a Québec page, or when the case has some.
        self.variants = variants_toggle(t, lang, lambda: self.build())
        self.variants.add_class("elan-editor-variants")
        self.form = w.VBox()
        self.form.add_class("elan-editor-form")
        self.checks, self.graph, self.message = w.HTML(), w.HTML(), w.HTML()
        self.checks.add_class("elan-editor-checks")
        self.graph.add_class("elan-editor-graph")
        self.save_button = w.Button(description=t("editor.save"), button_style="primary", layout=w.Layout(width="auto"))
        self.save_button.add_class("elan-editor-save")
        self.save_button.on_click(lambda _: self.save())
        # Try the case as a learner plays it alone (feedback after each answer, scores at the end), unsaved.
        self.try_button = w.Button(description=t("editor.try"), layout=w.Layout(width="auto"))
        self.try_button.add_class("elan-editor-try")
        self.try_button.on_click(lambda _: self.try_it())
        self.player = w.VBox()
        self.player.add_class("elan-editor-player")
        # The preview: the real phone page and the real stage, on a throwaway preview session.
        self.screen = w.Dropdown(description=t("editor.preview_screen"), style={"description_width": "initial"})
        self.screen.add_class("elan-editor-screen")
        self.preview_button = w.Button(description=t("editor.preview"), icon="eye", layout=w.Layout(width="auto"))
        self.preview_button.add_class("elan-editor-preview-button")
        self.preview_button.on_click(lambda _: self.show_preview())
        self.frames = w.HTML()
        self.frames.add_class("elan-editor-frames")
        self.preview = w.VBox(
            [
                w.HBox([w.HTML(str(_html().heading(t("editor.preview")))), self.screen, self.preview_button]),
                w.HTML(str(_html().help(t("editor.preview_help")))),
                self.frames,
            ]
        )
        self.preview.add_class("elan-editor-preview")
        checks = w.HBox([w.HTML(str(_html().heading(t("editor.checks")))), self.save_button, self.try_button])
        side = w.VBox(
            [
                w.HTML(str(_html().heading(t("editor.branches")))),
                self.graph,
                checks,
                self.checks,
                self.message,
                self.preview,
                self.player,
            ]
        )
        side.add_class("elan-editor-side")
        body = w.HBox([self.form, side])
        body.add_class("elan-editor-body")
        title = w.HTML(str(_html().heading(t("editor.page_title"), level=1)))
        super().__init__([title, w.HBox([self.picker, new, self.variants]), body])
        self.add_class("elan-editor")
        self.build()

    # --- the model --------------------------------------------------------------------------

    def set(self, path: tuple, value: Any) -> None:
        """Change one field of the case and check it again."""
        if path[-1] in VARIANTS and not value.strip():
            _get(self.case, path[:-1]).pop(path[-1], None)  # a Québec text left empty: the French is read
        else:
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
        ids = {e["id"] for e in self.case["endings"]}
        while f"ending-{n}" in ids:
            n += 1
        self.case["endings"].append(new_ending(f"ending-{n}", "resolved"))
        self.build()

    def remove(self, kind: str, index: int) -> None:
        """Take a step, an ending or a decision out; answers that led to it become dead ends, flagged until fixed."""
        del self.case[kind][index]
        if kind == "decisions" and not self.case["decisions"]:
            del self.case["decisions"]
        self.build()

    def add_response(self, step_index: int) -> None:
        """A new response at the end of a step, with an id of its own; where it leads is left to choose (flagged)."""
        item = self.case["steps"][step_index]
        item["responses"].append(new_response(next_response_id(item), ""))
        self.build()

    def remove_response(self, step_index: int, index: int) -> None:
        """Take one response out of a step; the last one stays (a step offers at least one)."""
        responses = self.case["steps"][step_index]["responses"]
        if len(responses) > 1:
            del responses[index]
            self.build()

    def set_learns(self, path: tuple, text: str) -> None:
        """The facts a response teaches (``learns``), from ids typed with commas; none: the field goes."""
        response = _get(self.case, path)
        facts = _ids(text)
        if facts:
            response["learns"] = facts
        else:
            response.pop("learns", None)
        self.refresh()

    def add_decision(self) -> None:
        decisions = self.case.setdefault("decisions", [])
        ids = {d["id"] for d in decisions}
        n = len(decisions) + 1
        while f"decision-{n}" in ids:
            n += 1
        endings = [e["id"] for e in self.case["endings"]] or [""]
        mood = self.case["customer"].get("mood", "calm")
        decisions.append(
            {
                "id": f"decision-{n}",
                "rules": [{"when": {"mood": [mood]}, "ending": endings[0]}, {"ending": endings[-1]}],
            }
        )
        self.build()

    def add_rule(self, decision_index: int) -> None:
        """A new rule before the default one (the last rule stays the default)."""
        rules = self.case["decisions"][decision_index]["rules"]
        ending = rules[-1]["ending"] if rules else ""
        rules.insert(
            max(len(rules) - 1, 0), {"when": {"mood": [self.case["customer"].get("mood", "calm")]}, "ending": ending}
        )
        self.build()

    def remove_rule(self, decision_index: int, index: int) -> None:
        rules = self.case["decisions"][decision_index]["rules"]
        if len(rules) > 1:
            del rules[index]
            self.build()

    def set_condition(self, decision_index: int, rule_index: int, key: str, value: Any) -> None:
        """One condition of a rule's ``when``; an empty one is taken out, and an empty ``when`` too."""
        rule = self.case["decisions"][decision_index]["rules"][rule_index]
        when = rule.setdefault("when", {})
        if value in ([], {}, None, ""):
            when.pop(key, None)
        else:
            when[key] = value
        if not when:
            del rule["when"]
        self.refresh()

    def set_minimum(self, decision_index: int, rule_index: int, competence: str, text: str) -> None:
        """A competence total the rule asks for; a whole number, else kept as typed for the checks to name."""
        rule = self.case["decisions"][decision_index]["rules"][rule_index]
        minimum = dict(rule.get("when", {}).get("min", {}))
        text = text.strip()
        if not text:
            minimum.pop(competence, None)
        else:
            try:
                minimum[competence] = int(text)
            except ValueError:
                minimum[competence] = text  # the schema's message names the field: nothing typed is lost
        self.set_condition(decision_index, rule_index, "min", minimum)

    def try_it(self) -> None:
        """Play the case as written now, in the self-paced player (nothing is saved)."""
        replace_children(self.player, [])
        if self.problems():
            self.message.value = str(_html().message(self.t("editor.fix_first"), "error"))
            return
        player = SoloCases(self.lang, demo=True)
        player.case, player.choices, player.started, player.pending = copy.deepcopy(self.case), [], False, None
        player.token = None  # a try is not a learner's play: nothing goes to a cohort, and none is named
        player.notice.value, player.identity.children = "", []
        player.draw()
        replace_children(self.player, [player])

    # --- the preview -------------------------------------------------------------------------

    def screens(self) -> list[tuple[str, str]]:
        """What the preview can show: the context, each step (before and after the reveal), each ending."""
        t, c = self.t, self.case
        out = [(t("editor.preview_context"), "context")]
        for i, item in enumerate(c["steps"]):
            out.append((t("editor.preview_step", n=i + 1, id=item["id"]), f"step:{i}"))
            out.append((t("editor.preview_reveal", n=i + 1, id=item["id"]), f"reveal:{i}"))
        out += [(t("editor.preview_ending", n=i + 1, id=e["id"]), f"ending:{i}") for i, e in enumerate(c["endings"])]
        return out

    def preview_spec(self, screen: str, code: str, run: int) -> tuple[dict, bool]:
        """The activity a live room would see on this screen (the cases workshop's own spec), and whether revealed."""
        case = copy.deepcopy(self.case)
        case["id"] = case["id"] or "draft"
        if screen == "context":
            return {
                "kind": "info",
                "id": f"{case['id']}#info:{run}",
                "title": case["title"],
                "prompt": case["context"],
            }, False
        kind, _, index = screen.partition(":")
        if kind == "ending":
            end = case["endings"][int(index)]
            return {
                "kind": "info",
                "id": f"{case['id']}#end:{run}",
                "title": end["title"],
                "prompt": end["outcome"],
            }, False
        step_id = case["steps"][int(index)]["id"]
        revealed = kind == "reveal"
        # The order the room would see: shuffled by the session and the run, as the live workshop does.
        order = casebook.shown_order(case, step_id, f"{code}/{run}")
        return step_spec(case, step_id, run, revealed=revealed, order=order), revealed

    def show_preview(self) -> str | None:
        """Open the chosen screen in this editor's preview session and show the phone and the stage; the code."""
        t, viewer = self.t, self.viewer
        if viewer is None or viewer.demo or viewer.trainer is None:
            self.frames.value = str(_html().message(t("editor.preview_demo"), "muted"))
            return None
        engine, trainer = viewer.engine, viewer.trainer
        screen = self.screen.value or "context"
        kind, _, index = screen.partition(":")
        if kind in ("step", "reveal") and len(self.case["steps"][int(index)]["responses"]) < 2:
            self.frames.value = str(_html().message(t("editor.preview_too_few"), "error"))
            return None
        try:
            if self.preview_code is not None:
                try:
                    found = engine.trainer_session(trainer, self.preview_code)
                    if found["closed_at"] is not None:
                        self.preview_code = None
                except EngineError:
                    self.preview_code = None  # purged meanwhile: a new one
            if self.preview_code is None:
                title = content.text(self.case["title"], self.lang) or self.case["id"]
                self.preview_code = engine.open_preview(trainer, "cases", self.lang, title=title)["code"]
                engine.set_stage(trainer, self.preview_code, join=False)
                # The tab closed (Voilà stops its kernel) or the kernel culled: the preview goes with it.
                atexit.unregister(self._preview_ends_at_exit)
                atexit.register(self._preview_ends_at_exit)
            self.preview_count += 1
            spec, revealed = self.preview_spec(screen, self.preview_code, self.preview_count)
            engine.open_activity(trainer, self.preview_code, spec, phase="play", open=not revealed)
            if revealed:
                engine.reveal(trainer, self.preview_code, spec["id"], True)
        except (EngineError, KeyError, IndexError, TypeError) as exc:
            message = t(exc.key, **exc.values) if isinstance(exc, EngineError) else str(exc)
            self.frames.value = str(_html().message(t("editor.preview_failed", message=message), "error"))
            return None
        base, code, n = viewer.base_url, self.preview_code, self.preview_count
        label = {v: k for k, v in self.screens()}.get(screen, screen)
        self.frames.value = str(
            _html().frames(
                phone=f"{base}join/{code}?lang={self.lang}&v={n}",
                stage=f"{base}stage/{code}?v={n}",
                note=t("editor.preview_shown", screen=label, code=code),
                t=t,
            )
        )
        return code

    def discard_preview(self) -> None:
        """Delete the preview session now (when the kernel stops, or at the next ``elan purge``, otherwise)."""
        self._preview_ends()
        self.frames.value = ""

    def _preview_ends_at_exit(self) -> None:
        # The store may have gone first (a server stopping): then ``elan purge`` removes the preview.
        with contextlib.suppress(Exception):
            self._preview_ends()

    def _preview_ends(self) -> None:
        if self.preview_code and self.viewer is not None and not self.viewer.demo:
            with contextlib.suppress(EngineError):  # already gone
                self.viewer.engine.discard_preview(self.viewer.trainer, self.preview_code)
        self.preview_code = None

    # --- the form ----------------------------------------------------------------------------

    def _button(self, text: str, css: str, action) -> w.Button:
        button = w.Button(description=text, layout=w.Layout(width="auto"))
        button.add_class(css)
        button.on_click(lambda _: action())
        return button

    def _remove(self, kind: str, index: int) -> w.Widget:
        return self._button(
            self.t("editor.remove"), f"elan-editor-remove-{kind}-{index}", lambda: self.remove(kind, index)
        )

    def _css(self, path: tuple) -> str:
        return "elan-editor-" + "-".join(str(p) for p in path)

    def _pair(self, path: tuple, label: str, rows: int = 2) -> w.Widget:
        langs = LANGS + (VARIANTS if self.variants.value else ())
        boxes = text_boxes(self.t, _get(self.case, path), langs, rows=rows, width=96)
        for lang, area in boxes.items():
            area.add_class(self._css(path + (lang,)))
            area.observe(lambda ch, p=path + (lang,): self.set(p, ch["new"]), names="value")
            self.texts[path + (lang,)] = area
        return w.VBox([w.HTML(str(_html().label(label))), text_row(boxes.values())])

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

    def _ids_field(self, css: str, label: str, values: list[str], on_change) -> w.Widget:
        field = w.Text(
            value=", ".join(values),
            description=label,
            style={"description_width": "initial"},
            continuous_update=False,
            layout=w.Layout(width="98%"),
        )
        field.add_class(css)
        field.observe(lambda ch: on_change(ch["new"]), names="value")
        return field

    def set_id(self, path: tuple, value: str) -> None:
        _get(self.case, path[:-1])[path[-1]] = value.strip()
        if len(path) > 1:
            self.build()  # a step's, an ending's or a decision's id: the choices of "Then" change
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

    def _response(self, si: int, ri: int, targets: list[str]) -> w.Widget:
        t, step = self.t, self.case["steps"][si]
        base = ("steps", si, "responses", ri)
        letter = chr(65 + ri) if ri < 26 else str(ri + 1)
        remove = self._button(
            t("editor.remove_response", letter=letter),
            f"elan-editor-remove-response-{si}-{ri}",
            lambda: self.remove_response(si, ri),
        )
        remove.disabled = len(step["responses"]) <= 1  # a step keeps at least one response
        box = w.VBox(
            [
                w.HBox([w.HTML(str(_html().label(t("editor.response", letter=letter)))), remove]),
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
                self._ids_field(
                    self._css(base + ("learns",)),
                    t("editor.learns"),
                    step["responses"][ri].get("learns", []),
                    lambda text, p=base: self.set_learns(p, text),
                ),
            ]
        )
        box.add_class("elan-editor-response")
        return box

    def _rule(self, di: int, ri: int, endings: list[str]) -> w.Widget:
        t = self.t
        rules = self.case["decisions"][di]["rules"]
        rule, base = rules[ri], ("decisions", di, "rules", ri)
        last = ri == len(rules) - 1
        remove = self._button(
            t("editor.remove_rule", n=ri + 1), f"elan-editor-remove-rule-{di}-{ri}", lambda: self.remove_rule(di, ri)
        )
        remove.disabled = len(rules) <= 1
        title = t("editor.rule_default", n=ri + 1) if last and "when" not in rule else t("editor.rule", n=ri + 1)
        parts: list[w.Widget] = [
            w.HBox([w.HTML(str(_html().label(title))), remove]),
            self._choice(base + ("ending",), t("editor.rule_ending"), endings),
        ]
        when = rule.get("when", {})
        if not (last and not when):
            moods = []
            for mood in choices("mood"):
                box = w.Checkbox(
                    value=mood in when.get("mood", []),
                    description=t(f"cases.mood_{mood}"),
                    indent=False,
                    layout=w.Layout(width="auto", margin="0 12px 0 0"),
                )
                box.add_class(self._css(base + ("when", "mood", mood)))
                box.observe(lambda ch, m=mood: self._toggle_mood(di, ri, m, ch["new"]), names="value")
                moods.append(box)
            parts.append(w.VBox([w.HTML(str(_html().label(t("editor.when_mood")))), w.HBox(moods)]))
            for key in ID_CONDITIONS:
                parts.append(
                    self._ids_field(
                        self._css(base + ("when", key)),
                        t(f"editor.when_{key}"),
                        when.get(key, []),
                        lambda text, k=key: self.set_condition(di, ri, k, _ids(text)),
                    )
                )
            minimum = []
            for name in casebook.COMPETENCES:
                field = w.Text(
                    value=str(when.get("min", {}).get(name, "")),
                    description=t(f"cases.competence_{name}"),
                    style={"description_width": "initial"},
                    continuous_update=False,
                    layout=w.Layout(width="170px"),
                )
                field.add_class(self._css(base + ("when", "min", name)))
                field.observe(lambda ch, c=name: self.set_minimum(di, ri, c, ch["new"]), names="value")
                minimum.append(field)
            parts.append(
                w.VBox(
                    [
                        w.HTML(str(_html().label(t("editor.when_min")))),
                        w.HBox(minimum, layout=w.Layout(flex_flow="row wrap")),
                    ]
                )
            )
        box = w.VBox(parts)
        box.add_class("elan-editor-rule")
        return box

    def _toggle_mood(self, di: int, ri: int, mood: str, on: bool) -> None:
        current = self.case["decisions"][di]["rules"][ri].get("when", {}).get("mood", [])
        wanted = [m for m in choices("mood") if (m in current or (on and m == mood)) and not (not on and m == mood)]
        self.set_condition(di, ri, "mood", wanted)

    def build(self) -> None:
        """Draw the whole form again (after a step, response, ending, decision or rule is added or removed)."""
        t, c = self.t, self.case
        self.texts = {}
        follow_variants(self.variants, t, c)
        endings = [e["id"] for e in c["endings"]]
        targets = [s["id"] for s in c["steps"]] + endings + [d["id"] for d in c.get("decisions", []) or []]
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
                parts.append(self._response(si, ri, targets))
            parts.append(
                self._button(
                    t("editor.add_response"), f"elan-editor-add-response-{si}", lambda i=si: self.add_response(i)
                )
            )
        parts.append(
            w.HBox(
                [
                    self._button(t("editor.add_step"), "elan-editor-add-step", self.add_step),
                    self._button(t("editor.add_ending"), "elan-editor-add-ending", self.add_ending),
                ]
            )
        )
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
        parts.append(w.HTML(str(_html().heading(t("editor.decisions")))))
        parts.append(w.HTML(str(_html().help(t("editor.decisions_help")))))
        for di, decision in enumerate(c.get("decisions", []) or []):
            parts.append(w.HTML(str(_html().heading(t("editor.decision", n=di + 1, id=decision["id"]), 4))))
            parts.append(w.HBox([self._text(("decisions", di, "id"), t("editor.id")), self._remove("decisions", di)]))
            for ri in range(len(decision["rules"])):
                parts.append(self._rule(di, ri, endings))
            parts.append(
                self._button(t("editor.add_rule"), f"elan-editor-add-rule-{di}", lambda i=di: self.add_rule(i))
            )
        parts.append(self._button(t("editor.add_decision"), "elan-editor-add-decision", self.add_decision))
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
        replace_children(self.form, parts)
        screens = self.screens()
        keep = self.screen.value if self.screen.value in [v for _, v in screens] else None
        self.screen.options = screens
        self.screen.value = keep or (screens[1][1] if len(screens) > 1 else screens[0][1])
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
        follow_variants(self.variants, self.t, self.case)
        # The debrief's principles are those its points name: one list to keep, not two.
        self.case["debrief"]["principles"] = sorted({p["principle"] for p in self.case["debrief"]["points"]})
        missing = set(missing_translations(self.case))
        for path, area in self.texts.items():
            if path in missing:
                area.add_class("elan-editor-missing")
            else:
                area.remove_class("elan-editor-missing")
        drawn = layout(self.case, self.lang)
        rows = []
        for path in drawn["found"]["paths"]:
            route = [f"{s} ({chr(65 + _index(self.case, s, r))})" for s, r in path["route"]]
            rows.append({"route": " → ".join(route), "end": path["end"] or "", "dead": path["end"] is None})
        drawn["rows"] = rows
        self.graph.value = str(_html().graph(drawn, self.t))
        problems = self.problems()
        self.checks.value = str(_html().problems(problems, self.t("editor.no_problem")))
        self.save_button.disabled = bool(problems)
        self.try_button.disabled = bool(problems)

    def save(self) -> Path | None:
        """Write the case to ``<organisation folder>/cases/<id>.yaml``; refused while a problem remains."""
        if not page_may_write():  # checked here, at the write: a page shown to a stranger saves nothing
            self.message.value = str(_html().message(self.t("core.error_not_trainer"), "error"))
            return None
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


def _index(case: dict, step_id: str, response_id: str) -> int:
    """The position of a response in its step (the letter the editor gives it)."""
    item = next(s for s in case["steps"] if s["id"] == step_id)
    return [r["id"] for r in item["responses"]].index(response_id)


def case_editor(lang: str | None = None) -> CaseEditor:
    """The case editor's notebook view, in the language of the page (the preview needs the trainer's server)."""
    viewer = current(lang)
    return CaseEditor(viewer.lang, viewer=viewer)
