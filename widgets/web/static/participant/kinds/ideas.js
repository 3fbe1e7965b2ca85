// Idea cards: write, send, see your own cards. With `tags` (the team's values), pick which one a card is for.
import { el, limitedField } from "../dom.js";

let lastTag = null; // the value picked last stays picked for the next card

export function render({ root, state, t, tx, send, redraw }) {
  const spec = state.activity;
  const max = spec.max_length || 280;
  const tags = spec.tags || [];
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
  const hints = (spec.hint || []).map((h) => el("li", { text: tx(h) }));
  const hintList = hints.length ? el("ul", { class: "help hints" }, hints) : null;

  let picked = tags.some((tag) => tag.id === lastTag) ? lastTag : (tags.length === 1 ? tags[0].id : null);
  let picker = null;
  if (tags.length) {
    const buttons = tags.map((tag) => {
      const button = el("button", { type: "button", class: "option tag", "data-tag": tag.id, "aria-pressed": "false",
        text: tx(tag.label) });
      button.addEventListener("click", () => { picked = tag.id; lastTag = tag.id; mark(); });
      return button;
    });
    const mark = () => {
      for (const b of buttons) {
        const on = b.dataset.tag === picked;
        b.classList.toggle("selected", on);
        b.setAttribute("aria-pressed", on ? "true" : "false");
      }
    };
    mark();
    picker = el("fieldset", { class: "tags" }, el("legend", { text: t("pick_tag") }), el("div", { class: "options" }, buttons));
  }

  // No maxlength: a pasted text stays whole, the counter says how much is over, and sending says why not.
  const field = limitedField({ id: "idea-text", max, multiline: true, placeholder: t("idea_placeholder"), t });
  const area = field.input;
  const error = el("p", { class: "error", role: "alert", hidden: true });
  const formNode = el("form", { class: "card", novalidate: true }, picker, hintList, area, field.counter, error,
    el("button", { type: "submit", class: "primary", text: t("send") }));
  formNode.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.hidden = true;
    const problem = field.problem();
    if (problem) {
      error.textContent = problem;
      error.hidden = false;
      area.focus();
      return;
    }
    const text = area.value.trim();
    if (tags.length && !picked) {
      error.textContent = t("pick_tag_first");
      error.hidden = false;
      return;
    }
    const nonce = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
    const payload = tags.length ? { text, nonce, tag: picked } : { text, nonce };
    try {
      await send(payload);
      field.clear();
      redraw();
      document.getElementById("idea-text")?.focus();
    } catch (err) {
      error.textContent = err.status === undefined ? t("offline") : err.message;
      error.hidden = false;
    }
  });
  root.append(formNode, list);
}
