// The phone remote. The credential comes in the address's fragment; it is kept in this
// tab's storage and the fragment is removed, so the address shown or shared carries none.
import { format, tx } from "../participant/dom.js";

const body = document.body;
const code = body.dataset.code;
const api = `${body.dataset.api}s/${encodeURIComponent(code)}/remote`;
const strings = JSON.parse(document.getElementById("remote-strings").textContent);
const t = (key, values) => format(strings[key] ?? key, values);
const storeKey = `elan-remote-${code}`;

if (location.hash.length > 1) {
  sessionStorage.setItem(storeKey, decodeURIComponent(location.hash.slice(1)));
  history.replaceState(null, "", location.pathname + location.search);
}
const credential = sessionStorage.getItem(storeKey) || "";
let view = null;
let offset = 0;

async function call(method, payload) {
  const response = await fetch(api, {
    method, cache: "no-store",
    headers: { "X-Elan-Remote": credential, "Content-Type": "application/json" },
    body: payload ? JSON.stringify(payload) : undefined,
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.message || String(response.status));
  return data;
}

function show(v) {
  view = v;
  offset = v.now * 1000 - Date.now();
  document.getElementById("error").hidden = true;
  document.getElementById("panel").hidden = false;
  const c = v.console || {};
  document.getElementById("step").textContent = c.title ? t("step", { n: c.index, total: c.total, title: c.title }) : "";
  document.getElementById("line").textContent = c.line || "";
  document.getElementById("counts").textContent = t("counts", v.counts);
  // What the room sees now: the same public view the stage draws.
  const shown = v.view ? v.view.prompt || v.view.title : null;
  document.getElementById("showing").textContent = shown ? tx(shown, document.documentElement.lang) : "";
  // Steps change in the console: without one open, say so instead of sending a step nobody takes.
  const steps = v.console_open && !v.closed;
  document.getElementById("prev").disabled = !steps;
  document.getElementById("next").disabled = !steps;
  const note = document.getElementById("console-note");
  note.hidden = v.console_open || v.closed;
  note.textContent = t("console_closed");
  const input = document.getElementById("input");
  input.textContent = v.open ? t("close_input") : t("open_input");
  input.setAttribute("aria-pressed", String(v.open));
  input.disabled = !v.activity || v.closed;
  const reveal = document.getElementById("reveal");
  reveal.textContent = v.revealed ? t("hide_results") : t("reveal");
  reveal.setAttribute("aria-pressed", String(v.revealed));
  reveal.disabled = !v.activity || v.closed;
  const timer = document.getElementById("timer");
  const running = v.timer && v.timer.ends_at * 1000 > Date.now() + offset;
  timer.textContent = running ? t("stop_timer") : t("start_timer");
  const join = document.getElementById("join");
  join.textContent = v.join ? t("hide_join") : t("show_join");
  tick();
}

function fail(err) {
  const box = document.getElementById("error");
  box.textContent = credential ? err.message : t("not_paired");
  box.hidden = false;
  document.getElementById("panel").hidden = true;
}

function tick() {
  const node = document.getElementById("timer-left");
  const timer = view && view.timer;
  if (!timer) { node.textContent = ""; return; }
  const left = Math.max(0, Math.round(timer.ends_at - (Date.now() + offset) / 1000));
  node.textContent = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")}`;
}

async function act(action) {
  let value = null;
  if (action === "input") value = !view.open;
  if (action === "reveal") value = !view.revealed;
  if (action === "join") value = !view.join;
  if (action === "timer") {
    const running = view.timer && view.timer.ends_at * 1000 > Date.now() + offset;
    value = running ? 0 : 300;
  }
  try { show(await call("POST", { action, value })); } catch (err) { fail(err); }
}

async function refresh() {
  try { show(await call("GET")); } catch (err) { fail(err); }
}

for (const button of document.querySelectorAll("button[data-action]")) {
  button.addEventListener("click", () => act(button.dataset.action));
}
setInterval(tick, 1000);
setInterval(refresh, 3000);
refresh();
