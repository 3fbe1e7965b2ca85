// Commitment cards: how many made one; the texts only when the trainer shows them, never who wrote which.
import { el, figure } from "../draw.js";

export function draw(view, h) {
  if (!view.results) return [h.answered()];
  const { made, texts } = view.results;
  const out = [figure(String(made), h.t("commitments", { n: made }))];
  if (texts && texts.length) out.push(el("ul", { class: "wall" }, texts.map((text) => el("li", { class: "item", text }))));
  return out;
}
