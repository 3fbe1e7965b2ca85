// One choice among options (a response in a case, a poll).
import { el } from "../dom.js";

export function render({ root, state, t, tx, send, redraw }) {
  const chosen = state.view.choice;
  const error = el("p", { class: "error", role: "alert", hidden: true });
  const group = el("div", { class: "options", role: "group" });
  for (const option of state.activity.options) {
    const selected = option.id === chosen;
    const button = el("button", { type: "button", class: `option${selected ? " selected" : ""}`, "aria-pressed": selected ? "true" : "false",
      disabled: !state.open, "data-option": option.id,
      onclick: async () => {
        error.hidden = true;
        try { await send({ option: option.id }); redraw(); }
        catch (err) { error.textContent = err.status === undefined ? t("offline") : err.message; error.hidden = false; }
      } }, el("span", { text: tx(option.label) }), selected ? el("strong", { class: "badge", text: t("chosen") }) : null);
    group.append(button);
  }
  root.append(group, error);
  if (state.revealed && state.results) {
    const list = el("ul", { class: "ranking" });
    for (const option of state.activity.options) {
      list.append(el("li", {}, el("span", { text: tx(option.label) }), el("strong", { text: ` ${state.results.counts[option.id] || 0}` })));
      if (option.feedback) list.append(el("li", { class: "feedback", text: tx(option.feedback) }));
    }
    root.append(el("section", { class: "card" }, el("h2", { text: t("results") }), list));
  }
}
