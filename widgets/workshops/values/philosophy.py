"""The service philosophy statement: which values are kept, which proposals win, and its exports.

Plain rules over plain data, so the live dashboard, the solo notebook and the tests
share them. What they take:

* a *ranking* is a list of cards best first, each a dict with ``id`` and ``text``,
  and, when it comes from dot voting, ``dots``, ``voters`` and ``tag``
  (the ``ranking`` of :meth:`widgets.live.exercises.dots.Dots.results` is one);
* *ratings* are a list of proposals, each a dict with ``id``, ``text`` and
  ``criteria``: ``{criterion_id: {"mean": float | None, "n": int}}``
  (the ``targets`` of :meth:`widgets.live.exercises.rate.Rate.results`).

>>> ranking = [{"id": 3, "text": "Écoute", "dots": 9}, {"id": 1, "text": "Rapidité", "dots": 4}]
>>> [c["text"] for c in keep_top(ranking, n=1)]
['Écoute']
>>> s = from_session(keep_top(ranking), {3: "Je reformule avant de répondre."}, "Un service qui écoute.")
>>> [(v.name, v.action) for v in s.values]
[('Écoute', 'Je reformule avant de répondre.'), ('Rapidité', '')]
>>> check_action_statement("Je reformule la demande.", words={"starters": ["je"], "verbs": []})
>>> check_action_statement("La qualité avant tout", words={"starters": ["je"], "verbs": []})
'values.hint_action_start'
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from widgets import content
from widgets.core.errors import Invalid
from widgets.core.i18n import Translator
from widgets.core.text import duplicate_key

TEMPLATES = Path(__file__).resolve().parent / "templates"
CONTENT = "values/brainstorm"
#: An action statement longer than this is hard to recall mid-call.
ACTION_MAX_WORDS = 25


@dataclass(frozen=True)
class Value:
    """One kept value and how the team lives it (its action statement, maybe empty)."""

    name: str
    action: str = ""


@dataclass
class Statement:
    """A filled-in service philosophy: purpose, vision, and the values in the team's order."""

    purpose: str = ""
    vision: str = ""
    values: list[Value] = field(default_factory=list)
    organisation: str = ""


# --- choosing -----------------------------------------------------------------------


def keep_top(ranking: list[dict], n: int = 5, adjust: Mapping[str, Iterable] | None = None) -> list[dict]:
    """The values the team keeps: the ``n`` best-ranked cards, as the trainer adjusts them.

    ``adjust`` is ``{"add": [card ids], "remove": [card ids]}``: cards the trainer
    brings in from lower down, and cards taken out. Added cards take places first;
    the best-ranked remaining cards with at least one dot fill the rest (a card
    nobody voted for never comes in on its own). The result keeps the voted order,
    so the statement lists values as the room ranked them.

    Raises :class:`Invalid` for an id not in the ranking, or more cards added than places.
    """
    adjust = adjust or {}
    ids = [card["id"] for card in ranking]
    add, remove = list(adjust.get("add") or []), set(adjust.get("remove") or [])
    for card_id in [*add, *remove]:
        if card_id not in ids:
            raise Invalid("values.error_unknown_card", id=card_id)
    add = [card_id for card_id in dict.fromkeys(add) if card_id not in remove]
    if len(add) > n:
        raise Invalid("values.error_too_many_kept", max=n)
    chosen = set(add)
    for card in ranking:
        if len(chosen) >= n:
            break
        if card["id"] not in remove and card["id"] not in chosen and card.get("dots", 1) > 0:
            chosen.add(card["id"])
    return [card for card in ranking if card["id"] in chosen]


def tied_at_cut(ranking: list[dict], n: int = 5) -> list[Any]:
    """Ids of cards left out only by the tie-break: same dots and voters as the last one kept.

    The dashboard shows them so the trainer decides instead of the card's age.

    >>> tied_at_cut([{"id": 1, "dots": 3, "voters": 2}, {"id": 2, "dots": 3, "voters": 2}], n=1)
    [2]
    """
    if len(ranking) <= n or n < 1:
        return []
    last = ranking[n - 1]
    key = (last.get("dots", 0), last.get("voters", 0))
    if key[0] <= 0:
        return []
    return [card["id"] for card in ranking[n:] if (card.get("dots", 0), card.get("voters", 0)) == key]


def best_actions(ranking: list[dict]) -> dict[str, str]:
    """For each value, the text of its best-ranked action statement proposal.

    Proposals are cards tagged with their value's id (``tag``); the ranking's order
    (dots, then voters, then the earlier card) decides. Keys are the tags as text.
    """
    out: dict[str, str] = {}
    for card in ranking:
        tag = card.get("tag")
        if tag is not None and str(tag) not in out:
            out[str(tag)] = card["text"]
    return out


def _overall(proposal: dict) -> tuple[float, float, int] | None:
    means = [c["mean"] for c in proposal.get("criteria", {}).values() if c.get("mean") is not None]
    if not means:
        return None
    count = sum(int(c.get("n") or 0) for c in proposal["criteria"].values())
    # Rounded so that equal averages compare equal whatever the float noise.
    return round(sum(means) / len(means), 6), round(min(means), 6), count


def best_proposal(ratings: list[dict]) -> dict | None:
    """The vision proposal the room rated best, or None when nothing was rated.

    Tie-break, in order: the highest average of the criteria's means; then the
    highest weakest criterion (a vision must pass all three, so the balanced one
    wins); then the most ratings; then the proposal listed first (sent first).

    >>> best_proposal([
    ...     {"id": "a", "text": "A", "criteria": {"simple": {"mean": 5.0, "n": 2}, "service": {"mean": 3.0, "n": 2}}},
    ...     {"id": "b", "text": "B", "criteria": {"simple": {"mean": 4.0, "n": 2}, "service": {"mean": 4.0, "n": 2}}},
    ... ])["id"]
    'b'
    """
    best, best_key = None, None
    for position, proposal in enumerate(ratings):
        score = _overall(proposal)
        if score is None:
            continue
        key = (score[0], score[1], score[2], -position)
        if best_key is None or key > best_key:
            best, best_key = proposal, key
    return best


def from_session(
    kept: list[dict],
    actions: Mapping[Any, str],
    vision: str | dict | None,
    *,
    purpose: str = "",
    organisation: str = "",
) -> Statement:
    """The statement from a live session's outcome, as plain data.

    ``kept``: the kept value cards in order (:func:`keep_top`); ``actions``: value
    card id (int or text) -> chosen action statement (:func:`best_actions`);
    ``vision``: the vision text, or the proposal :func:`best_proposal` returned.
    """
    by_key = {str(key): text for key, text in actions.items()}
    values = [Value(card["text"], by_key.get(str(card["id"]), "")) for card in kept]
    if isinstance(vision, dict):
        vision = vision.get("text", "")
    return Statement(purpose=purpose or "", vision=vision or "", values=values, organisation=organisation or "")


# --- hints ------------------------------------------------------------------------------


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.replace("’", "'"))
    return "".join(ch for ch in text if not unicodedata.combining(ch)).lower()


def _first_word(text: str) -> str:
    match = re.match(r"[^\w]*([\w']+)", _plain(text))
    return match.group(1) if match else ""


def _words(words: Mapping[str, Any] | None, lang: str | None) -> tuple[set[str], set[str]]:
    if words is None:
        hints = content.load(CONTENT)["action_hints"]
        words = {"starters": hints["starters"], "verbs": hints["verbs"]}
    langs = list(content.chain(lang)) if lang else list(content.REQUIRED)  # fr-CA reads fr's words

    def pick(entry) -> set[str]:
        items = entry if isinstance(entry, list) else [w for code in langs for w in entry.get(code, [])]
        return {_plain(w) for w in items}

    return pick(words["starters"]), pick(words["verbs"])


def _is_verb(word: str, verbs: set[str]) -> bool:
    if word in verbs:
        return True
    # French conjugations of a listed infinitive: "écoute", "écoutez", "répondons".
    for verb in verbs:
        if verb.endswith(("er", "ir", "re")) and len(verb) > 4:
            stem = verb[:-2]
            if word.startswith(stem) and word[len(stem) :] in ("e", "es", "ez", "ons", "s", "is", "issez", "issons"):
                return True
    return False


def check_action_statement(text: str, lang: str | None = None, *, words: Mapping[str, Any] | None = None) -> str | None:
    """A hint (an interface string key) when an action statement can be better, else None.

    A good one starts with "I"/"Je" (or "We"/"Nous") or with an action verb, and
    is short. ``lang`` limits the accepted words to one language (both by default);
    ``words`` is ``{"starters": [...], "verbs": [...]}`` (lists, or ``{fr, en}`` maps),
    by default the ``action_hints`` of the content.
    """
    if not isinstance(text, str) or not text.strip():
        return "values.hint_empty"
    starters, verbs = _words(words, lang)
    first = _first_word(text)
    elided = first.split("'")[0] if "'" in first else None  # "J'écoute" -> "j"
    if not (first in starters or elided in starters or _is_verb(first.replace("'", ""), verbs)):
        return "values.hint_action_start"
    if len(text.split()) > ACTION_MAX_WORDS:
        return "values.hint_too_long"
    return None


def find_cliche(text: str, cliches: list[dict] | None = None) -> dict | None:
    """The content's cliché a card repeats ("le client est roi"), so the trainer can use its prompts."""
    if cliches is None:
        cliches = content.load(CONTENT)["cliches"]
    card = duplicate_key(text)
    if not card:
        return None
    for cliche in cliches:
        for phrases in cliche["phrases"].values():
            for phrase in phrases:
                key = duplicate_key(phrase)
                if key and key in card:
                    return cliche
    return None


# --- exports ----------------------------------------------------------------------------


def _template_texts(lang: str, doc: dict | None) -> tuple[str, dict[str, dict[str, str]]]:
    doc = doc or content.load(CONTENT)
    template = doc["template"]
    sections = {
        section["id"]: {key: content.text(section[key], lang) for key in ("title", "lead", "placeholder")}
        for section in template["sections"]
    }
    return content.text(template["title"], lang), sections


def _environment() -> jinja2.Environment:
    # Autoescape always on: every participant text is data, never markup.
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def to_html(statement: Statement, lang: str, *, date: str = "", doc: dict | None = None) -> str:
    """The statement as one printable HTML page (print CSS inside; the browser makes the PDF)."""
    title, sections = _template_texts(lang, doc)
    t = Translator(lang)
    heading = (
        t("values.title_with_organisation", title=title, organisation=statement.organisation)
        if statement.organisation
        else title
    )
    return (
        _environment()
        .get_template("philosophy.html")
        .render(
            lang=lang,
            title=heading,
            sections=sections,
            statement=statement,
            date=date,
            t=t,
        )
    )


# Inline markup, raw HTML, entities, math and tables: escaped wherever they stand.
_MARKDOWN_INLINE = re.compile(r"([\\`*_\[\]<>&$|~^])")
# Block markup only counts at the start of a line: a heading, a quote, a list item.
_MARKDOWN_START = re.compile(r"^([#>+\-=]|\d+(?=[.)]))")


def escape_markdown(text: str) -> str:
    r"""Text shown as itself in Markdown: no markup, no HTML, no math, one line.

    >>> escape_markdown("<b>*$x$*</b>")
    '\\<b\\>\\*\\$x\\$\\*\\</b\\>'
    >>> escape_markdown("1. # l'écoute & co")
    "1\\. # l'écoute \\& co"
    """
    text = _MARKDOWN_INLINE.sub(r"\\\1", " ".join(str(text).split()))
    match = _MARKDOWN_START.match(text)
    if match:
        end = match.end()
        if match.group(1)[0].isdigit():
            text = text[:end] + "\\" + text[end:]
        else:
            text = "\\" + text
    return text


def to_markdown(statement: Statement, lang: str, *, date: str = "", doc: dict | None = None) -> str:
    """The statement as Markdown; every text escaped, so a card cannot add markup."""
    title, sections = _template_texts(lang, doc)
    t = Translator(lang)
    e = escape_markdown
    heading = (
        t("values.title_with_organisation", title=title, organisation=statement.organisation)
        if statement.organisation
        else title
    )
    lines = [f"# {e(heading)}", ""]
    if date:
        lines += [e(t("values.drawn_up_on", date=date)), ""]
    for key, body in (("purpose", statement.purpose), ("vision", statement.vision)):
        lines += [f"## {e(sections[key]['title'])}", "", e(sections[key]["lead"]), ""]
        lines += [f"> {e(body)}" if body else f"*{e(sections[key]['placeholder'])}*", ""]
    lines += [f"## {e(sections['values']['title'])}", "", e(sections["values"]["lead"]), ""]
    if statement.values:
        lines += [f"{i}. {e(value.name)}" for i, value in enumerate(statement.values, 1)]
    else:
        lines.append(f"*{e(sections['values']['placeholder'])}*")
    lines += ["", f"## {e(sections['actions']['title'])}", "", e(sections["actions"]["lead"]), ""]
    for value in statement.values:
        action = e(value.action) if value.action else f"*{e(sections['actions']['placeholder'])}*"
        lines.append(f"- **{e(value.name)}** : {action}" if lang == "fr" else f"- **{e(value.name)}**: {action}")
    return "\n".join(lines).rstrip() + "\n"


def _safe_cell(value: Any) -> Any:
    # A cell starting with = + - @ runs as a formula in a spreadsheet: keep it text.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def statement_rows(statement: Statement) -> list[dict]:
    """One row per kept value, in order: the raw data behind the statement."""
    return [
        {
            "position": i,
            "value": value.name,
            "action": value.action,
            "vision": statement.vision,
            "purpose": statement.purpose,
        }
        for i, value in enumerate(statement.values, 1)
    ]


def to_csv(rows: list[dict], columns: list[str] | None = None) -> str:
    """Rows (a ranking, :func:`statement_rows`...) as CSV text; columns in first-seen order.

    >>> print(to_csv([{"rank": 1, "text": "=1+1"}]), end="")
    rank,text
    1,'=1+1
    """
    if columns is None:
        columns = list(dict.fromkeys(key for row in rows for key in row))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_safe_cell(row.get(column, "")) for column in columns])
    return buffer.getvalue()
