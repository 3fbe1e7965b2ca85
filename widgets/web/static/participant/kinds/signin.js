// Sign the half-day's attendance sheet: name, and a signature drawn with a finger (kept as strokes, 0..1).
import { el, limitedField } from "../dom.js";

const RATIO = 2.5; // the pad is 2.5 times wider than tall, as on the printed sheet

export function render({ root, state, t, tx, send, redraw }) {
  const labels = state.activity.labels || {};
  if (state.view.anonymous) {
    root.append(el("p", { class: "card", text: tx(labels.anonymous) }));
    return;
  }
  if (state.view.validated) {
    // The trainer validated this line: nothing left to sign, and the phone says so.
    root.append(el("p", { class: "card notice signed validated", role: "status", text: tx(labels.validated) }));
    return;
  }
  if (state.view.signed) {
    root.append(el("p", { class: "card notice signed", role: "status", text: tx(labels.done) }));
  }
  if (!state.open) return;
  const nameField = limitedField({ id: "signin-name", max: 80, t });
  const name = nameField.input;
  name.setAttribute("autocomplete", "name");
  name.value = state.view.name || "";
  nameField.update();
  const canvas = el("canvas", { class: "signature-pad", role: "img", "aria-label": tx(labels.sign_here) });
  const strokes = [];
  let current = null;
  const ctx = canvas.getContext("2d");
  const size = () => {
    const width = canvas.clientWidth || 320;
    const scale = window.devicePixelRatio || 1;
    canvas.width = width * scale;
    canvas.height = (width / RATIO) * scale;
    canvas.style.height = `${width / RATIO}px`;
    ctx.setTransform(scale, 0, 0, scale, 0, 0);
    draw();
  };
  const draw = () => {
    const w = canvas.clientWidth, h = canvas.clientWidth / RATIO;
    ctx.clearRect(0, 0, w, h);
    ctx.lineWidth = 2.5; ctx.lineCap = "round"; ctx.lineJoin = "round"; ctx.strokeStyle = "#102a43";
    for (const stroke of strokes) {
      ctx.beginPath();
      stroke.forEach(([x, y], i) => (i ? ctx.lineTo(x * w, y * h) : ctx.moveTo(x * w, y * h)));
      if (stroke.length === 1) ctx.lineTo(stroke[0][0] * w + 0.5, stroke[0][1] * h);
      ctx.stroke();
    }
  };
  const point = (event) => {
    const box = canvas.getBoundingClientRect();
    const clamp = (v) => Math.min(1, Math.max(0, Math.round(v * 1000) / 1000));
    return [clamp((event.clientX - box.left) / box.width), clamp((event.clientY - box.top) / box.height)];
  };
  canvas.addEventListener("pointerdown", (event) => {
    event.preventDefault();
    canvas.setPointerCapture(event.pointerId);
    current = [point(event)];
    strokes.push(current);
    draw();
  });
  canvas.addEventListener("pointermove", (event) => {
    if (!current) return;
    event.preventDefault();
    current.push(point(event));
    draw();
  });
  const end = () => { current = null; };
  canvas.addEventListener("pointerup", end);
  canvas.addEventListener("pointercancel", end);
  const error = el("p", { class: "error", role: "alert", hidden: true });
  const clear = el("button", { type: "button", text: tx(labels.clear), onclick: () => { strokes.length = 0; draw(); } });
  const submit = el("button", { type: "submit", class: "primary", text: tx(labels.submit) });
  const form = el("form", { class: "card" },
    el("label", { for: "signin-name", text: tx(labels.name) }), name, nameField.counter,
    el("p", { class: "help", text: tx(labels.sign_here) }), canvas,
    el("div", { class: "row" }, clear, submit), error,
    el("p", { class: "help", text: tx(labels.why) }));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.hidden = true;
    const problem = nameField.problem();
    if (problem) { error.textContent = `${tx(labels.name)} — ${problem}`; error.hidden = false; name.focus(); return; }
    const points = strokes.reduce((n, s) => n + s.length, 0);
    if (points < 3) { error.textContent = tx(labels.empty); error.hidden = false; return; }
    try { await send({ name: name.value, strokes }); redraw(); }
    catch (err) { error.textContent = err.status === undefined ? t("offline") : err.message; error.hidden = false; }
  });
  root.append(form);
  requestAnimationFrame(size);
  window.addEventListener("resize", size, { once: true });
}
