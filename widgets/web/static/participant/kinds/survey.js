// A short survey: scale questions (large radio buttons, anchors under the row) and open comments.
// Each answer is sent as soon as it is given; changing it replaces it.
import { el, limitedField } from "../dom.js";

export function render({ root, state, t, tx, send }) {
  const mine = state.view.mine || {};
  const error = el("p", { class: "error", role: "alert", hidden: true });
  const fail = (err) => { error.textContent = err.status === undefined ? t("offline") : err.message; error.hidden = false; };
  for (const q of state.activity.questions) {
    const card = el("fieldset", { class: "card survey-question", "data-question": q.id }, el("legend", { text: tx(q.label) }));
    if (q.type === "scale") {
      const group = el("div", { class: "scale", role: "radiogroup", "aria-label": tx(q.label) });
      for (let score = q.min; score <= q.max; score += 1) {
        const id = `s-${q.id}-${score}`;
        const input = el("input", { type: "radio", name: `s-${q.id}`, id, value: score, checked: mine[q.id] === score,
          disabled: !state.open,
          onchange: async () => {
            error.hidden = true;
            try { await send({ question: q.id, value: score }); mine[q.id] = score; } catch (err) { input.checked = false; fail(err); }
          } });
        group.append(el("label", { for: id, "aria-label": t("rate_label", { criterion: tx(q.label), score, max: q.max }) },
          input, el("span", { text: score })));
      }
      card.append(group, el("p", { class: "help anchors" }, el("span", { text: tx(q.low) }), el("span", { text: tx(q.high) })));
    } else {
      const id = `c-${q.id}`;
      const field = limitedField({ id, max: q.max_length || 600, multiline: true, rows: 3, t });
      const area = field.input;
      area.disabled = !state.open;
      area.setAttribute("aria-label", tx(q.label));
      area.value = mine[q.id] || "";
      field.update();
      const saved = el("p", { class: "help", "aria-live": "polite" });
      const button = el("button", { type: "button", text: t("send"), disabled: !state.open,
        onclick: async () => {
          error.hidden = true;
          const value = area.value.trim();
          if ([...value].length > (q.max_length || 600)) { fail({ status: 400, message: t("error_too_long", { max: q.max_length || 600 }) }); return; }
          try { await send({ question: q.id, value: area.value }); saved.textContent = t("saved"); } catch (err) { fail(err); }
        } });
      card.append(area, field.counter, button, saved);
    }
    root.append(card);
  }
  root.append(error);
}
