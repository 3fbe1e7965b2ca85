// The training's evaluation: on the left CSAT (with the average) and NPS as a gauge with its split;
// on the right each other scale (a workshop's usefulness) as a bar of its average; comments counted,
// never shown. The figures always stay; the bars give way first when the screen is full.
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

function split(q) {
  const bar = el("span", { class: "split", "aria-hidden": "true" });
  for (const part of ["detractors", "passives", "promoters"]) {
    const piece = el("span", { class: `split-${part}` });
    piece.style.width = `${q[part]}%`;
    bar.append(piece);
  }
  return bar;
}

export function draw(view, h) {
  if (!view.results) return [h.answered()];
  const figures = el("div", { class: "figures" });
  const rest = el("div", { class: "scales" });
  let csatShown = false;
  for (const q of view.results.questions) {
    if (q.type === "nps") {
      const score = q.nps === null ? "–" : `${q.nps > 0 ? "+" : ""}${q.nps}`;
      figures.append(el("div", { class: "nps" },
        el("div", { class: "nps-head" }, q.nps === null ? null : gauge(q.nps), figure(score, h.t("nps"))),
        q.nps === null ? null : split(q),
        el("span", { class: "caption", text: h.t("nps_split", q) })));
    } else if (q.type === "scale" && !csatShown && q.max === 5) {
      csatShown = true;
      figures.append(el("div", { class: "csat" },
        figure(q.csat === null ? "–" : h.t("csat", { n: q.csat }), h.t("mean_of", { mean: number(q.mean, h.lang), max: q.max })),
        el("span", { class: "caption", text: h.tx(q.label) })));
    } else if (q.type === "scale") {
      const bar = el("span", { class: "bar", "aria-hidden": "true" });
      bar.style.width = q.mean === null ? "0" : `${(100 * (q.mean - q.min)) / (q.max - q.min)}%`;
      rest.append(el("div", { class: "row item" }, el("span", { class: "label", text: h.tx(q.label) }),
        el("span", { class: "value", text: h.t("mean_of", { mean: number(q.mean, h.lang), max: q.max }) }), bar));
    } else {
      rest.append(el("p", { class: "item note", text: `${h.tx(q.label)} · ${h.t("comments_n", { n: q.n })}` }));
    }
  }
  return [el("div", { class: "survey" }, figures, rest)];
}
