// A case's ending card: the ending's type, the room's path (the response it went on with, the ones
// not taken and how many chose each), the turning point, and the room's competence profile.
import { bars, el } from "../draw.js";

export function draw(view, h) {
  const card = view.shown || {};
  const out = [];
  if (card.type) out.push(el("p", { class: "badge", text: h.t(card.type) }));
  if (card.outcome) out.push(el("p", { class: "outcome", text: h.tx(card.outcome) }));
  const path = el("ol", { class: "path", "aria-label": h.t("path") });
  for (const step of card.path || []) {
    const chosen = step.options.find((o) => o.chosen);
    const others = step.options.filter((o) => !o.chosen);
    path.append(el("li", { class: `item${step.turning ? " turning" : ""}` },
      step.turning ? el("strong", { class: "turning-mark", text: h.t("turning") }) : null,
      el("span", { class: "chosen", text: `${chosen.letter}. ${h.tx(chosen.text)}` }),
      el("small", { text: [h.t("chose", { n: chosen.count }),
        others.length ? h.t("legend_item", { label: h.t("not_taken"), name: others.map((o) => `${o.letter} ${o.count}`).join(" · ") }) : ""]
        .filter(Boolean).join(" · ") })));
  }
  const profile = (card.profile || []).map((p) => ({ id: p.label, label: h.t(p.label), value: p.value, shown: `${p.value}` }));
  out.push(el("div", { class: "ending" },
    el("section", {}, el("h2", { text: h.t("path") }), path),
    el("section", { class: "profile" }, el("h2", { text: h.t("profile") }), bars(profile, h, { tie: false, max: 100, item: false }))));
  return out;
}
