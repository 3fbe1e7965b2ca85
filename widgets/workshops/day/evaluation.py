"""The training's own evaluation: satisfaction, recommendation, usefulness, comments, and a pre/post quiz.

Satisfaction is asked on the CSAT scale (1-5) and recommendation on the NPS scale
(0-10), and both are computed with the kit's own formulas (:mod:`widgets.workshops.metrics.formulas`),
so the trainer can say "this is the NPS of this morning, computed the way you just
learnt". The knowledge check is the same quiz at the start (``quiz-pre``) and at
the end (``quiz-post``); the learning gain compares the two, per question and for
the group.

>>> figures = training_figures([5, 4, 4, 3, 5], [10, 9, 8, 6, 9])
>>> figures["csat"]["value"], figures["nps"]["value"], figures["nps"]["n"]
(80.0, 40.0, 5)
>>> key = {"q1": "a", "q2": "b"}
>>> gain = learning_gain({1: {"q1": "c", "q2": "b"}, 2: {"q1": "c"}}, {1: {"q1": "a", "q2": "b"}, 2: {"q1": "a", "q2": "b"}}, key)
>>> [(q["id"], q["pre"], q["post"], q["gain"]) for q in gain["questions"]]
[('q1', 0, 100, 100), ('q2', 100, 100, 0)]
>>> gain["group"]["pre"], gain["group"]["post"], gain["group"]["gain"], gain["group"]["normalised"]
(25, 100, 75, 100)
"""

from __future__ import annotations

import math
from pathlib import Path

import jinja2
import pandas as pd

from widgets import content
from widgets.core.errors import Invalid
from widgets.web.export import Section, Source, Table, register_section
from widgets.workshops.metrics import formulas as metrics

EVALUATION, QUIZ_PRE, QUIZ_POST = "evaluation", "quiz-pre", "quiz-post"
#: A workshop's own short evaluation: ``evaluation-<workshop>``.
AFTER_PREFIX = "evaluation-"
#: A comment may say a lot: a thousand characters, kept whole in every export (longer is refused, with the reason).
COMMENT_MAX = 1000
LOADER = jinja2.FileSystemLoader(Path(__file__).resolve().parent / "templates")


def _workshop_titles() -> dict[str, dict]:
    return {ws["id"]: ws["title"] for ws in content.load("workshops")["workshops"]}


def evaluation_spec(workshops: list[str] = ()) -> dict:
    """The end-of-training survey (kind ``survey``): satisfaction, recommendation, usefulness of each workshop, comments."""
    doc = content.load("day/evaluation")
    titles = _workshop_titles()

    def scale(qid: str, part: dict, low: int, high: int, label=None) -> dict:
        return {
            "id": qid,
            "type": "scale",
            "min": low,
            "max": high,
            "label": label or part["label"],
            "low": part["low"],
            "high": part["high"],
        }

    questions = [
        scale("satisfaction", doc["satisfaction"], 1, 5),
        scale("recommendation", doc["recommendation"], 0, 10),
    ]
    for ws in workshops:
        if ws in titles:
            label = {
                lang: content.text(doc["usefulness"]["label"], lang).format(workshop=content.text(titles[ws], lang))
                for lang in content.LANGUAGES
            }
            questions.append(scale(f"useful-{ws}", doc["usefulness"], 1, 5, label))
    questions += [
        {"id": f"comment-{c['id']}", "type": "text", "label": c["label"], "max_length": COMMENT_MAX}
        for c in doc["comments"]
    ]
    return {
        "kind": "survey",
        "id": EVALUATION,
        "title": doc["title"],
        "prompt": doc.get("intro", ""),
        "questions": questions,
    }


def workshop_evaluation_spec(workshop: str) -> dict:
    """The short survey right after one workshop (``evaluation-<workshop>``): satisfaction, usefulness, one comment."""
    doc = content.load("day/evaluation")
    titles = _workshop_titles()
    if workshop not in titles:
        raise Invalid("day.error_unknown_item", ref=workshop)

    def label(part: dict) -> dict:
        # every language, a variant (fr-CA) read from its fallback where the content has none
        return {
            lang: content.text(part["label"], lang).format(workshop=content.text(titles[workshop], lang))
            for lang in content.LANGUAGES
        }

    questions = [
        {
            "id": "satisfaction",
            "type": "scale",
            "min": 1,
            "max": 5,
            "label": label(doc["after_workshop"]),
            "low": doc["after_workshop"]["low"],
            "high": doc["after_workshop"]["high"],
        },
        {
            "id": f"useful-{workshop}",
            "type": "scale",
            "min": 1,
            "max": 5,
            "label": label(doc["usefulness"]),
            "low": doc["usefulness"]["low"],
            "high": doc["usefulness"]["high"],
        },
    ]
    questions += [
        {"id": f"comment-{c['id']}", "type": "text", "label": c["label"], "max_length": COMMENT_MAX}
        for c in doc["comments"][:1]
    ]
    return {
        "kind": "survey",
        "id": f"{AFTER_PREFIX}{workshop}",
        "title": titles[workshop],
        "prompt": doc.get("intro", ""),
        "questions": questions,
        "workshop": workshop,
    }


def quiz_spec(stage: str) -> dict:
    """The knowledge check (kind ``quiz``), ``stage`` ``pre`` (start of the day) or ``post`` (end); same questions."""
    if stage not in ("pre", "post"):
        raise ValueError(f"stage must be 'pre' or 'post', not {stage!r}")
    doc = content.load("day/knowledge")
    return {
        "kind": "quiz",
        "id": QUIZ_PRE if stage == "pre" else QUIZ_POST,
        "title": doc["title"],
        "prompt": (doc.get("intro") or {}).get(stage, ""),
        "questions": [{"id": q["id"], "label": q["label"], "options": q["options"]} for q in doc["questions"]],
        "answer": {q["id"]: q["answer"] for q in doc["questions"]},
    }


# --- the figures ------------------------------------------------------------------------------------


def _figure(figure: metrics.Figure) -> dict:
    value = None if math.isnan(figure.value) else round(figure.value, 1)
    detail = {k: round(v, 1) for k, v in figure.detail.items() if isinstance(v, float) and not math.isnan(v)}
    return {"value": value, "n": figure.n, **detail}


def training_figures(satisfaction: list[int], recommendation: list[int]) -> dict:
    """CSAT and NPS of the training, by :func:`widgets.workshops.metrics.formulas.csat` and :func:`widgets.workshops.metrics.formulas.nps` themselves."""
    csat = metrics.csat(pd.DataFrame({"csat": pd.Series(satisfaction, dtype="float64")}))
    nps = metrics.nps(pd.DataFrame({"nps": pd.Series(recommendation, dtype="float64")}))
    return {"csat": _figure(csat), "nps": _figure(nps)}


def _share(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def learning_gain(pre: dict, post: dict, key: dict) -> dict:
    """Pre/post knowledge check: the share of right answers per question, and the group's mean score.

    ``pre`` and ``post`` map a participant to their answers ``{question: option}``.
    Per question, each round counts whoever answered it. The group's figures use
    only the participants who took both rounds (the same people before and after);
    ``normalised`` is the gain over what was left to learn, ``(post - pre) / (100 - pre)``
    (Hake's normalised gain), None when the group already knew everything.
    """
    questions = []
    for qid, right in key.items():
        before = [a[qid] for a in pre.values() if qid in a]
        after = [a[qid] for a in post.values() if qid in a]
        p, q = _share(before.count(right), len(before)), _share(after.count(right), len(after))
        questions.append(
            {
                "id": qid,
                "pre": p,
                "post": q,
                "pre_n": len(before),
                "post_n": len(after),
                "gain": q - p if p is not None and q is not None else None,
            }
        )
    both = [pid for pid in pre if pid in post]
    group = {"matched": len(both), "pre": None, "post": None, "gain": None, "normalised": None}
    if both and key:

        def mean_score(answers: dict) -> float:
            return sum(
                100 * sum(1 for q, r in key.items() if answers[pid].get(q) == r) / len(key) for pid in both
            ) / len(both)

        before, after = mean_score(pre), mean_score(post)
        group.update(
            pre=round(before),
            post=round(after),
            gain=round(after - before),
            normalised=round(100 * (after - before) / (100 - before)) if before < 100 else None,
        )
    return {"questions": questions, "group": group}


def by_question(rows: list[dict]) -> dict[str, list]:
    """``{key: [values]}`` from response rows."""
    out: dict[str, list] = {}
    for row in rows:
        out.setdefault(row["key"], []).append(row["value"])
    return out


def by_participant(rows: list[dict]) -> dict:
    """``{participant: {key: value}}`` from response rows."""
    out: dict = {}
    for row in rows:
        out.setdefault(row["participant_id"], {})[row["key"]] = row["value"]
    return out


def results(source: Source) -> dict | None:
    """Everything the evaluation shows, from the session; None when no evaluation or quiz was opened."""
    specs = source.specs
    after = [spec for a, spec in specs.items() if a.startswith(AFTER_PREFIX) and spec.get("kind") == "survey"]
    if not after and not any(a in specs for a in (EVALUATION, QUIZ_PRE, QUIZ_POST)):
        return None
    out: dict = {"survey": None, "quiz": None, "workshops": []}
    titles = _workshop_titles()
    for spec in after:
        scores = by_question(source.responses(spec["id"]))
        useful = scores.get(f"useful-{spec.get('workshop')}", [])
        satisfied = scores.get("satisfaction", [])
        out["workshops"].append(
            {
                "label": source.text(titles.get(spec.get("workshop"), spec["id"])),
                "csat": training_figures(satisfied, [])["csat"],
                "satisfaction": round(sum(satisfied) / len(satisfied), 1) if satisfied else None,
                "useful": round(sum(useful) / len(useful), 1) if useful else None,
                "n": len({r["participant_id"] for r in source.responses(spec["id"])}),
                "comments": sorted(t for key, values in scores.items() if key.startswith("comment-") for t in values),
            }
        )
    if EVALUATION in specs:
        answers = source.responses(EVALUATION)
        spec = specs[EVALUATION]
        scores: dict[str, list] = {}
        for row in answers:
            scores.setdefault(row["key"], []).append(row["value"])
        usefulness = []
        titles = _workshop_titles()
        for q in spec["questions"]:
            if q["id"].startswith("useful-"):
                values = scores.get(q["id"], [])
                workshop = titles.get(q["id"][len("useful-") :])
                label = source.text(workshop) if workshop else source.text(q["label"])
                usefulness.append(
                    {"label": label, "n": len(values), "mean": round(sum(values) / len(values), 1) if values else None}
                )
        comments = [
            {"question": source.text(q["label"]), "text": text}
            for q in spec["questions"]
            if q["type"] == "text"
            for text in sorted(scores.get(q["id"], []))
        ]
        out["survey"] = {
            "respondents": len({r["participant_id"] for r in answers}),
            **training_figures(scores.get("satisfaction", []), scores.get("recommendation", [])),
            "usefulness": usefulness,
            "comments": comments,
        }
    quiz = specs.get(QUIZ_POST) or specs.get(QUIZ_PRE)
    if quiz:
        key = quiz.get("answer") or {}
        gain = learning_gain(
            by_participant(source.responses(QUIZ_PRE)), by_participant(source.responses(QUIZ_POST)), key
        )
        labels = {q["id"]: source.text(q["label"]) for q in quiz["questions"]}
        for q in gain["questions"]:
            q["label"] = labels.get(q["id"], q["id"])
        out["quiz"] = gain
    return out


def teaching_texts(source: Source, found: dict) -> dict:
    doc = content.load("day/evaluation")["teaching"]
    survey = found.get("survey") or {}
    return {
        "nps": source.text(doc["nps"]),
        "csat": source.text(doc["csat"]),
        "trap": source.text(doc["trap"]).format(n=(survey.get("nps") or {}).get("n", 0)),
    }


def stage_html(source: Source) -> str:
    """The teaching moment for the stage or the console: the training's NPS and CSAT, and the quiz's gain."""
    found = results(source)
    if not found:
        return ""
    return source.render(
        LOADER,
        "evaluation.html",
        found=found,
        teaching=teaching_texts(source, found),
        num=number_text(source.lang),
        stage=True,
    )


def number_text(lang: str):
    """A mean as the language writes it in text (``4,2`` in French), a dash when nobody answered."""

    def show(value) -> str:
        if value is None:
            return "—"
        text = f"{value:g}"
        return text.replace(".", ",") if lang.startswith("fr") else text

    return show


def answers_by_person(source: Source) -> tuple[list, list] | None:
    """Each person's answers to every evaluation (a row each): their name when names are kept, else P1, P2...

    An anonymous session exports no name, only the same numbers as every other table.
    """
    surveys = [
        spec
        for activity, spec in source.specs.items()
        if spec.get("kind") == "survey" and (activity == EVALUATION or activity.startswith(AFTER_PREFIX))
    ]
    if not surveys:
        return None
    t = source.t
    titles = _workshop_titles()
    columns: list[tuple[str, str]] = [("participant", t("report.col_participant"))]
    if source.with_names:
        columns.append(("name", t("report.col_name")))
    rows: dict[int, dict] = {}
    numbers = {p["id"]: p for p in source.participants}
    for spec in surveys:
        where = source.text(titles[spec["workshop"]]) if spec.get("workshop") in titles else ""
        for q in spec["questions"]:
            label = source.text(q["label"])
            named = where and where not in label  # "useful for your work: <workshop>" names it already
            columns.append((f"{spec['id']}:{q['id']}", f"{where} — {label}" if named else label))
        for pid, answers in by_participant(source.responses(spec["id"])).items():
            person = numbers.get(pid) or {"label": "", "name": ""}
            row = rows.setdefault(pid, {"participant": person["label"], "name": person["name"]})
            for key, value in answers.items():
                row[f"{spec['id']}:{key}"] = value
    order = {p["id"]: n for n, p in enumerate(source.participants)}
    return columns, [rows[pid] for pid in sorted(rows, key=lambda pid: order.get(pid, 0))]


@register_section
def evaluation_section(source: Source) -> list[Section]:
    found = results(source)
    if not found:
        return []
    t = source.t
    tables = []
    survey, quiz = found["survey"], found["quiz"]
    if survey:
        rows = [
            {"figure": "CSAT", "value": survey["csat"]["value"], "n": survey["csat"]["n"]},
            {"figure": "NPS", "value": survey["nps"]["value"], "n": survey["nps"]["n"]},
        ]
        rows += [{"figure": u["label"], "value": u["mean"], "n": u["n"]} for u in survey["usefulness"]]
        tables.append(
            Table(
                "evaluation-figures",
                t("day.evaluation_figures"),
                [("figure", t("day.col_figure")), ("value", t("day.col_result")), ("n", t("report.col_answers"))],
                rows,
            )
        )
        if survey["comments"]:
            tables.append(
                Table(
                    "evaluation-comments",
                    t("day.evaluation_comments"),
                    [("question", t("report.col_question")), ("text", t("day.col_comment"))],
                    survey["comments"],
                )
            )
    if found["workshops"]:
        tables.append(
            Table(
                "evaluation-workshops",
                t("day.after_workshops"),
                [
                    ("label", t("day.col_workshop")),
                    ("csat", t("day.col_csat")),
                    ("satisfaction", t("day.col_satisfaction_of_5")),
                    ("useful", t("day.col_useful_of_5")),
                    ("n", t("report.col_answers")),
                ],
                [{**w, "csat": w["csat"]["value"]} for w in found["workshops"]],
            )
        )
    workshop_comments = [{"label": w["label"], "text": text} for w in found["workshops"] for text in w["comments"]]
    if workshop_comments:
        tables.append(
            Table(
                "evaluation-workshop-comments",
                t("day.after_workshops_comments"),
                [("label", t("day.col_workshop")), ("text", t("day.col_comment"))],
                workshop_comments,
            )
        )
    answers = answers_by_person(source)
    if answers:
        tables.append(Table("evaluation-answers", t("day.evaluation_answers"), answers[0], answers[1]))
    if quiz:
        tables.append(
            Table(
                "quiz-gain",
                t("day.quiz_gain"),
                [
                    ("label", t("report.col_question")),
                    ("pre", t("day.col_pre")),
                    ("post", t("day.col_post")),
                    ("gain", t("day.col_gain")),
                ],
                quiz["questions"],
            )
        )
    html = source.render(
        LOADER,
        "evaluation.html",
        found=found,
        teaching=teaching_texts(source, found),
        num=number_text(source.lang),
        stage=False,
    )
    return [Section("evaluation", t("day.section_evaluation"), html, tables, order=60)]
