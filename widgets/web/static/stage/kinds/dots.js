// Dot voting: the cards ranked by dots, a tie said as a tie.
import { bars } from "../draw.js";

export function draw(view, h) {
  if (!view.results) return [h.answered()];
  return bars(view.results.rows.map((r) => ({ id: `r${r.id}`, label: r.label, value: r.value })), h);
}
