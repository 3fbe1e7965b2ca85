// Matching as a heatmap: per row, the columns the room ticked, each cell as dark as its share,
// with the row's and the column's own labels (the full name beside an abbreviation).
import { el } from "../draw.js";

const name = (item, h) => {
  const label = h.tx(item.label);
  const full = item.name ? h.tx(item.name) : "";
  return full && full !== label ? `${label} · ${full}` : label;
};

export function draw(view, h) {
  if (!view.results) return [h.answered()];
  const grid = el("div", { class: "heat" });
  for (const row of view.results.rows) {
    const cells = row.cells.map((c) => {
      const cell = el("span", { class: `cell${c.reference ? " ref" : ""}` },
        el("span", { text: `${c.reference ? "✓ " : ""}${name(c, h)}` }),
        el("b", { text: ` ${c.share}\u202f%` }));
      cell.style.setProperty("--share", String(c.share / 100));
      return cell;
    });
    grid.append(el("div", { class: "item heat-row" },
      el("span", { class: "heat-label", text: name(row, h) }),
      el("span", { class: "heat-cells" }, cells)));
  }
  return [grid, el("p", { class: "note", text: h.t("match_reference") })];
}
