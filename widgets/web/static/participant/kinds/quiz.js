// A knowledge check: one choice per question. Once the trainer reveals it, the right answers and the score show.
import { el } from "../dom.js";

export function render({ root, state, t, tx, send, redraw }) {
  const mine = state.view.mine || {};
  const answer = state.revealed ? state.activity.answer || {} : {};
  const error = el("p", { class: "error", role: "alert", hidden: true });
  let right = 0;
  for (const q of state.activity.questions) {
    const group = el("div", { class: "options", role: "group", "aria-label": tx(q.label) });
    if (answer[q.id] && mine[q.id] === answer[q.id]) right += 1;
    for (const option of q.options) {
      const selected = mine[q.id] === option.id;
      const correct = answer[q.id] === option.id;
      const button = el("button", { type: "button", class: `option${selected ? " selected" : ""}${correct ? " correct" : ""}`,
        "aria-pressed": selected ? "true" : "false", disabled: !state.open || state.revealed, "data-option": option.id,
        onclick: async () => {
          error.hidden = true;
          try { await send({ question: q.id, option: option.id }); redraw(); }
          catch (err) { error.textContent = err.status === undefined ? t("offline") : err.message; error.hidden = false; }
        } }, el("span", { text: tx(option.label) }),
        selected ? el("strong", { class: "badge", text: t("chosen") }) : null,
        correct ? el("strong", { class: "badge", "aria-label": t("results"), text: "✓" }) : null);
      group.append(button);
    }
    root.append(el("fieldset", { class: "card quiz-question", "data-question": q.id }, el("legend", { text: tx(q.label) }), group));
  }
  if (state.revealed) {
    const total = state.activity.questions.length;
    root.prepend(el("p", { class: "card score", text: t("your_score", { score: Math.round((100 * right) / total) }) }));
  }
  root.append(error);
}
