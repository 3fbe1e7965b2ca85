// Matching on a phone: one row at a time, tap the columns that fit (no drag and drop).
// Once the trainer reveals, each row shows the reference (✓), the differences and why.
import { el } from "../dom.js";

let position = {};

// A reason is a text in every language (the phone reads its own) or, from older sessions, a plain string.
function reasonsList(items, tx) {
  const list = el("ul", { class: "ranking" });
  for (const { label, reason } of items) {
    list.append(el("li", {}, el("strong", { text: label })));
    if (reason) list.append(el("li", { class: "feedback", text: tx(reason) }));
  }
  return list;
}

export function render({ root, state, t, tx, send }) {
  const spec = state.activity;
  const rows = spec.rows;
  const mine = state.view.mine || {};
  const reference = spec.reference || null;
  const words = (spec.answer && spec.answer.labels) || {};
  // A metric has a full name and an abbreviation: phones show the name first (there is no hover to reveal it).
  // An abbreviation already in the name ("Panier moyen", "Taux de réouverture") is not said twice.
  const inName = (item) => tx(item.name).toLowerCase().includes(tx(item.label).toLowerCase());
  const named = (item) => {
    const abbr = tx(item.label);
    if (!item.name) return abbr;
    return inName(item) ? tx(item.name) : `${tx(item.name)} (${abbr})`;
  };
  const columnLabel = Object.fromEntries(spec.columns.map((c) => [c.id, named(c)]));
  const rowLabel = Object.fromEntries(rows.map((r) => [r.id, named(r)]));
  const caption = (item) => (item.name
    ? [el("span", { class: "name", text: tx(item.name) }), inName(item) ? null : el("abbr", { class: "abbr", text: tx(item.label) })]
    : [el("span", { text: tx(item.label) })]);
  let index = Math.min(position[spec.id] || 0, rows.length - 1);
  const holder = el("div");
  const error = el("p", { class: "error", role: "alert", hidden: true });
  const go = (step) => { index += step; position[spec.id] = index; draw(); };
  const draw = () => {
    const row = rows[index];
    const chosen = new Set(mine[row.id] || []);
    const expected = reference ? new Set(reference[row.id] || []) : null;
    const grid = el("div", { class: `options grid${spec.columns.some((c) => c.name) ? " named" : ""}`, role: "group", "aria-label": rowLabel[row.id] });
    for (const col of spec.columns) {
      const on = chosen.has(col.id);
      const inReference = expected && expected.has(col.id);
      grid.append(el("button", { type: "button", class: `option${on ? " selected" : ""}`, "aria-pressed": on ? "true" : "false",
        disabled: !state.open, "data-column": col.id, title: col.detail ? tx(col.detail) : null,
        onclick: async () => {
          if (chosen.has(col.id)) chosen.delete(col.id); else chosen.add(col.id);
          error.hidden = true;
          try {
            const result = await send({ row: row.id, columns: [...chosen] });
            mine[row.id] = result.columns;
          } catch (err) { error.textContent = err.status === undefined ? t("offline") : err.message; error.hidden = false; }
          draw();
        } },
        el("span", { class: "caption" }, ...caption(col)),
        inReference ? el("strong", { class: "badge", "aria-label": tx(words.reference) || null, text: "✓" }) : null));
    }
    const nav = el("div", { class: "nav" },
      el("button", { type: "button", disabled: index === 0, onclick: () => go(-1) }, t("previous")),
      el("span", { text: t("row_of", { n: index + 1, total: rows.length }) }),
      el("button", { type: "button", class: "primary", disabled: index === rows.length - 1, onclick: () => go(1) }, t("next")));
    const parts = [el("h2", { class: "row-title", text: rowLabel[row.id] })];
    if (row.detail) parts.push(el("p", { class: "help", text: tx(row.detail) }));
    parts.push(el("p", { class: "help", text: t("match_hint") }), grid, nav);
    const feedback = state.view.feedback && state.view.feedback.rows[row.id];
    const why = (state.view.reasons || {})[row.id] || { missed: {}, extra: {} };
    if (feedback) {
      if (!feedback.missed.length && !feedback.extra.length && words.all_right) {
        parts.push(el("p", { class: "help", text: tx(words.all_right) }));
      }
      if (feedback.missed.length) {
        parts.push(el("p", { class: "missed", text: t("missed_list", { items: feedback.missed.map((c) => columnLabel[c] || c).join(", ") }) }));
        parts.push(reasonsList(feedback.missed.map((c) => ({ label: columnLabel[c] || c, reason: why.missed[c] })), tx));
      }
      if (feedback.extra.length) {
        parts.push(el("p", { class: "extra", text: t("extra_list", { items: feedback.extra.map((c) => columnLabel[c] || c).join(", ") }) }));
        parts.push(reasonsList(feedback.extra.map((c) => {
          const info = why.extra[c] || {};
          const elsewhere = info.elsewhere || [];
          let reason = info.reason || null;
          let label = columnLabel[c] || c;
          if (!reason && elsewhere.length) {
            // Where the reference puts this column instead, with that link's reason when there is one link.
            label = `${label} → ${elsewhere.map((e) => rowLabel[e.row] || e.row).join(", ")}`;
            if (elsewhere.length === 1) reason = elsewhere[0].reason;
          }
          return { label, reason };
        }), tx));
      }
    }
    holder.replaceChildren(...parts);
  };
  draw();
  root.append(holder, error);
  if (state.view.feedback) root.prepend(el("p", { class: "score", text: t("your_score", { score: state.view.feedback.score }) }));
}
