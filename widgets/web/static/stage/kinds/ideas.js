// A brainstorm's wall: the visible cards as they come; a name only when the trainer shows names.
import { el } from "../draw.js";

export function draw(view, h) {
  const cards = (view.results && view.results.cards) || [];
  if (!cards.length) return [h.answered()];
  const list = el("ul", { class: "wall", "aria-label": h.t("cards") });
  for (const card of cards) {
    const key = `w${card.id}`;
    const isNew = h.previous.size && !h.previous.has(key);
    h.seen.set(key, 1);
    list.append(el("li", { class: `item${isNew ? " new" : ""}` }, card.text,
      card.tag ? el("small", { text: h.tx(card.tag) }) : null,
      card.author ? el("small", { text: card.author }) : null));
  }
  return [list];
}
