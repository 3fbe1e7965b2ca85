// The console's keyboard shortcuts (like a slide deck) and its presentation mode.
// Keys click the console's own buttons, so every action still goes through the kernel
// and the engine's checks; presentation mode only hides the console around the stage.
const KEYS = {
  ArrowRight: "elan-k-next", PageDown: "elan-k-next", " ": "elan-k-next",
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
  document.body.classList.toggle("elan-presenting", on);
  const frame = document.querySelector(".elan-stage-frame iframe");
  if (!frame) return;
  frame.tabIndex = on ? 0 : -1;
  // Keys pressed while the stage has the focus drive the console too (same origin).
  if (on && frame.contentWindow && !frame.dataset.keys) {
    frame.contentWindow.addEventListener("keydown", onKey);
    frame.dataset.keys = "1";
  }
}

function onKey(event) {
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
