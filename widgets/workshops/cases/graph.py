"""A case's branches, as data and as a drawing: steps in columns by depth, responses as edges, endings last.

:func:`branches` lists every path from the first step and what is wrong (dead ends,
unreachable steps, loops). :func:`layout` places the graph the case editor draws
(``templates/editor.html``, macro ``graph``): one column per depth from the first
step, a column for the decisions and one for the endings, each response an edge
leaving its step at its own height (so no two labels meet), a response that leads
nowhere an edge to a "dead end" box, a step no path reaches marked as such. Marks
are words as well as colours: the template writes them in the node and in its
``<title>``.

>>> case = {"steps": [{"id": "s1", "situation": {}, "responses": [{"id": "a", "next": "end"},
...     {"id": "b", "next": "nowhere"}]}, {"id": "s2", "situation": {}, "responses": []}],
...     "endings": [{"id": "end", "type": "resolved", "title": {}}]}
>>> drawn = layout(case, "en")
>>> [(n["key"], n["column"], n["marks"]) for n in drawn["nodes"]]
[('step:0', 0, []), ('step:1', 0, ['unreachable']), ('dead:nowhere', 1, ['dead_end']), ('ending:0', 2, [])]
>>> [(e["label"], e["target"], e["dead"]) for e in drawn["edges"]]
[('A', 'ending:0', False), ('B', 'dead:nowhere', True)]
"""

from __future__ import annotations

from string import ascii_uppercase

from widgets import content

#: Box sizes and gaps, in SVG units (pixels at scale 1).
NODE_W, NODE_H, GAP_X, GAP_Y, MARGIN = 146, 58, 52, 18, 12
#: Characters of a text kept in a box (the whole text is in the box's <title>).
LABEL_CHARS = 20


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


def _short(text: str, size: int = LABEL_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= size else text[: size - 1].rstrip() + "…"


def _depths(steps: list[dict]) -> dict[int, int]:
    """Each step's column: the longest way to it from the first step (so every edge goes right, loops aside).

    Steps no path reaches start columns of their own, from 0. A response that goes back to a
    step on its own path (a loop, flagged by the checks) is left out of the layering.
    """
    first: dict[str, int] = {}
    for i, item in enumerate(steps):
        first.setdefault(item["id"], i)

    def targets(i: int) -> list[int]:
        found = (first.get(r.get("next")) for r in steps[i].get("responses", []))
        return [t for t in found if t is not None]

    depth: dict[int, int] = {}
    for root in range(len(steps)):
        if root in depth:
            continue
        # Edges of this root's part, without those that close a loop (found by a depth-first walk).
        part, forward, on_path = [root], [], {root}
        stack = [(root, iter(targets(root)))]
        seen = {root}
        while stack:
            here, todo = stack[-1]
            nxt = next(todo, None)
            if nxt is None:
                stack.pop()
                on_path.discard(here)
                continue
            if nxt in on_path or nxt in depth:
                continue  # a loop, or a step an earlier part already placed
            forward.append((here, nxt))
            if nxt not in seen:
                seen.add(nxt)
                part.append(nxt)
                on_path.add(nxt)
                stack.append((nxt, iter(targets(nxt))))
        level = dict.fromkeys(part, 0)
        for _ in range(len(part)):
            changed = False
            for a, b in forward:
                if level[b] < level[a] + 1:
                    level[b], changed = level[a] + 1, True
            if not changed:
                break
        depth.update(level)
    return depth


def layout(case: dict, lang: str) -> dict:
    """Where each box and edge of the branch graph goes, and what each is marked with.

    ``nodes``: ``{key, kind (step, decision, ending, dead), column, row, x, y, w, h, id,
    number, label, detail, marks}``; ``marks`` holds ``unreachable`` (no path reaches it),
    ``dead_end`` (a missing target), ``loop`` (a step some response goes back to).
    ``edges``: ``{source, target, label, title, dead, loop, d (SVG path), lx, ly}``.
    ``width`` and ``height`` are the drawing's size.
    """
    found = branches(case)
    unreachable = set(found["unreachable"])
    loops = {(s, r) for s, r in found["loops"]}
    steps = list(case.get("steps") or [])
    endings = list(case.get("endings") or [])
    decisions = list(case.get("decisions") or [])
    step_of = {}
    for i, item in enumerate(steps):
        step_of.setdefault(item["id"], f"step:{i}")
    ending_of, decision_of = {}, {}
    for i, item in enumerate(endings):
        ending_of.setdefault(item["id"], f"ending:{i}")
    for i, item in enumerate(decisions):
        decision_of.setdefault(item["id"], f"decision:{i}")
    target_of = {**ending_of, **decision_of, **step_of}

    depth = _depths(steps)
    last_step = max(depth.values(), default=-1)
    nodes: list[dict] = []
    looped = {t for s in steps for r in s.get("responses", []) if (s["id"], r["id"]) in loops for t in [r.get("next")]}
    reached_order = sorted(depth, key=lambda i: (depth[i], steps[i]["id"] in unreachable, i))
    for i in reached_order:
        item = steps[i]
        marks = []
        if item["id"] in unreachable or step_of.get(item["id"]) != f"step:{i}":
            marks.append("unreachable")
        if item["id"] in looped:
            marks.append("loop")
        nodes.append(
            {
                "key": f"step:{i}",
                "kind": "step",
                "column": depth[i],
                "id": item["id"],
                "number": i + 1,
                "label": _short(content.text(item.get("situation") or {}, lang) if item.get("situation") else ""),
                "detail": content.text(item.get("situation") or {}, lang) if item.get("situation") else "",
                "marks": marks,
            }
        )
    # Responses that lead nowhere: one "dead end" box per missing target, a column right of its first source.
    dead_nodes: dict[str, dict] = {}
    for i in reached_order:
        for response in steps[i].get("responses", []):
            target = response.get("next", "")
            if target not in target_of and target not in dead_nodes:
                dead_nodes[target] = {
                    "key": f"dead:{target}",
                    "kind": "dead",
                    "column": depth[i] + 1,
                    "id": target,
                    "number": None,
                    "label": "",
                    "detail": "",
                    "marks": ["dead_end"],
                }
    nodes.extend(dead_nodes.values())
    after = max([last_step, *(n["column"] for n in dead_nodes.values())]) + 1
    for i, item in enumerate(decisions):
        nodes.append(
            {
                "key": f"decision:{i}",
                "kind": "decision",
                "column": after,
                "id": item.get("id", ""),
                "number": i + 1,
                "label": "",
                "detail": "",
                "marks": ["unreachable"] if item.get("id") in unreachable else [],
            }
        )
    end_column = after + (1 if decisions else 0)
    for i, item in enumerate(endings):
        title = content.text(item.get("title") or {}, lang) if item.get("title") else ""
        nodes.append(
            {
                "key": f"ending:{i}",
                "kind": "ending",
                "column": end_column,
                "id": item.get("id", ""),
                "number": i + 1,
                "type": item.get("type", ""),
                "label": _short(title),
                "detail": title,
                "marks": ["unreachable"] if item.get("id") in unreachable else [],
            }
        )

    # Rows: each column stacked in the order above, centred on the tallest column.
    columns: dict[int, list[dict]] = {}
    for node in nodes:
        columns.setdefault(node["column"], []).append(node)
    tallest = max((len(c) for c in columns.values()), default=0)
    for column, items in columns.items():
        offset = (tallest - len(items)) * (NODE_H + GAP_Y) / 2
        for row, node in enumerate(items):
            node.update(
                row=row,
                x=MARGIN + column * (NODE_W + GAP_X),
                y=round(MARGIN + offset + row * (NODE_H + GAP_Y)),
                w=NODE_W,
                h=NODE_H,
            )
    by_key = {n["key"]: n for n in nodes}
    height = MARGIN * 2 + tallest * (NODE_H + GAP_Y) - GAP_Y
    lanes = {"bottom": height}

    edges = []

    def route(x1: float, y1: float, x2: float, y2: float, first: int, last: int) -> str:
        """A curve from (x1, y1) to (x2, y2); past the boxes of the columns it skips, by a lane under them."""
        skipped = [n for n in nodes if first < n["column"] < last]
        if not skipped:
            bend = max(30.0, abs(x2 - x1) / 2)
            return f"M{x1:.0f},{y1:.0f} C{x1 + bend:.0f},{y1:.0f} {x2 - bend:.0f},{y2:.0f} {x2:.0f},{y2:.0f}"
        lane = max(n["y"] + n["h"] for n in skipped) + GAP_Y / 2
        lanes["bottom"] = max(lanes["bottom"], lane + MARGIN)
        a, b = x1 + GAP_X / 2, x2 - GAP_X / 2
        return (
            f"M{x1:.0f},{y1:.0f} C{a:.0f},{y1:.0f} {a:.0f},{lane:.0f} {a + GAP_X / 2:.0f},{lane:.0f} "
            f"L{b - GAP_X / 2:.0f},{lane:.0f} C{b:.0f},{lane:.0f} {b:.0f},{y2:.0f} {x2:.0f},{y2:.0f}"
        )

    def edge(source: dict, target: dict, port: float, label: str, title: str, *, dead=False, loop=False, rule=False):
        x1, y1 = source["x"] + source["w"], source["y"] + port
        x2, y2 = target["x"], target["y"] + target["h"] / 2
        edges.append(
            {
                "source": source["key"],
                "target": target["key"],
                "label": label,
                "title": title,
                "dead": dead,
                "loop": loop,
                "rule": rule,
                "d": route(x1, y1, x2, y2, source["column"], target["column"]),
                "lx": x1 + 4,
                "ly": y1 - 3,
            }
        )

    for i in reached_order:
        item, source = steps[i], by_key[f"step:{i}"]
        responses = item.get("responses", [])
        for ri, response in enumerate(responses):
            target_id = response.get("next", "")
            target = by_key[target_of[target_id]] if target_id in target_of else dead_nodes[target_id]
            text = content.text(response.get("text") or {}, lang) if response.get("text") else ""
            edge(
                source,
                target,
                (ri + 1) * NODE_H / (len(responses) + 1),
                ascii_uppercase[ri % 26],
                text,
                dead=target["kind"] == "dead",
                loop=(item["id"], response.get("id")) in loops,
            )
    for i, item in enumerate(decisions):
        source, rules = by_key[f"decision:{i}"], item.get("rules", [])
        for ri, rule in enumerate(rules):
            target_id = rule.get("ending", "")
            if target_id in ending_of:
                edge(
                    source,
                    by_key[ending_of[target_id]],
                    (ri + 1) * NODE_H / (len(rules) + 1),
                    str(ri + 1),
                    "",
                    rule=True,
                )

    width = MARGIN * 2 + (max(columns, default=0) + 1) * (NODE_W + GAP_X) - GAP_X
    height = round(max(height, lanes["bottom"], NODE_H))
    return {"nodes": nodes, "edges": edges, "width": width, "height": height, "found": found}


def overlapping(nodes: list[dict]) -> list[tuple[str, str]]:
    """Pairs of boxes that overlap (none, in a layout: the tests check it)."""
    out = []
    for i, a in enumerate(nodes):
        for b in nodes[i + 1 :]:
            if (
                a["x"] < b["x"] + b["w"]
                and b["x"] < a["x"] + a["w"]
                and a["y"] < b["y"] + b["h"]
                and b["y"] < a["y"] + a["h"]
            ):
                out.append((a["key"], b["key"]))
    return out
