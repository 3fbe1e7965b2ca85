"""The values workshop for one learner: your values, their order, action statements, a vision check, your statement.

The rules are the live workshop's (:mod:`widgets.workshops.values.philosophy`): the same hints, the
same template and the same exports.

>>> solo = SoloStatement("en")
>>> solo.set_values("Listening\\nSpeed\\nlistening")
>>> solo.order
['Listening', 'Speed']
>>> solo.move(1, -1); solo.order
['Speed', 'Listening']
"""

from __future__ import annotations

import os

import ipywidgets as w

from widgets import content
from widgets.core.i18n import Translator, pick_language
from widgets.core.settings import Settings
from widgets.core.text import duplicate_key
from widgets.ui.templating import replace_children
from widgets.ui.trainer import query
from widgets.workshops.values import philosophy
from widgets.workshops.values.dashboard import _html, downloads, links_html, statement_html


def _solo():
    """The solo view's HTML pieces: the macros of ``templates/solo.html`` (autoescaped)."""
    return _html("solo.html")


class SoloStatement:
    """The learner's statement as plain data (values in order, an action per value, the vision)."""

    def __init__(self, lang: str):
        self.lang = lang
        self.keep = content.load(philosophy.CONTENT)["keep"]
        self.order: list[str] = []
        self.actions: dict[str, str] = {}
        self.vision = ""
        self.purpose = ""
        self.dropped = False

    def set_values(self, text: str) -> None:
        """Values from one-per-line text: duplicates (folded) once, at most ``keep``; the order kept for known ones."""
        names, keys = [], set()
        for line in text.splitlines():
            name = " ".join(line.split())[:80]
            key = duplicate_key(name)
            if name and key and key not in keys:
                keys.add(key)
                names.append(name)
        self.dropped = len(names) > self.keep
        names = names[: self.keep]
        self.order = [n for n in self.order if n in names] + [n for n in names if n not in self.order]

    def move(self, index: int, step: int) -> None:
        other = index + step
        if 0 <= index < len(self.order) and 0 <= other < len(self.order):
            self.order[index], self.order[other] = self.order[other], self.order[index]

    def statement(self) -> philosophy.Statement:
        return philosophy.Statement(
            purpose=self.purpose,
            vision=self.vision,
            values=[philosophy.Value(n, self.actions.get(n, "")) for n in self.order],
        )


class SoloView(w.VBox):
    """The five steps on one page; every change redraws the steps after it."""

    def __init__(self, lang: str):
        self.lang, self.t = lang, Translator(lang)
        self.doc = content.load(philosophy.CONTENT)
        self.model = SoloStatement(lang)
        t, x = self.t, lambda value: content.text(value, lang)
        self.common = {duplicate_key(x(v["name"])): v for v in self.doc["values"]}

        self.values_text = w.Textarea(
            placeholder="\n".join(x(v["name"]) for v in self.doc["values"][:3]),
            layout=w.Layout(width="95%", height="130px"),
        )
        self.values_text.observe(lambda _: self._values_changed(), names="value")
        suggestions = []
        for value in self.doc["values"]:
            button = w.Button(description=x(value["name"]), tooltip=x(value["meaning"]), layout=w.Layout(width="auto"))
            button.on_click(lambda _, name=x(value["name"]): self._add(name))
            suggestions.append(button)
        self.values_note = w.HTML()
        self.order_box = w.VBox()
        self.actions_box = w.VBox()
        advice = [x(a) for a in self.doc["action_hints"]["advice"]]
        examples = [x(a) for a in self.doc["action_hints"]["examples"]]
        self.vision_text = w.Text(placeholder=t("values.solo_vision_placeholder"), layout=w.Layout(width="95%"))
        self.vision_text.observe(lambda _: self._vision_changed(), names="value")
        self.checks = []
        check_rows = []
        for criterion in self.doc["criteria"]:
            box = w.Checkbox(
                value=False, description=x(criterion["label"]), indent=False, layout=w.Layout(width="auto")
            )
            box.observe(lambda _: self._vision_changed(), names="value")
            self.checks.append(box)
            check_rows.append(
                w.VBox(
                    [
                        box,
                        w.HTML(str(_solo().criterion(x(criterion["question"]), x(criterion["tip"])))),
                    ]
                )
            )
        self.check_summary = w.HTML()
        self.purpose_text = w.Text(
            description=t("values.purpose_label"), style={"description_width": "initial"}, layout=w.Layout(width="95%")
        )
        self.purpose_text.observe(lambda _: self._statement_changed(), names="value")
        self.links, self.preview = w.HTML(), w.HTML()

        def title(key: str) -> w.HTML:
            return w.HTML(str(_solo().title(t(key))))

        super().__init__(
            [
                title("values.solo_values_title"),
                w.HTML(str(_solo().question(x(self.doc["question"]), t("values.solo_values_help")))),
                self.values_text,
                w.HBox(suggestions, layout=w.Layout(flex_flow="row wrap")),
                self.values_note,
                title("values.solo_order_title"),
                w.HTML(str(_solo().message(t("values.solo_order_help")))),
                self.order_box,
                title("values.solo_actions_title"),
                w.HTML(str(_solo().hints(advice, t("values.action_examples"), examples))),
                self.actions_box,
                title("values.solo_vision_title"),
                self.vision_text,
                w.HTML(str(_solo().subtitle(t("values.solo_checklist")))),
                *check_rows,
                self.check_summary,
                title("values.solo_statement_title"),
                self.purpose_text,
                self.links,
                self.preview,
            ]
        )
        self._values_changed()
        self._vision_changed()

    # --- steps ---------------------------------------------------------------------------

    def _add(self, name: str) -> None:
        lines = [line for line in self.values_text.value.splitlines() if line.strip()]
        self.values_text.value = "\n".join(lines + [name])

    def _values_changed(self) -> None:
        self.model.set_values(self.values_text.value)
        self.values_note.value = (
            str(_solo().message(self.t("values.solo_too_many"), "error")) if self.model.dropped else ""
        )
        self._draw_order()
        self._draw_actions()
        self._statement_changed()

    def _draw_order(self) -> None:
        rows = []
        for i, name in enumerate(self.model.order):
            up = w.Button(
                description="▲", tooltip=self.t("values.move_up"), disabled=i == 0, layout=w.Layout(width="48px")
            )
            down = w.Button(
                description="▼",
                tooltip=self.t("values.move_down"),
                disabled=i == len(self.model.order) - 1,
                layout=w.Layout(width="48px"),
            )
            up.on_click(lambda _, i=i: self._move(i, -1))
            down.on_click(lambda _, i=i: self._move(i, +1))
            rows.append(w.HBox([up, down, w.Label(f"{i + 1}. {name}")], layout=w.Layout(align_items="center")))
        replace_children(self.order_box, rows)

    def _move(self, index: int, step: int) -> None:
        self.model.move(index, step)
        self._draw_order()
        self._draw_actions()
        self._statement_changed()

    def _draw_actions(self) -> None:
        rows = []
        for name in self.model.order:
            known = self.common.get(duplicate_key(name))
            field = w.Text(
                value=self.model.actions.get(name, ""),
                description=name,
                style={"description_width": "160px"},
                placeholder=content.text(known["action"], self.lang) if known else "",
                layout=w.Layout(width="95%"),
            )
            hint = w.HTML()

            def changed(_=None, name=name, field=field, hint=hint):
                self.model.actions[name] = field.value.strip()
                key = philosophy.check_action_statement(field.value, self.lang)
                kind, text = ("muted", self.t(key)) if key else ("counts", self.t("values.solo_ok"))
                hint.value = str(_solo().message(text, kind)) if field.value.strip() else ""
                self._statement_changed()

            field.observe(changed, names="value")
            changed()
            rows.append(w.VBox([field, hint]))
        replace_children(self.actions_box, rows)

    def _vision_changed(self) -> None:
        self.model.vision = " ".join(self.vision_text.value.split())[:200]
        n, total = sum(box.value for box in self.checks), len(self.checks)
        text = self.t("values.solo_all_checked") if n == total else self.t("values.solo_checked", n=n, total=total)
        self.check_summary.value = str(_solo().message(text, "big"))
        self._statement_changed()

    def _statement_changed(self) -> None:
        if not hasattr(self, "preview"):
            return
        self.model.purpose = " ".join(self.purpose_text.value.split())[:400]
        current = self.model.statement()
        self.preview.value = statement_html(current, self.lang, self.t)
        files = downloads(current, self.lang)
        self.links.value = links_html({k: v for k, v in files.items() if k in ("html", "md")}, self.t, self.lang)


def solo_notebook(lang: str | None = None) -> SoloView:
    """The self-paced notebook's view, in the language asked, of the page's address or of the browser."""
    lang = pick_language(lang, query().get("lang"), os.environ.get("HTTP_ACCEPT_LANGUAGE"), default=Settings().language)
    return SoloView(lang)
