// The stage: reads what the projector shows from the API and follows the change feed.
// Every text goes in with textContent (participants' cards are data, never markup).
import { el, format, tx } from "../participant/dom.js";
import * as pause from "./kinds/pause.js";

// Kinds drawn by a renderer of their own (kinds/<kind>.js, `draw(view, h)` -> nodes), from the
// step as the room sees it: its title, prompt and what it shows before any answer.
const OWN = { pause };

const body = document.body;
const code = body.dataset.code;
const api = body.dataset.api;
const lang = body.dataset.lang;
const strings = JSON.parse(document.getElementById("stage-strings").textContent);
const t = (key, values) => format(strings[key] ?? key, values);

let view = null;
let clockOffset = 0;
let loading = false;
let again = false;
let previous = new Map();

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
      render(view);
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

function render(v) {
  document.documentElement.lang = lang;
  const state = document.getElementById("phase-state");
  if (v.session.closed) { state.className = "state ended"; state.textContent = t("ended"); }
  else if (!v.activity || v.activity.kind === "info") { state.className = "state closed"; state.textContent = ""; }
  else if (v.open) { state.className = "state open"; state.textContent = t("answers_open"); }
  else { state.className = "state closed"; state.textContent = t("answers_closed"); }
  document.getElementById("counts").textContent = t("counts", v.counts);
  document.getElementById("join").hidden = !v.join;
  const activity = v.activity;
  const own = activity && OWN[activity.kind];
  document.getElementById("prompt").textContent = own ? tx(activity.title, lang)
    : activity ? tx(activity.prompt || activity.title, lang) : t("waiting");
  const note = document.getElementById("note");
  note.textContent = "";
  const results = document.getElementById("results");
  if (own) {
    const shown = { resume: activity.resume, next: activity.next };
    const step = { kind: activity.kind, title: activity.title, prompt: activity.prompt, shown, results: null };
    results.replaceChildren(...own.draw(step, { t, lang, tx: (value) => tx(value, lang) }));
  } else if (v.results) {
    results.replaceChildren(...drawResults(activity, v.results));
  } else {
    results.replaceChildren();
    if (activity && activity.kind !== "info") note.textContent = t("answered", { n: v.counts.answered });
  }
  tick();
}

function drawResults(activity, results) {
  if (results.cards) return [wall(results.cards)];
  if (results.ranking) return bars(results.ranking.map((r) => ({ id: `r${r.id}`, label: r.text, value: r.dots })));
  if (results.counts) {
    const labels = Object.fromEntries((activity.options || []).map((o) => [o.id, tx(o.label, lang)]));
    return bars(Object.entries(results.counts).map(([id, n]) => ({ id: `c${id}`, label: labels[id] ?? id, value: n })));
  }
  if (results.targets) {
    return bars(results.targets.map((r) => ({ id: `t${r.id}`, label: tx(r.text ?? r.label ?? r.title ?? r.id, lang),
      value: r.overall ?? 0, shown: r.overall === null ? "–" : String(r.overall) })));
  }
  return [el("p", { class: "note", text: t("answered", { n: view.counts.answered }) })];
}

function wall(cards) {
  const seen = previous;
  previous = new Map();
  const list = el("ul", { class: "wall", "aria-label": t("cards") });
  for (const card of cards) {
    previous.set(`w${card.id}`, 1);
    list.append(el("li", { class: seen.size && !seen.has(`w${card.id}`) ? "new" : "" },
      card.text, card.author ? el("small", { text: card.author }) : null));
  }
  return list;
}

function bars(rows) {
  const top = Math.max(0, ...rows.map((r) => r.value));
  const leaders = rows.filter((r) => r.value === top && top > 0);
  const out = [];
  if (leaders.length > 1) {
    out.push(el("p", { class: "tie", text: t("tie", { n: leaders.length, labels: leaders.map((r) => r.label).join(" · ") }) }));
  }
  const seen = previous;
  previous = new Map();
  for (const row of rows) {
    previous.set(row.id, row.value);
    const changed = seen.has(row.id) && seen.get(row.id) !== row.value;
    const tied = leaders.length > 1 && row.value === top;
    const bar = el("span", { class: "bar", "aria-hidden": "true" });
    bar.style.width = top ? `${(100 * row.value) / top}%` : "0";
    out.push(el("div", { class: `row${changed ? " changed" : ""}${tied ? " tied" : ""}` },
      el("span", { class: "label", text: row.label }),
      el("span", { class: "value", text: row.shown ?? String(row.value) }), bar));
  }
  return out;
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

setInterval(tick, 1000);
load();
follow();
