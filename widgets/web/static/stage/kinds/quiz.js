// A knowledge check, one bar per question: the share of the room right, and the gain since the
// start of the day when the same questions were asked then. The options' detail stays on the console.
import { bars } from "../draw.js";

export function draw(view, h) {
  if (!view.results) return [h.answered()];
  const rows = view.results.questions.map((q, i) => {
    const gain = q.before !== null && q.before !== undefined && q.correct !== null
      ? h.t("quiz_gain", { before: q.before, after: q.correct }) : "";
    return {
      id: `q${i}`,
      label: gain ? `${h.tx(q.label)} · ${gain}` : h.tx(q.label),
      value: q.correct ?? 0,
      shown: q.correct === null ? "–" : `${q.correct}\u202f%`,
    };
  });
  return bars(rows, h, { tie: false, max: 100 });
}
