// A knowledge check: per question the share right (and the gain since the start of the day),
// the options as bars with the right one marked.
import { bars, el } from "../draw.js";

export function draw(view, h) {
  if (!view.results) return [h.answered()];
  const out = [];
  view.results.questions.forEach((q, i) => {
    const right = q.correct === null ? "–" : h.t("quiz_right", { n: q.correct });
    const gain = q.before !== null && q.before !== undefined && q.correct !== null
      ? h.t("quiz_gain", { before: q.before, after: q.correct }) : "";
    const rows = q.options.map((o, j) => ({ id: `q${i}-${j}`, label: `${o.right ? "✓ " : ""}${h.tx(o.label)}`,
      value: o.value, mark: o.right }));
    out.push(el("section", { class: "item question" },
      el("h2", { text: h.tx(q.label) }),
      el("p", { class: "gain", text: [right, gain].filter(Boolean).join(" · ") }),
      bars(rows, h, { tie: false })));
  });
  return [el("div", { class: "questions" }, out)];
}
