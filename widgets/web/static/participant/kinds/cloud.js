// Word cloud: send a word or two; see your own words. The cloud itself is on the projector.
import { el } from "../dom.js";

export function render({ root, state, t, tx, send, refresh }) {
  const spec = state.activity;
  const max = spec.max_length || 30;
  const list = el("ul", { class: "mine", "aria-label": t("your_ideas") });
  for (const word of state.view.mine || []) {
    list.append(el("li", {}, el("span", { text: word.text }),
      word.status === "hidden" ? el("em", { text: ` (${t("hidden_by_trainer")})` }) : null));
  }
  if (!state.open) { root.append(list); return; }
  const input = el("input", { type: "text", id: "cloud-word", maxlength: max, "aria-label": tx(spec.prompt), autocomplete: "off" });
  const error = el("p", { class: "error", role: "alert", hidden: true });
  const form = el("form", { class: "card" }, input, error, el("button", { type: "submit", class: "primary", text: t("send") }));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.hidden = true;
    const text = input.value.trim();
    if (!text) return;
    const nonce = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
    try { await send({ text, nonce }); input.value = ""; await refresh(); }
    catch (err) { error.textContent = err.status === undefined ? t("offline") : err.message; error.hidden = false; }
  });
  root.append(form, list);
}
