// The stage: reads what the projector shows from the API and follows the change feed.
// The step is drawn by its kind's renderer (kinds/<kind>.js, `draw(view, h)` -> nodes), from the
// kind's public view: the same view the console's preview and the remote read.
// Every text goes in with textContent (participants' cards are data, never markup).
import { el, format, tx } from "../participant/dom.js";
import { fit } from "./fit.js";

const body = document.body;
const code = body.dataset.code;
const api = body.dataset.api;
const lang = body.dataset.lang;
const strings = JSON.parse(document.getElementById("stage-strings").textContent);
// "key" is the stage's own string; "area.key" another area's (a case's competences, an ending's type).
const t = (key, values) => format(strings[key.includes(".") ? key : `stage.${key}`] ?? key, values, lang);

let view = null;
let clockOffset = 0;
let loading = false;
let again = false;
let previous = new Map();
const renderers = new Map();

// A kind's renderer, loaded once; a kind with none (or a name that is not one) is drawn as text only.
async function renderer(kind) {
  if (!/^[a-z][a-z0-9_-]{0,40}$/.test(kind || "")) return null;
  if (!renderers.has(kind)) renderers.set(kind, import(`./kinds/${kind}.js`).catch(() => null));
  return renderers.get(kind);
}

async function load() {
  if (loading) { again = true; return; }
  loading = true;
  try {
    do {
      again = false;
      const response = await fetch(`${api}s/${encodeURIComponent(code)}/stage`, { cache: "no-store" });
      if (!response.ok) throw new Error(String(response.status));
      view = await response.json();
      clockOffset = view.now * 1000 - Date.now();
      await render(view);
    } while (again);
    setLive(true);
  } catch (err) {
    setLive(false);
  } finally {
    loading = false;
  }
}

function setLive(ok) {
  const live = document.getElementById("live");
  live.className = ok ? "live" : "live offline";
  live.textContent = ok ? "" : t("offline");
}

async function render(v) {
  document.documentElement.lang = lang;
  const step = v.view;
  const state = document.getElementById("phase-state");
  if (v.session.closed) { state.className = "state ended"; state.textContent = t("ended"); }
  else if (!step || step.kind === "info" || step.kind === "caseend") { state.className = "state closed"; state.textContent = ""; }
  else if (v.open) { state.className = "state open"; state.textContent = t("answers_open"); }
  else { state.className = "state closed"; state.textContent = t("answers_closed"); }
  document.getElementById("counts").textContent = t("counts", v.counts);
  // The join panel while nobody is in; once people are, it folds to a strip in the footer
  // (the trainer may hide that too, leaving the footer's one line).
  document.getElementById("join").hidden = !(v.join && v.counts.joined === 0);
  body.classList.toggle("strip", v.join && v.counts.joined > 0);
  const title = step && step.title && step.prompt ? tx(step.title, lang) : "";
  document.getElementById("kicker").textContent = title;
  document.getElementById("prompt").textContent = step ? tx(step.prompt || step.title, lang) : t("waiting");
  const results = document.getElementById("results");
  const seen = new Map();
  const h = {
    t, lang, previous, seen,
    tx: (value) => tx(value, lang),
    answered: () => el("p", { class: "note", text: t("answered", { n: v.counts.answered }) }),
  };
  const module = step ? await renderer(step.kind) : null;
  let nodes = [];
  if (module) nodes = module.draw(step, h);
  else if (step && step.kind !== "info") nodes = [h.answered()];
  results.replaceChildren(...nodes.filter(Boolean));
  results.dataset.kind = step ? step.kind : "";
  body.classList.toggle("has-results", Boolean(step && step.results));
  previous = seen;
  fit(document.getElementById("step"), t);
  tick();
}

function tick() {
  const node = document.getElementById("timer");
  const timer = view && view.timer;
  if (!timer) { node.textContent = ""; node.className = "timer"; return; }
  const left = Math.max(0, Math.round(timer.ends_at - (Date.now() + clockOffset) / 1000));
  node.textContent = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")}`;
  node.className = left === 0 ? "timer done" : "timer";
  node.setAttribute("aria-label", t("timer_left", { time: node.textContent }));
  for (const clock of document.querySelectorAll("[data-clock]")) clock.textContent = node.textContent;
}

function follow() {
  const feed = new EventSource(`${api}s/${encodeURIComponent(code)}/stage-feed`);
  feed.addEventListener("change", load);
  feed.addEventListener("open", load);  // after a reconnection, read what was missed
  feed.addEventListener("error", () => setLive(false));
}

let resizing = null;
window.addEventListener("resize", () => {
  clearTimeout(resizing);
  resizing = setTimeout(() => view && render(view), 150);
});
setInterval(tick, 1000);
load();
follow();
