"""The matching rounds of the metrics workshop (values x metrics, metrics x teams) as ``match`` activities."""

from __future__ import annotations

from widgets import content


def match_spec(round_name: str, lang: str | None = None, *, activity: str | None = None) -> dict:
    """A ``match`` activity for a round of ``datasets/metrics/matching.yaml``, with its reference.

    ``values``: rows are the values, columns the metrics offered. ``teams``: rows are
    the metrics (a phone shows one metric at a time), columns the teams, and the
    reference is turned around to ``{metric: [teams]}``. The reasons travel under
    ``answer``, which, like ``reference``, participants only receive once revealed.
    Without ``lang`` every text is a ``{fr, en, fr-CA}`` map: each phone shows its own
    reader's language whatever the session's (the spec the phones get); with it, plain
    text for the stage.

    >>> spec = match_spec("values", "en")
    >>> spec["reference"]["speed"]
    ['FRT', 'AHT', 'TTR']
    >>> match_spec("teams", "fr")["reference"]["CRR"]
    ['support', 'product']
    >>> match_spec("values")["columns"][0]["name"]["en"]
    'Net Promoter Score'
    """
    catalogue = {m["id"]: m for m in content.load("metrics/metrics")["metrics"]}
    rnd = content.load("metrics/matching")[round_name]
    txt = (lambda value: content.text(value, lang)) if lang else content.with_variants
    # Phones have no hover: the full name travels with the abbreviation and is shown first.
    metrics = [
        {
            "id": m,
            "label": txt(catalogue[m]["abbr"]),
            "name": txt(catalogue[m]["name"]),
            "detail": txt(catalogue[m]["name"]),
        }
        for m in rnd["metrics"]
    ]
    items = [
        {"id": it["id"], "label": txt(it["name"]), "detail": txt(it.get("statement") or it["activities"])}
        for it in rnd["items"]
    ]
    links = {it["id"]: {ln["metric"]: ln for ln in it["links"]} for it in rnd["items"]}
    if round_name == "teams":
        rows, columns = metrics, items
        reference = {m["id"]: [t["id"] for t in items if m["id"] in links[t["id"]]] for m in metrics}
        reasons = {m: {t: txt(links[t][m]["reason"]) for t in ref} for m, ref in reference.items()}
    else:
        rows, columns = items, metrics
        reference = {it: list(ln) for it, ln in links.items()}
        reasons = {it: {m: txt(link["reason"]) for m, link in ln.items()} for it, ln in links.items()}
    return {
        "kind": "match",
        "id": activity or f"metrics-{round_name}",
        "title": txt(rnd["title"]),
        "prompt": txt(rnd["prompt"]),
        "rows": rows,
        "columns": columns,
        "reference": reference,
        "answer": {"reasons": reasons, "unmatched": {u["metric"]: txt(u["reason"]) for u in rnd.get("unmatched", [])}},
    }
