// Rating targets on criteria with a row of large radio buttons per criterion.
import { el } from "../dom.js";

export function render({ root, state, lang, t, tx, send }) {
  const spec = state.activity;
  const [low, high] = spec.scale || [1, 5];
  const mine = state.view.mine || {};
  for (const target of state.view.targets) {
    const error = el("p", { class: "error", role: "alert", hidden: true });
    const card = el("fieldset", { class: "card" }, el("legend", { text: target.texts ? tx(target.texts) : target.text ?? tx(target.label) }));
    for (const criterion of spec.criteria) {
      const name = `r-${target.id}-${criterion.id}`;
      const group = el("div", { class: "scale", role: "radiogroup", "aria-label": tx(criterion.label) });
      for (let score = low; score <= high; score += 1) {
        const id = `${name}-${score}`;
        const input = el("input", { type: "radio", name, id, value: score, checked: mine[`${target.id}/${criterion.id}`] === score,
          disabled: !state.open,
          onchange: async () => {
            error.hidden = true;
            try {
              await send({ target: target.id, criterion: criterion.id, score });
              mine[`${target.id}/${criterion.id}`] = score;
            } catch (err) {
              // Not recorded: put back the score the server has, and say why.
              input.checked = false;
              const kept = mine[`${target.id}/${criterion.id}`];
              const previous = group.querySelector(`input[value="${kept}"]`);
              if (previous) previous.checked = true;
              error.textContent = err.status === undefined ? t("offline") : err.message;
              error.hidden = false;
            }
          } });
        group.append(el("label", { for: id, "aria-label": t("rate_label", { criterion: tx(criterion.label), score, max: high }) }, input, el("span", { text: score })));
      }
      card.append(el("p", { class: "criterion", text: tx(criterion.label) }));
      if (criterion.help) card.append(el("p", { class: "help", text: tx(criterion.help) }));
      card.append(group);
    }
    card.append(error);
    root.append(card);
  }
  // Once the trainer reveals, the room's profile: each criterion's mean for each target.
  if (state.revealed && state.results) {
    const section = el("section", { class: "card profile" }, el("h2", { text: t("results") }));
    for (const target of state.results.targets || []) {
      const list = el("ul", { class: "ranking" });
      for (const criterion of spec.criteria) {
        const row = (target.criteria || {})[criterion.id] || {};
        list.append(el("li", {}, el("span", { text: tx(criterion.label) }),
          el("strong", { text: row.mean === null || row.mean === undefined ? "–" : `${Number(row.mean).toLocaleString(lang)} / ${high}` })));
      }
      if ((state.results.targets || []).length > 1) section.append(el("h3", { text: target.text ?? tx(target.label) }));
      section.append(list);
    }
    root.append(section);
  }
}
