// Matching on a phone: one row at a time, tap the columns that fit (no drag and drop).
import { el } from "../dom.js";

let position = {};

export function render({ root, state, t, tx, send }) {
  const spec = state.activity;
  const rows = spec.rows;
  const mine = state.view.mine || {};
  let index = position[spec.id] || 0;
  const holder = el("div");
  const error = el("p", { class: "error", role: "alert", hidden: true });
  const draw = () => {
    const row = rows[index];
    const chosen = new Set(mine[row.id] || []);
    const grid = el("div", { class: "options grid", role: "group", "aria-label": tx(row.label) });
    for (const col of spec.columns) {
      const on = chosen.has(col.id);
      grid.append(el("button", { type: "button", class: `option${on ? " selected" : ""}`, "aria-pressed": on ? "true" : "false",
        disabled: !state.open, "data-column": col.id,
        onclick: async () => {
          if (chosen.has(col.id)) chosen.delete(col.id); else chosen.add(col.id);
          error.hidden = true;
          try {
            const result = await send({ row: row.id, columns: [...chosen] });
            mine[row.id] = result.columns;
          } catch (err) { error.textContent = err.status === undefined ? t("offline") : err.message; error.hidden = false; }
          draw();
        } }, el("span", { text: tx(col.label) })));
    }
    const nav = el("div", { class: "nav" },
      el("button", { type: "button", disabled: index === 0, onclick: () => { index -= 1; position[spec.id] = index; draw(); } }, t("previous")),
      el("span", { text: t("row_of", { n: index + 1, total: rows.length }) }),
      el("button", { type: "button", class: "primary", disabled: index === rows.length - 1,
        onclick: () => { index += 1; position[spec.id] = index; draw(); } }, t("next")));
    const parts = [el("h2", { class: "row-title", text: tx(row.label) }), el("p", { class: "help", text: t("match_hint") }), grid, nav];
    const feedback = state.view.feedback && state.view.feedback.rows[row.id];
    if (feedback) {
      if (feedback.missed.length) parts.push(el("p", { class: "missed", text: `${t("missed")}: ${feedback.missed.join(", ")}` }));
      if (feedback.extra.length) parts.push(el("p", { class: "extra", text: `${t("extra")}: ${feedback.extra.join(", ")}` }));
    }
    holder.replaceChildren(...parts);
  };
  draw();
  root.append(holder, error);
  if (state.view.feedback) root.prepend(el("p", { class: "score", text: t("your_score", { score: state.view.feedback.score }) }));
}
