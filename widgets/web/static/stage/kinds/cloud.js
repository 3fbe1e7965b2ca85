// A word cloud: each word once (its variants folded in the live layer), sized by how many wrote it,
// the biggest in the middle. The smallest words give way first when the screen is full.
import { el } from "../draw.js";

export function draw(view, h) {
  const words = (view.results && view.results.words) || [];
  if (!words.length) return [h.answered()];
  const top = Math.max(...words.map((w) => w.count));
  // Biggest first in the list (the fit hides from the end), laid out centre-out with CSS order.
  const cloud = el("ul", { class: "cloud", "aria-label": h.t("cloud_authors", { n: view.results.authors }) });
  words.forEach((word, i) => {
    const scale = top > 1 ? 1 + 2.2 * Math.sqrt((word.count - 1) / (top - 1)) : 1.4;
    const node = el("li", { class: "item word", title: String(word.count) }, word.text);
    node.style.fontSize = `${scale}em`;
    node.style.order = String(i % 2 ? words.length + i : words.length - i);
    node.classList.add(`tone-${i % 4}`);
    cloud.append(node);
  });
  return [cloud];
}
