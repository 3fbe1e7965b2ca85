// Commitment card: write what you will do differently on Monday, then download it as a card (drawn here, as text).
import { el, limitedField } from "../dom.js";

const SVG = "http://www.w3.org/2000/svg";

function svgNode(tag, attrs, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

// Lines of at most `width` characters, cut at spaces; a word longer than a line is cut across lines
// so no letter runs off the card.
function wrap(text, width) {
  const lines = [];
  let line = "";
  for (const whole of text.split(/\s+/).filter(Boolean)) {
    const parts = Array.from(whole);  // by code point: an emoji is never split in two
    const words = [];
    for (let i = 0; i < parts.length; i += width) words.push(parts.slice(i, i + width).join(""));
    for (const word of words) {
      if (line && Array.from(`${line} ${word}`).length > width) { lines.push(line); line = word; }
      else line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

// The largest type at which every line fits between the heading and the footer: nothing is left out.
function fit(text) {
  for (const width of [42, 52, 64, 80, 100]) {
    const size = Math.round((40 * 42) / width);
    const step = Math.round(size * 1.4);
    const lines = wrap(text, width);
    if (lines.length * step <= 330 || width === 100) return { lines, size, step };
  }
  return null;
}

export function cardSvg(card, text, name) {
  const svg = svgNode("svg", { xmlns: SVG, width: 1200, height: 675, viewBox: "0 0 1200 675" });
  svg.append(svgNode("rect", { x: 0, y: 0, width: 1200, height: 675, fill: "#fdfcf7" }),
    svgNode("rect", { x: 30, y: 30, width: 1140, height: 615, rx: 28, fill: "none", stroke: "#0b5cad", "stroke-width": 8 }),
    svgNode("text", { x: 90, y: 130, "font-family": "DejaVu Sans, Arial, sans-serif", "font-size": 44, "font-weight": "bold", fill: "#0b5cad" }, card.heading));
  const { lines, size, step } = fit(text);
  lines.forEach((line, i) => {
    svg.append(svgNode("text", { x: 90, y: 200 + size + i * step, "font-family": "DejaVu Sans, Arial, sans-serif", "font-size": size, fill: "#1f2933" }, line));
  });
  const foot = name ? `${name} · ${card.footer}` : card.footer;
  svg.append(svgNode("text", { x: 90, y: 600, "font-family": "DejaVu Sans, Arial, sans-serif", "font-size": 26, fill: "#52606d" }, foot));
  return new XMLSerializer().serializeToString(svg);
}

export function render({ root, state, t, tx, send, redraw }) {
  const spec = state.activity;
  const card = Object.fromEntries(Object.entries(spec.card || {}).map(([k, v]) => [k, tx(v)]));
  const mine = state.view.mine || "";
  const error = el("p", { class: "error", role: "alert", hidden: true });
  if (state.open) {
    const field = limitedField({ id: "commitment-text", max: 240, multiline: true, rows: 4, placeholder: card.placeholder, t });
    const area = field.input;
    area.setAttribute("aria-label", tx(spec.prompt));
    area.value = mine;
    field.update();
    const form = el("form", { class: "card", novalidate: true }, area, field.counter, error,
      el("button", { type: "submit", class: "primary", text: t("send") }));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      error.hidden = true;
      const problem = field.problem();
      if (problem) { error.textContent = problem; error.hidden = false; area.focus(); return; }
      try { await send({ text: area.value }); redraw(); }
      catch (err) { error.textContent = err.status === undefined ? t("offline") : err.message; error.hidden = false; }
    });
    root.append(form);
  }
  if (mine) {
    const blob = new Blob([cardSvg(card, mine, state.view.name)], { type: "image/svg+xml" });
    const link = el("a", { class: "button primary download-card", href: URL.createObjectURL(blob), download: "commitment.svg", text: card.download });
    root.append(el("section", { class: "card" }, el("h2", { text: card.heading }), el("p", { class: "commitment", text: mine }), link));
  }
}
