// The training's evaluation: NPS as a gauge with its split, CSAT with the average, each other
// scale (a workshop's usefulness) as a bar of its average; comments counted, never shown.
import { el, figure, number, svg } from "../draw.js";

function gauge(value) {
  // A half circle from -100 (left) to +100 (right), the needle on the score.
  const angle = Math.PI * (1 - (value + 100) / 200);
  const x = 100 + 80 * Math.cos(angle);
  const y = 100 - 80 * Math.sin(angle);
  return svg("svg", { class: "gauge", viewBox: "0 0 200 110", "aria-hidden": "true" },
    svg("path", { class: "gauge-track", d: "M20 100 A80 80 0 0 1 180 100" }),
    svg("line", { class: "gauge-needle", x1: 100, y1: 100, x2: x.toFixed(1), y2: y.toFixed(1) }),
    svg("circle", { class: "gauge-hub", cx: 100, cy: 100, r: 6 }));
}

export function draw(view, h) {
  if (!view.results) return [h.answered()];
  const top = el("div", { class: "figures" });
  const rest = [];
  for (const q of view.results.questions) {
    if (q.type === "nps") {
      const score = q.nps === null ? "–" : `${q.nps > 0 ? "+" : ""}${q.nps}`;
      top.append(el("div", { class: "item nps" }, q.nps === null ? null : gauge(q.nps),
        figure(`${h.t("nps")} ${score}`, h.t("nps_split", q)),
        el("span", { class: "caption", text: h.tx(q.label) })));
    } else if (q.type === "scale" && top.childElementCount < 2 && q.max === 5 && !rest.length) {
      top.append(el("div", { class: "item csat" },
        figure(q.csat === null ? "–" : h.t("csat", { n: q.csat }), h.t("mean_of", { mean: number(q.mean, h.lang), max: q.max })),
        el("span", { class: "caption", text: h.tx(q.label) })));
    } else if (q.type === "scale") {
      const bar = el("span", { class: "bar", "aria-hidden": "true" });
      bar.style.width = q.mean === null ? "0" : `${(100 * (q.mean - q.min)) / (q.max - q.min)}%`;
      rest.push(el("div", { class: "row item" }, el("span", { class: "label", text: h.tx(q.label) }),
        el("span", { class: "value", text: h.t("mean_of", { mean: number(q.mean, h.lang), max: q.max }) }), bar));
    } else {
      rest.push(el("p", { class: "item note", text: `${h.tx(q.label)} · ${h.t("comments_n", { n: q.n })}` }));
    }
  }
  return [top, ...rest];
}
