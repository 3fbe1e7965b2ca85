"""The values-to-metrics workshop for one learner: match, get a score with the reasons, then the metrics lab.

The rules are the live workshop's: the same rounds (:func:`widgets.workshops.metrics.formulas.match_spec`),
the same scoring and the same reasons (:mod:`widgets.live.exercises.match`).

>>> m = SoloMatching(match_spec("values", "en"))
>>> m.toggle("speed", "FRT"); m.toggle("speed", "CSAT")
>>> result = m.check()
>>> result["rows"]["speed"]["extra"], result["reasons"]["speed"]["missed"]["AHT"][:9]
(['CSAT'], 'Time spen')
"""

from __future__ import annotations

import os

import ipywidgets as w

from widgets.core.i18n import Translator, pick_language
from widgets.core.settings import Settings
from widgets.live.exercises.match import explain, score
from widgets.ui.trainer import query
from widgets.workshops.metrics.lab import MetricsLab
from widgets.workshops.metrics.markup import render
from widgets.workshops.metrics.matching import match_spec


class SoloMatching:
    """One learner's ticks for one round, as plain data, and their check against the reference."""

    def __init__(self, spec: dict):
        self.spec = spec
        self.answers: dict[str, list[str]] = {r["id"]: [] for r in spec["rows"]}

    def toggle(self, row: str, column: str) -> None:
        chosen = self.answers[row]
        if column in chosen:
            chosen.remove(column)
        else:
            order = [c["id"] for c in self.spec["columns"]]
            chosen.append(column)
            chosen.sort(key=order.index)

    def check(self) -> dict:
        """The score (as a live participant gets it) and, for every difference, the reason."""
        result = score(self.answers, self.spec["reference"])
        result["reasons"] = explain(result, self.spec["reference"], self.spec["answer"])
        return result


class SoloRound(w.VBox):
    """One round: a row of toggle buttons per value (or metric), a check button, the feedback."""

    def __init__(self, spec: dict, t: Translator, title: str):
        self.model, self.t = SoloMatching(spec), t
        self.buttons: dict[tuple[str, str], w.ToggleButton] = {}
        rows = []
        for row in spec["rows"]:
            toggles = []
            for col in spec["columns"]:
                button = w.ToggleButton(
                    description=col["label"],
                    tooltip=col.get("detail", ""),
                    layout=w.Layout(width="auto", min_width="72px", height="40px"),
                )
                button.observe(lambda ch, r=row["id"], c=col["id"]: self._ticked(r, c), names="value")
                self.buttons[(row["id"], col["id"])] = button
                toggles.append(button)
            rows.append(w.HTML(render("solo_row.html", label=row["label"], detail=row.get("detail") or "")))
            rows.append(w.HBox(toggles, layout=w.Layout(flex_flow="row wrap")))
        self.check_button = w.Button(
            description=t("metrics.solo_check"), button_style="primary", layout=w.Layout(height="44px")
        )
        self.check_button.on_click(lambda _: self.check())
        self.feedback = w.HTML()
        super().__init__(
            [
                w.HTML(render("heading.html", title=title, help=spec["prompt"], css="elan-big")),
                *rows,
                self.check_button,
                self.feedback,
            ]
        )
        self.add_class("elan-metrics-solo-round")

    def _ticked(self, row: str, column: str) -> None:
        self.model.toggle(row, column)
        if self.feedback.value:
            self.check()

    def check(self) -> dict:
        result = self.model.check()
        spec = self.model.spec
        ref = spec["reference"]
        for (row, col), button in self.buttons.items():
            ticked, expected = col in self.model.answers[row], col in ref.get(row, [])
            button.button_style = (
                "success" if ticked and expected else "danger" if ticked else "warning" if expected else ""
            )
        self.feedback.value = self.feedback_html(result)
        return result

    def feedback_html(self, result: dict) -> str:
        spec, t = self.model.spec, self.t
        rows = {r["id"]: r["label"] for r in spec["rows"]}
        cols = {c["id"]: c["label"] for c in spec["columns"]}
        score = t("metrics.solo_score", **{k: result[k] for k in ("score", "correct", "missed", "extra")})
        out = []
        for row, diff in result["rows"].items():
            why = result["reasons"].get(row, {"missed": {}, "extra": {}})
            items = []
            for col in diff["missed"]:
                items.append(
                    {"title": f"{t('metrics.solo_missed')} · {cols[col]}", "text": why["missed"].get(col) or ""}
                )
            for col in diff["extra"]:
                info = why["extra"].get(col, {})
                reason = info.get("reason")
                elsewhere = info.get("elsewhere") or []
                if not reason and elsewhere:
                    reason = t("metrics.solo_goes_with", rows=", ".join(rows[e["row"]] for e in elsewhere))
                    if len(elsewhere) == 1 and elsewhere[0].get("reason"):
                        reason += f" — {elsewhere[0]['reason']}"
                items.append({"title": f"{t('metrics.solo_extra')} · {cols[col]}", "text": reason or ""})
            out.append(
                {"id": row, "label": rows[row], "lines": items or [{"title": "", "text": t("metrics.solo_row_ok")}]}
            )
        return render("solo_feedback.html", score=score, rows=out)


class SoloView(w.Tab):
    """The values round, the teams round and the lab, as three tabs."""

    def __init__(self, lang: str):
        self.lang, self.t = lang, Translator(lang)
        t = self.t
        self.values_round = SoloRound(match_spec("values", lang), t, t("metrics.solo_title"))
        self.teams_round = SoloRound(match_spec("teams", lang), t, t("metrics.solo_teams_title"))
        self.lab = MetricsLab(lang)
        lab_page = w.VBox([w.HTML(render("text.html", text=t("metrics.solo_lab_intro"), css="elan-big")), self.lab])
        intro = w.HTML(render("text.html", text=t("metrics.solo_intro"), css="elan-big"))
        super().__init__([w.VBox([intro, self.values_round]), self.teams_round, lab_page])
        for i, key in enumerate(("metrics.phase_match", "metrics.phase_teams", "metrics.phase_lab")):
            self.set_title(i, t(key))


def solo_notebook(lang: str | None = None) -> SoloView:
    """The self-paced notebook's view, in the language asked, of the page's address or of the browser."""
    lang = pick_language(lang, query().get("lang"), os.environ.get("HTTP_ACCEPT_LANGUAGE"), default=Settings().language)
    return SoloView(lang)
