"""The values-to-metrics workshop's trainer dashboard: match, compare with the reference, teams, metrics lab.

Four steps. (1) Participants match each value to the metrics that show it is
lived (a ``match`` activity; the values a linked values session kept join as extra
rows, with no reference). (2) The room's heatmap next to the reference, revealed
column by column with the reasons; "Show results" sends each phone its score and
reasons. (3) The same for which team owns which metric. (4) The metrics lab on the
sample year or the organisation's export. What the trainer decides (the linked
session, the revealed columns) is kept with ``engine.set_data``, so a restarted
kernel resumes where the session was.

>>> dash = trainer_dashboard("en")          # no trainer key: demo mode, sample matchings
>>> sum(dash.results(VALUES)["answered"].values()) > 0
True
"""

from __future__ import annotations

import ipywidgets as w

from widgets import content
from widgets.core.codes import normalize_code
from widgets.core.errors import EngineError
from widgets.core.i18n import Translator
from widgets.core.text import duplicate_key
from widgets.ui.chart import Chart
from widgets.ui.dashboard import Dashboard, Phase
from widgets.ui.results import heatmap
from widgets.workshops.metrics.markup import render
from widgets.workshops.metrics.matching import match_spec

WORKSHOP = "metrics"
VALUES, TEAMS = "metrics-values", "metrics-teams"
ROUNDS = {VALUES: "values", TEAMS: "teams"}
LINKED_PREFIX = "linked-"


def feedback_words(lang: str | None = None) -> dict:
    """The few words the phones need once revealed (they travel with the withheld answer), in every language."""
    langs = [lang] if lang else content.LANGUAGES
    words = {key: {code: Translator(code)(f"metrics.{key}") for code in langs} for key in ("reference", "all_right")}
    return {key: text[lang] for key, text in words.items()} if lang else words


# --- the activities ------------------------------------------------------------------------------


def linked_rows(dash) -> list[dict]:
    return list((dash.stored().get("linked") or {}).get("rows") or [])


def values_spec(dash, lang: str | None = None) -> dict:
    """The values round, with the linked session's kept values as extra rows (no reference for them).

    Without ``lang``: the spec the phones get, every text in every language (each phone picks
    its reader's); with it, the stage's texts.
    """
    spec = match_spec("values", lang, activity=VALUES)
    known = {duplicate_key(content.text(r["label"], lang or dash.lang)) for r in spec["rows"]}
    for row in linked_rows(dash):
        if duplicate_key(row["label"]) not in known:
            known.add(duplicate_key(row["label"]))
            spec["rows"].append(row)
    spec["answer"]["labels"] = feedback_words(lang)
    return spec


def teams_spec(dash, lang: str | None = None) -> dict:
    spec = match_spec("teams", lang, activity=TEAMS)
    spec["answer"]["labels"] = feedback_words(lang)
    return spec


SPECS = {VALUES: values_spec, TEAMS: teams_spec}


def shown_spec(dash, activity: str) -> dict:
    """The round's spec in the dashboard's language, for the stage and the console."""
    return SPECS[activity](dash, dash.lang)


def link_values(dash, code: str) -> str:
    """Add the kept values of one of the trainer's values sessions; returns the message to show."""
    t = dash.t
    code = normalize_code(code or "")
    try:
        other = dash.engine.session(code)
    except EngineError:
        other = None
    if other is None or other["workshop"] != "values" or not dash.trainer.may_drive(other):
        return t("metrics.link_unknown", code=code)
    kept = other["state"].get("data", {}).get("kept") or []
    rows = [
        {"id": f"{LINKED_PREFIX}{v['id']}", "label": " ".join(str(v["text"]).split())[:80]}
        for v in kept
        if v.get("text")
    ]
    if not rows:
        return t("metrics.link_none", code=code)
    dash.keep("linked", {"code": code, "rows": rows})
    _reopen_values(dash)
    return t("metrics.linked", code=code, values=", ".join(r["label"] for r in rows))


def unlink_values(dash) -> None:
    dash.keep("linked", {})
    _reopen_values(dash)


def _reopen_values(dash) -> None:
    """The phones get the new rows at once when the matching is on screen; answers already given stay."""
    if dash.code and dash.activity_id() == VALUES:
        state = dash.engine.session(dash.code)["state"]
        dash._act(dash.engine.open_activity, values_spec(dash), phase=state.get("phase"), open=bool(state.get("open")))


def _values_sessions(dash) -> list[str]:
    if dash.viewer.demo or not dash.trainer:
        return []
    return [s["code"] for s in dash.engine.sessions_of(dash.trainer, workshop="values", include_closed=True)]


# --- 1. and 3.: who has answered each row --------------------------------------------------------------


def progress_html(dash, activity: str) -> str:
    spec, t = shown_spec(dash, activity), dash.t
    results = dash.results(activity) if dash.code else {}
    answered = results.get("answered", {})
    rows = [
        {"label": r["label"], "answered": t("metrics.answered_row", n=answered.get(r["id"], 0))} for r in spec["rows"]
    ]
    return render("match_progress.html", prompt=spec["prompt"], title=t("metrics.answered_title"), rows=rows)


def build_match(dash) -> w.Widget:
    t = dash.t
    progress = w.HTML()
    code = w.Combobox(
        options=_values_sessions(dash),
        placeholder="ABC123",
        description=t("metrics.link_code"),
        ensure_option=False,
        layout=w.Layout(width="320px"),
    )
    add = w.Button(description=t("metrics.link_button"))
    remove = w.Button(description=t("metrics.unlink_button"))
    said = w.HTML()

    def on_add(_):
        said.value = render("text.html", text=link_values(dash, code.value), css="elan-big")
        dash.refresh()

    def on_remove(_):
        unlink_values(dash)
        said.value = ""
        dash.refresh()

    add.on_click(on_add)
    remove.on_click(on_remove)
    linked = dash.stored().get("linked") or {}
    if linked.get("rows"):
        said.value = render(
            "text.html",
            css="elan-big",
            text=t("metrics.linked", code=linked["code"], values=", ".join(r["label"] for r in linked["rows"])),
        )
    link = w.VBox(
        [
            w.HTML(render("heading.html", title=t("metrics.link_title"), help=t("metrics.link_help"))),
            w.HBox([code, add, remove], layout=w.Layout(flex_flow="row wrap")),
            said,
        ]
    )
    dash.data["match_progress"] = progress
    return w.VBox([progress, link])


def refresh_match(dash) -> None:
    if "match_progress" in dash.data:
        dash.data["match_progress"].value = progress_html(dash, VALUES)


# --- 2. and 3.: the heatmap against the reference, column by column ----------------------------------------


class MatchBoard(w.VBox):
    """The room's matching as a heatmap; the reference outlined, with its reasons, for the revealed columns only."""

    def __init__(self, dash, activity: str):
        self.dash, self.activity, self.t = dash, activity, dash.t
        t = self.t
        spec = shown_spec(dash, activity)
        self.toggles = {}
        for col in spec["columns"]:
            toggle = w.ToggleButton(
                description=col["label"], tooltip=col.get("detail", ""), layout=w.Layout(width="auto", height="44px")
            )
            toggle.observe(lambda ch, c=col["id"]: self._toggle(c, ch["new"]), names="value")
            toggle.add_class("elan-metrics-column")
            self.toggles[col["id"]] = toggle
        show_all = w.Button(description=t("metrics.reveal_all"), button_style="warning", layout=w.Layout(height="44px"))
        hide_all = w.Button(description=t("metrics.hide_all"), layout=w.Layout(height="44px"))
        show_all.on_click(lambda _: self.set_shown([c["id"] for c in spec["columns"]]))
        hide_all.on_click(lambda _: self.set_shown([]))
        self.caption = w.HTML()
        self.chart = Chart()
        self.reasons = w.HTML()
        super().__init__(
            [
                self.caption,
                self.chart,
                w.HTML(render("text.html", text=t("metrics.reveal_columns"), css="elan-big")),
                w.HBox(list(self.toggles.values()) + [show_all, hide_all], layout=w.Layout(flex_flow="row wrap")),
                w.HTML(
                    render(
                        "text.html", text=f"{t('metrics.heatmap_legend')} {t('metrics.phones_hint')}", css="elan-muted"
                    )
                ),
                self.reasons,
            ]
        )
        self.add_class("elan-metrics-board")

    @property
    def key(self) -> str:
        return f"shown_{ROUNDS[self.activity]}"

    def shown(self) -> list[str]:
        if self.dash.code:
            return list(self.dash.stored().get(self.key) or [])
        return list(self.dash.data.get(self.key) or [])

    def set_shown(self, columns: list[str]) -> None:
        order = [c["id"] for c in shown_spec(self.dash, self.activity)["columns"]]
        columns = [c for c in order if c in set(columns)]
        self.dash.data[self.key] = columns
        self.dash.keep(self.key, columns)
        self.refresh()

    def _toggle(self, column: str, on: bool) -> None:
        shown = [c for c in self.shown() if c != column] + ([column] if on else [])
        self.set_shown(shown)

    def figure(self):
        spec = shown_spec(self.dash, self.activity)
        results = self.dash.results(self.activity) if self.dash.code else {}
        shown = set(self.shown())
        reference = {row: [c for c in cols if c in shown] for row, cols in spec["reference"].items()}
        rows = [(r["id"], r["label"]) for r in spec["rows"]]
        columns = [(c["id"], c["label"]) for c in spec["columns"]]
        fig = heatmap(results, rows, columns, reference=reference)
        # Empty cells stay blank: the eye goes to where the room agrees.
        fig.data[0].text = [[cell if cell != "0 %" else "" for cell in line] for line in fig.data[0].text]
        return fig, results

    def refresh(self) -> None:
        fig, results = self.figure()
        self.chart.update(fig)
        self.caption.value = render(
            "text.html",
            css="elan-big elan-counts",
            text=self.t("metrics.participants", n=results.get("participants", 0)),
        )
        shown = self.shown()
        for column, toggle in self.toggles.items():
            if toggle.value != (column in shown):
                toggle.unobserve_all("value")
                toggle.value = column in shown
                toggle.observe(lambda ch, c=column: self._toggle(c, ch["new"]), names="value")
        self.reasons.value = self.reasons_html(shown)

    def reasons_html(self, shown: list[str]) -> str:
        if not shown:
            return ""
        spec, t = shown_spec(self.dash, self.activity), self.t
        rows = {r["id"]: r["label"] for r in spec["rows"]}
        columns = {c["id"]: c for c in spec["columns"]}
        reasons, unmatched = spec["answer"]["reasons"], spec["answer"].get("unmatched", {})
        out = []
        for column in shown:
            col = columns[column]
            items = [
                {"row": rows[row], "reason": reasons[row][column]}
                for row, cols in spec["reference"].items()
                if column in cols
            ]
            if not items:
                items = [{"row": "", "reason": unmatched.get(column) or t("metrics.no_link")}]
            detail = col["detail"] if col.get("detail") and col["detail"] != col["label"] else ""
            out.append({"id": column, "label": col["label"], "detail": detail, "lines": items})
        return render("match_reasons.html", title=t("metrics.reasons_title"), columns=out)


def build_compare(dash) -> w.Widget:
    board = MatchBoard(dash, VALUES)
    dash.data["compare_board"] = board
    return board


def refresh_compare(dash) -> None:
    if "compare_board" in dash.data:
        dash.data["compare_board"].refresh()


def build_teams(dash) -> w.Widget:
    progress = w.HTML()
    board = MatchBoard(dash, TEAMS)
    dash.data["teams_progress"], dash.data["teams_board"] = progress, board
    return w.VBox([progress, board])


def refresh_teams(dash) -> None:
    if "teams_board" in dash.data:
        dash.data["teams_progress"].value = progress_html(dash, TEAMS)
        dash.data["teams_board"].refresh()


# --- 4. the lab -------------------------------------------------------------------------------------------


def build_lab(dash) -> w.Widget:
    # pandas and the lab load when the lab is first shown, not when the dashboard opens.
    from widgets.workshops.metrics.lab import MetricsLab

    lab = MetricsLab(dash.lang)
    dash.data["lab"] = lab
    return lab


# --- demo mode: sample matchings ------------------------------------------------------------------------------

DEMO_PEOPLE = 6


def demo_answers(spec: dict, people: int = DEMO_PEOPLE) -> list[dict[str, list[str]]]:
    """Plausible matchings: mostly the reference, one link forgotten here, a tempting extra there (deterministic)."""
    columns = [c["id"] for c in spec["columns"]]
    out = []
    for person in range(people):
        answer = {}
        for r, row in enumerate(spec["rows"]):
            chosen = list(spec.get("reference", {}).get(row["id"], []))
            if chosen and (person + r) % 3 == 0:
                chosen.pop(person % len(chosen))
            if (person + 2 * r) % 4 == 0:
                chosen.append(columns[(person + 5 * r) % len(columns)])
            answer[row["id"]] = chosen
        out.append(answer)
    return out


def _demo_round(dash, activity: str, phase: str) -> None:
    if "demo_tokens" not in dash.data:
        dash.data["demo_tokens"] = [dash.engine.join(dash.code)[1] for _ in range(DEMO_PEOPLE)]
    spec = SPECS[activity](dash)
    dash.engine.open_activity(dash.trainer, dash.code, spec, phase=phase)
    for token, answer in zip(dash.data["demo_tokens"], demo_answers(spec)):
        for row, columns in answer.items():
            dash.engine.submit(dash.code, token, activity, {"row": row, "columns": columns})


def demo_values(dash) -> None:
    _demo_round(dash, VALUES, "match")


def demo_teams(dash) -> None:
    _demo_round(dash, TEAMS, "teams")
    # The demo opens on the comparison, three columns revealed: the heatmap against the reference.
    spec = values_spec(dash)
    dash.engine.set_data(dash.trainer, dash.code, "shown_values", [c["id"] for c in spec["columns"][:3]])
    dash.engine.open_activity(dash.trainer, dash.code, spec, phase="compare", open=False)
    dash.engine.reveal(dash.trainer, dash.code, VALUES)
    dash.session = dash.engine.session(dash.code)
    dash.index = 1


# --- the dashboard ------------------------------------------------------------------------------------------------


def _title(phase_id: str) -> dict:
    return {lang: Translator(lang)(f"metrics.phase_{phase_id}") for lang in content.LANGUAGES}


def phases() -> list[Phase]:
    """The workshop's steps, in the order the trainer runs them."""
    return [
        # The teaching step opens the matching, and the debrief closes the lab: each shown with its phase.
        Phase(
            "match",
            _title("match"),
            spec=values_spec,
            build=build_match,
            refresh=refresh_match,
            demo=demo_values,
            guide=(1, 2),
        ),
        Phase(
            "compare",
            _title("compare"),
            spec=values_spec,
            build=build_compare,
            refresh=refresh_compare,
            open=False,
            guide=3,
        ),
        Phase(
            "teams",
            _title("teams"),
            spec=teams_spec,
            build=build_teams,
            refresh=refresh_teams,
            demo=demo_teams,
            guide=4,
        ),
        Phase("lab", _title("lab"), build=build_lab, guide=(5, 6)),
    ]


def trainer_dashboard(lang: str | None = None) -> Dashboard:
    """The values-to-metrics dashboard (demo mode with sample matchings when opened without a trainer key)."""
    workshops = content.load("workshops")["workshops"]
    title = next(ws["title"] for ws in workshops if ws["id"] == WORKSHOP)
    return Dashboard(WORKSHOP, phases(), lang=lang, title=title)
