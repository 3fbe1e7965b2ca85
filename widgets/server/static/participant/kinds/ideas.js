// Idea cards: write, send, see your own cards.
import { el } from "../dom.js";

export function render({ root, state, t, send, refresh }) {
  const max = state.activity.max_length || 280;
  const list = el("ul", { class: "mine", "aria-label": t("your_ideas") });
  for (const card of state.view.mine || []) {
    list.append(
      el("li", { class: card.status === "hidden" ? "hidden-card" : "" }, el("span", { text: card.text }),
        card.status === "hidden" ? el("em", { text: ` (${t("hidden_by_trainer")})` }) : null),
    );
  }
  if (!state.open) {
    root.append(list);
    return;
  }
  const area = el("textarea", { id: "idea-text", rows: 3, maxlength: max, placeholder: t("idea_placeholder"),
    "aria-label": t("idea_placeholder") });
  const left = el("p", { class: "help", "aria-live": "polite", text: t("characters_left", { n: max }) });
  const error = el("p", { class: "error", role: "alert", hidden: true });
  area.addEventListener("input", () => { left.textContent = t("characters_left", { n: max - area.value.length }); });
  const formNode = el("form", { class: "card" }, area, left, error, el("button", { type: "submit", class: "primary", text: t("send") }));
  formNode.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.hidden = true;
    const text = area.value.trim();
    if (!text) return;
    const nonce = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
    try {
      await send({ text, nonce });
      area.value = "";
      left.textContent = t("characters_left", { n: max });
      area.blur();
      await refresh();
      document.getElementById("idea-text")?.focus();
    } catch (err) {
      error.textContent = err.status === undefined ? t("offline") : err.message;
      error.hidden = false;
    }
  });
  root.append(formNode, list);
}
