// The participant page: join, then always show what the trainer has opened.
import { Api } from "./api.js";
import { el, format, tx } from "./dom.js";

const body = document.body;
const strings = JSON.parse(document.getElementById("elan-strings").textContent);
let lang = body.dataset.lang;
let api = null;
let state = null;
let renderedKey = "";
let timerHandle = null;
let refreshTimer = null;
let feed = null; // the one live channel of this page (closed before another opens)
let currentDraw = null; // draws the activity on screen from the latest state

const t = (key, values) => format(strings[key] ?? key, values, lang);
const main = document.getElementById("activity");
const form = document.getElementById("join-form");
const statusBox = document.getElementById("status");

function showStatus(text, kind) {
  statusBox.hidden = !text;
  statusBox.textContent = text || "";
  statusBox.className = `status ${kind || ""}`;
}

async function loadStrings(newLang) {
  const response = await fetch(`${body.dataset.api}strings/${newLang}`);
  const all = await response.json();
  for (const key of Object.keys(strings)) delete strings[key];
  for (const [key, value] of Object.entries(all)) if (key.startsWith("core.")) strings[key.slice(5)] = value;
  lang = newLang;
  document.documentElement.lang = newLang;
  document.cookie = `elan_lang=${newLang}; path=/; max-age=31536000; SameSite=Lax`;
}

document.getElementById("lang-switch").addEventListener("change", async (event) => {
  await loadStrings(event.target.value);
  relabelForm();
  renderedKey = "";
  if (state) render();
});

function relabelForm() {
  form.querySelector("h1").textContent = t("join_title");
  form.querySelector('label[for="join-code"]').textContent = t("join_code_label");
  form.querySelector("#join-code-help").textContent = t("join_code_help");
  form.querySelector('label[for="join-name"]').textContent = t("join_name_label");
  form.querySelector("#join-name-help").textContent = t("join_name_help");
  form.querySelector("button").textContent = t("join_button");
}

function normalizeCode(raw) {
  return (raw || "").toUpperCase().replace(/[^A-Z0-9]/g, "");
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const code = normalizeCode(form.code.value);
  const error = document.getElementById("join-error");
  error.hidden = true;
  if (!code) {
    error.textContent = t("error_unknown_code");
    error.hidden = false;
    return;
  }
  await start(code, form.name.value.trim());
});

function stopFeed() {
  if (feed) feed.close();
  feed = null;
}

async function start(code, name) {
  // Joining again (after the session forgot us, or with another code): the old channel stops first.
  stopFeed();
  api = new Api(body.dataset.api, code);
  const error = document.getElementById("join-error");
  try {
    const joined = await api.join(name || undefined);
    api.setToken(joined.token);
  } catch (err) {
    error.textContent = err.status === undefined ? t("error_server") : err.message;
    error.hidden = false;
    return;
  }
  if (location.pathname.indexOf(`/join/${code}`) === -1) {
    history.replaceState(null, "", `${body.dataset.base}join/${code}`);
  }
  form.hidden = true;
  main.hidden = false;
  document.getElementById("session-code").textContent = code;
  await refresh();
  if (!main.hidden) feed = api.feed(onChange, onConnection, state ? state.session.seq : 0);
}

function onChange() {
  // Many phones get the same event at once: spread their refreshes a little.
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(refresh, 50 + Math.random() * 250);
}

let wasOffline = false;
let noticeTimer = null;
function connectionLost() {
  wasOffline = true;
  clearTimeout(noticeTimer);
  showStatus(t("offline"), "offline");
}

async function connectionBack() {
  if (!wasOffline) return;
  wasOffline = false;
  showStatus(t("online"), "online");
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => showStatus(""), 3000);
  await api.flush();
}

async function onConnection(ok) {
  if (!ok) {
    connectionLost();
    return;
  }
  await connectionBack();
  refresh();
}

// Answers this page has had accepted. A state read that started before the latest one
// may not contain it: such a state is dropped and read again, so a tap never seems undone.
let accepted = 0;

async function refresh() {
  const before = accepted;
  let fresh;
  try {
    fresh = await api.state();
  } catch (err) {
    if (err.status === 403) {
      // Our place is gone (the session was purged): join again.
      stopFeed();
      localStorage.removeItem(api.key("token"));
      form.hidden = false;
      main.hidden = true;
      return;
    }
    if (err.status === undefined) connectionLost();
    return;
  }
  if (before !== accepted) return refresh();
  state = fresh;
  if (wasOffline) {
    // The server answered: send what waited, then show the state after it.
    await connectionBack();
    return refresh();
  }
  render();
}

async function render() {
  const s = state;
  if (s.session.closed) {
    currentDraw = null;
    replace(el("div", { class: "card" }, el("h1", { text: t("session_closed") })));
    renderedKey = "closed";
    return;
  }
  const activity = s.activity;
  const kind = activity ? activity.kind : "waiting";
  const key = JSON.stringify([kind, activity && activity.id, s.open, s.revealed, lang, s.session.seq]);
  if (key === renderedKey) return;
  // Keep what the participant is typing when a refresh comes for the same activity.
  const typing = document.activeElement && document.activeElement.closest("#activity textarea, #activity input[type=text]");
  if (typing && renderedKey.startsWith(JSON.stringify([kind, activity && activity.id]).slice(0, -1))) {
    renderedKey = key;
    return;
  }
  renderedKey = key;
  const section = el("div", { class: "stack" });
  if (s.participant.name) section.append(el("p", { class: "me", text: t("you_are", { name: s.participant.name }) }));
  section.append(timerNode(s));
  if (!activity) {
    currentDraw = null;
    section.append(el("div", { class: "card waiting" }, el("p", { text: t("waiting") })));
    replace(section);
    return;
  }
  if (activity.title) section.append(el("h1", { text: tx(activity.title, lang) }));
  if (activity.prompt) section.append(el("p", { class: "prompt", text: tx(activity.prompt, lang) }));
  if (!s.open && kind !== "info" && kind !== "pause") section.append(el("p", { class: "notice", text: t("input_closed") }));
  const holder = el("div", { class: "kind" });
  section.append(holder);
  replace(section);
  const module = await import(`./kinds/${kind}.js`);
  // The answer's reply holds the participant's own view: the activity is drawn again from it,
  // with no second request and without redrawing the title, prompt and timer.
  const draw = () => {
    holder.replaceChildren();
    module.render({
      root: holder,
      state: s,
      lang,
      t,
      tx: (v) => tx(v, lang),
      send: async (payload) => {
        const result = await api.submit(activity.id, payload);
        accepted += 1;
        if (result.view) {
          s.view = result.view;
          // A state read while this answer travelled may have been drawn meanwhile, without it:
          // the reply is newer for this participant's own view, so it is drawn again with it.
          if (state !== s && state && state.activity && state.activity.id === activity.id) {
            state.view = result.view;
            if (currentDraw) currentDraw();
          }
        }
        return result;
      },
      redraw: () => currentDraw && currentDraw(),
    });
  };
  currentDraw = draw;
  draw();
}

function timerNode(s) {
  clearInterval(timerHandle);
  if (!s.timer) return el("span");
  const offset = Date.now() / 1000 - s.now;
  const node = el("p", { class: "timer", role: "timer", "aria-label": t("timer_left") });
  const tick = () => {
    const left = Math.max(0, Math.round(s.timer.ends_at - (Date.now() / 1000 - offset)));
    node.textContent = `${t("timer_left")} ${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")}`;
    if (!left) clearInterval(timerHandle);
  };
  tick();
  timerHandle = setInterval(tick, 1000);
  return node;
}

function replace(node) {
  main.replaceChildren(node);
}

// Coming back (reload, QR code scanned again): the same identity, straight in.
const code = normalizeCode(body.dataset.code);
if (code && (localStorage.getItem(`elan:${code}:token`) || body.dataset.preview === "1")) {
  // A preview session (the case editor's): the page joins by itself, as one participant with no name.
  start(code, "");
} else if (code && !form.querySelector(".error")) {
  form.name.focus();
}
