// Word cloud: send a word or two; see your own words. The cloud itself is on the projector.
import { el, limitedField } from "../dom.js";

export function render({ root, state, t, tx, send, redraw }) {
  const spec = state.activity;
  const max = spec.max_length || 30;
  const list = el("ul", { class: "mine", "aria-label": t("your_ideas") });
  for (const word of state.view.mine || []) {
    list.append(el("li", {}, el("span", { text: word.text }),
      word.status === "hidden" ? el("em", { text: ` (${t("hidden_by_trainer")})` }) : null));
  }
  if (!state.open) { root.append(list); return; }
  // The limit is shown and a longer text is refused with a message, never cut.
  const field = limitedField({ id: "cloud-word", max, t });
  const input = field.input;
  input.setAttribute("aria-label", tx(spec.prompt));
  const error = el("p", { class: "error", role: "alert", hidden: true });
  const form = el("form", { class: "card", novalidate: true }, input, field.counter, error,
    el("button", { type: "submit", class: "primary", text: t("send") }));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.hidden = true;
    const problem = field.problem();
    if (problem) { error.textContent = problem; error.hidden = false; input.focus(); return; }
    const text = input.value.trim();
    const nonce = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
    try { await send({ text, nonce }); field.clear(); redraw(); }
    catch (err) { error.textContent = err.status === undefined ? t("offline") : err.message; error.hidden = false; }
  });
  root.append(form, list);
}
