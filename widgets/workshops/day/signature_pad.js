// The trainer's signature pad: strokes drawn with a finger, a pen or the mouse, sent as
// numbers from 0 to 1 across the pad (the same shape as a participant's signature).
const RATIO = 2.5;

export default {
  render({ model, el }) {
    const box = document.createElement("div");
    box.className = "elan-signature-pad";
    const canvas = document.createElement("canvas");
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", model.get("label"));
    const clear = document.createElement("button");
    clear.type = "button";
    clear.textContent = model.get("clear_label");
    box.append(canvas, clear);
    el.appendChild(box);
    const ctx = canvas.getContext("2d");
    let strokes = [];
    let current = null;
    const draw = () => {
      const w = canvas.clientWidth, h = w / RATIO;
      const scale = window.devicePixelRatio || 1;
      canvas.width = w * scale;
      canvas.height = h * scale;
      ctx.setTransform(scale, 0, 0, scale, 0, 0);
      ctx.clearRect(0, 0, w, h);
      ctx.lineWidth = 2.5; ctx.lineCap = "round"; ctx.lineJoin = "round"; ctx.strokeStyle = "#102a43";
      for (const stroke of strokes) {
        ctx.beginPath();
        stroke.forEach(([x, y], i) => (i ? ctx.lineTo(x * w, y * h) : ctx.moveTo(x * w, y * h)));
        ctx.stroke();
      }
    };
    const point = (event) => {
      const r = canvas.getBoundingClientRect();
      const clamp = (v) => Math.min(1, Math.max(0, Math.round(v * 1000) / 1000));
      return [clamp((event.clientX - r.left) / r.width), clamp((event.clientY - r.top) / r.height)];
    };
    const send = () => { model.set("strokes", strokes.map((s) => s.slice())); model.save_changes(); };
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
    const end = () => { if (current) { current = null; send(); } };
    canvas.addEventListener("pointerup", end);
    canvas.addEventListener("pointercancel", end);
    clear.addEventListener("click", () => { strokes = []; draw(); send(); });
    model.on("change:strokes", () => { strokes = (model.get("strokes") || []).map((s) => s.slice()); draw(); });
    // The pad takes its size once the console lays it out (and again if the window changes).
    const observer = new ResizeObserver(() => draw());
    observer.observe(canvas);
    return () => observer.disconnect();
  },
};
