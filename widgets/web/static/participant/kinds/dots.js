// Dot voting: a budget of dots to place on cards, with large buttons for thumbs.
import { el } from "../dom.js";

export function render({ root, state, t, tx, send }) {
  const view = state.view;
  const mine = Object.fromEntries(Object.entries(view.mine || {}).map(([k, v]) => [Number(k), v]));
  const used = () => Object.values(mine).reduce((a, b) => a + b, 0);
  const counter = el("p", { class: "counter", "aria-live": "polite" });
  const error = el("p", { class: "error", role: "alert", hidden: true });
  const update = () => { counter.textContent = t("dots_left", { n: view.budget - used(), budget: view.budget }); };
  update();
  const list = el("ul", { class: "cards" });
  // Cards from the content (the week's starter ideas) carry their text in every language.
  const text = (card) => (card.texts ? tx(card.texts) : card.text);
  for (const card of view.cards) {
    const count = el("span", { class: "dots", "aria-hidden": "true" });
    const draw = () => { count.textContent = "●".repeat(mine[card.id] || 0) || "○"; };
    draw();
    const change = async (delta) => {
      const next = Math.max(0, (mine[card.id] || 0) + delta);
      error.hidden = true;
      try {
        const result = await send({ item: card.id, dots: next });
        for (const key of Object.keys(mine)) delete mine[key];
        for (const [k, v] of Object.entries(result.mine)) mine[Number(k)] = v;
        draw();
        update();
        plus.setAttribute("aria-pressed", mine[card.id] ? "true" : "false");
      } catch (err) {
        error.textContent = err.status === undefined ? t("offline") : err.message;
        error.hidden = false;
      }
    };
    const plus = el("button", { type: "button", class: "dot-add", "aria-pressed": mine[card.id] ? "true" : "false",
      "aria-label": t("add_dot", { text: text(card) }), disabled: !state.open, onclick: () => change(+1) }, "+");
    const minus = el("button", { type: "button", class: "dot-remove", "aria-label": t("remove_dot", { text: text(card) }),
      disabled: !state.open, onclick: () => change(-1) }, "−");
    list.append(el("li", { class: "card row" }, el("span", { class: "label", text: text(card) }), count, minus, plus));
  }
  root.append(counter, error, list);
  if (state.revealed && state.results) root.append(ranking(state.results, t, text));
}

function ranking(results, t, text) {
  const list = el("ol", { class: "ranking", "aria-label": t("results") });
  for (const row of results.ranking) list.append(el("li", {}, el("span", { text: text(row) }), el("strong", { text: ` ${row.dots}` })));
  return el("section", { class: "card" }, el("h2", { text: t("results") }), list);
}
