// Rating against criteria: one target (a self-assessment) as a profile per criterion;
// several (proposals) ranked by their overall average. Averages on the scale, never an id.
import { bars, el, number } from "../draw.js";

export function draw(view, h) {
  if (!view.results) return [h.answered()];
  const { targets, scale } = view.results;
  const [low, high] = scale;
  const shown = (mean) => (mean === null ? "–" : h.t("mean_of", { mean: number(mean, h.lang), max: high }));
  const rows = targets.length === 1
    ? targets[0].criteria.map((c, i) => ({ id: `c${i}`, label: h.tx(c.label), value: c.mean === null ? 0 : c.mean - low, shown: shown(c.mean) }))
    : targets.map((t, i) => ({ id: `t${i}`, label: h.tx(t.label), value: t.overall === null ? 0 : t.overall - low, shown: shown(t.overall) }));
  return [...bars(rows, h, { tie: false, max: high - low }), el("p", { class: "note", text: h.t("raters", { n: view.results.raters }) })];
}
