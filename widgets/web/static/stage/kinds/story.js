// Good catches: the approved stories only; the colleague's name only when the trainer shows names.
import { el } from "../draw.js";

export function draw(view, h) {
  if (!view.results) return [h.answered()];
  const stories = view.results.stories;
  if (!stories.length) return [el("p", { class: "note", text: h.t("stories_none") })];
  const wall = el("ul", { class: "stories", "aria-label": h.t("stories_count", { n: stories.length }) });
  for (const s of stories) {
    wall.append(el("li", { class: "item story" },
      el("strong", { text: s.title }),
      el("span", { class: "story-text", text: s.story }),
      el("small", { text: [h.tx(s.value), s.colleague].filter(Boolean).join(" · ") })));
  }
  return [wall];
}
