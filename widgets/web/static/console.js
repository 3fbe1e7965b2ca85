// The console's keyboard shortcuts (like a slide deck) and its presentation mode.
// Keys click the console's own buttons, so every action still goes through the kernel
// and the engine's checks; presentation mode only hides the console around the stage.
const KEYS = {
  ArrowRight: "elan-k-next", PageDown: "elan-k-next",
  ArrowLeft: "elan-k-prev", PageUp: "elan-k-prev",
  o: "elan-k-input", r: "elan-k-reveal", t: "elan-k-timer", j: "elan-k-join",
};

function typing(target) {
  return target && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));
}

function click(cls) {
  const button = document.querySelector(`.${cls}:not(:disabled)`);
  if (button) button.click();
}

function present(on) {
  // The stage full screen in its own frame on top of the page; the console's controls are hidden below it.
  document.body.classList.toggle("elan-presenting", on);
  let frame = document.getElementById("elan-present");
  if (!on) { if (frame) frame.remove(); return; }
  const preview = document.querySelector(".elan-stage-frame iframe");
  if (!preview || frame) return;
  frame = document.createElement("iframe");
  frame.id = "elan-present";
  frame.src = preview.getAttribute("src");
  frame.title = preview.title;
  frame.referrerPolicy = "no-referrer";
  // Keys pressed while the stage has the focus drive the console too (same origin).
  frame.addEventListener("load", () => frame.contentWindow.addEventListener("keydown", onKey));
  document.body.append(frame);
  frame.focus();
}

function onKey(event) {
  // Only the console has shortcuts: solo notebooks and other dashboards keep their keys.
  if (!document.querySelector(".elan-console")) return;
  if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
  if (event.key === "Escape") {
    if (document.body.classList.contains("elan-presenting")) present(false);
    else click("elan-confirm-no");
    return;
  }
  const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
  if (key === "p") { present(!document.body.classList.contains("elan-presenting")); event.preventDefault(); return; }
  if (KEYS[key]) { click(KEYS[key]); event.preventDefault(); }
}

document.addEventListener("keydown", onKey);

document.addEventListener("click", (event) => {
  if (event.target.closest && event.target.closest(".elan-k-present")) present(true);
});
