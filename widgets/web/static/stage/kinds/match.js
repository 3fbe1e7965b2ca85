// Matching as a heatmap, one line per row: the columns the room ticked most (the three first), each
// cell as dark as its share of the room, labelled as the content labels it (an abbreviation), never
// an id, with the full names of the columns shown in a legend; once revealed, the reference links ✓.
import { el } from "../draw.js";

const TOP = 3;

export function draw(view, h) {
  if (!view.results) return [h.answered()];
  const grid = el("div", { class: "heat" });
  const legend = new Map();
  for (const row of view.results.rows) {
    const cells = row.cells.filter((c) => c.count).slice(0, TOP).map((c) => {
      const label = h.tx(c.label);
      const full = c.name ? h.tx(c.name) : "";
      if (full && full !== label) legend.set(label, full);
      const cell = el("span", { class: `cell${c.reference ? " ref" : ""}` },
        `${c.reference ? "✓ " : ""}${label} `, el("b", { text: `${c.share}\u202f%` }));
      cell.style.setProperty("--share", String(c.share / 100));
      return cell;
    });
    const full = row.name ? h.tx(row.name) : "";
    if (full && full !== h.tx(row.label)) legend.set(h.tx(row.label), full);
    grid.append(el("div", { class: "item heat-row" },
      el("span", { class: "heat-label", text: h.tx(row.label) }),
      el("span", { class: "heat-cells" }, cells)));
  }
  const names = [...legend].map(([label, full]) => h.t("legend_item", { label, name: full })).join(" · ");
  return [grid, el("p", { class: "legend", text: names }), el("p", { class: "note", text: h.t("match_reference") })];
}
