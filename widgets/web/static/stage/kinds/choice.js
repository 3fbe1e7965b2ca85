// A poll or a case step: the options the room reads (lettered), then, once revealed, its answers as bars.
import { bars, el } from "../draw.js";

export function draw(view, h) {
  if (view.results) return bars(view.results.rows.map((r) => ({ id: r.id, label: h.tx(r.label), value: r.value })), h);
  const options = view.shown.options || [];
  return [el("ol", { class: "options" }, options.map((o) => el("li", { class: "item", text: h.tx(o.label) }))), h.answered()];
}
