// What every stage renderer draws with: bars, big figures, SVG. Texts always go in as text.
import { el } from "../participant/dom.js";

export { el };

const SVG = "http://www.w3.org/2000/svg";

export function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) if (value !== null && value !== undefined) node.setAttribute(name, String(value));
  for (const child of children.flat()) if (child) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return node;
}

// Labelled bars, the label above its bar on as many lines as it needs; a tie is said as a tie.
// rows: [{id, label, value, shown?, mark?}]; `previous` (a Map) makes a changed bar pulse.
// `item: false` keeps the bars when the screen is full (a profile that must stay whole).
export function bars(rows, h, { tie = true, max = null, item = true } = {}) {
  const top = max ?? Math.max(0, ...rows.map((r) => r.value ?? 0));
  const best = Math.max(0, ...rows.map((r) => r.value ?? 0));
  const leaders = rows.filter((r) => r.value === best && best > 0);
  const out = [];
  if (tie && leaders.length > 1) {
    // Three names at most in the line: beyond that, the tied bars say which.
    const text = leaders.length > 3 ? h.t("tie_many", { n: leaders.length })
      : h.t("tie", { n: leaders.length, labels: leaders.map((r) => r.label).join(" · ") });
    out.push(el("p", { class: "tie", text }));
  }
  for (const row of rows) {
    const before = h.previous.get(row.id);
    h.seen.set(row.id, row.value);
    const changed = before !== undefined && before !== row.value;
    const tied = tie && leaders.length > 1 && row.value === best;
    const bar = el("span", { class: "bar", "aria-hidden": "true" });
    bar.style.width = top ? `${(100 * (row.value ?? 0)) / top}%` : "0";
    out.push(el("div", { class: `row${item ? " item" : ""}${changed ? " changed" : ""}${tied ? " tied" : ""}${row.mark ? " marked" : ""}` },
      el("span", { class: "label", text: row.label }),
      el("span", { class: "value", text: row.shown ?? String(row.value ?? "–") }), bar));
  }
  return out;
}

// One large figure with its caption: "12 / 14 signed", "NPS +38".
export function figure(value, caption, cls = "") {
  return el("div", { class: `figure ${cls}` }, el("span", { class: "figure-value", text: value }),
    el("span", { class: "figure-caption", text: caption }));
}

export function number(value, lang, options = {}) {
  return value === null || value === undefined ? "–" : new Intl.NumberFormat(lang, options).format(value);
}
