// Talking to the server: the JSON API, the live channel, and answers kept until sent.

export class Api {
  constructor(base, code) {
    this.base = base;
    this.code = code;
    this.token = localStorage.getItem(this.key("token")) || "";
  }

  key(name) {
    return `elan:${this.code}:${name}`;
  }

  setToken(token) {
    this.token = token;
    localStorage.setItem(this.key("token"), token);
  }

  async call(method, path, body) {
    const response = await fetch(this.base + path, {
      method,
      headers: { "Content-Type": "application/json", "X-Elan-Token": this.token },
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: "no-store",
    });
    let data = {};
    try {
      data = await response.json();
    } catch (err) {
      data = {};
    }
    if (!response.ok) {
      const error = new Error(data.message || response.statusText);
      error.status = response.status;
      error.key = data.error;
      throw error;
    }
    return data;
  }

  join(name) {
    return this.call("POST", "join", { code: this.code, name, token: this.token || undefined });
  }

  state() {
    return this.call("GET", `s/${encodeURIComponent(this.code)}/state`);
  }

  // Answers that could not be sent (network down) wait in localStorage and are sent
  // again when the connection is back; the server treats a repeat as a no-op.
  async submit(activity, payload) {
    try {
      return await this.call("POST", `s/${encodeURIComponent(this.code)}/submit`, { activity, payload });
    } catch (err) {
      if (err.status === undefined) this.queue(activity, payload);
      throw err;
    }
  }

  queue(activity, payload) {
    const pending = JSON.parse(localStorage.getItem(this.key("pending")) || "[]");
    pending.push({ activity, payload });
    localStorage.setItem(this.key("pending"), JSON.stringify(pending.slice(-50)));
  }

  async flush() {
    const pending = JSON.parse(localStorage.getItem(this.key("pending")) || "[]");
    localStorage.removeItem(this.key("pending"));
    for (const item of pending) {
      try {
        await this.call("POST", `s/${encodeURIComponent(this.code)}/submit`, item);
      } catch (err) {
        if (err.status === undefined) this.queue(item.activity, item.payload);
      }
    }
  }

  // The live channel. EventSource reconnects by itself after most failures; when it gives
  // up (CLOSED), or when the phone says its network is back, a new one starts from the last
  // event seen. A phone that drops off Wi-Fi may keep a dead stream open with no error, so
  // the browser's offline and online events are heard too.
  feed(onChange, onStatus, since = 0) {
    let source = null;
    // From the state just read: a change made between that read and this feed is not missed.
    let last = since ? String(since) : "";
    let retry = null;
    let delay = 1000;
    const open = () => {
      clearTimeout(retry);
      if (source) source.close();
      // The token rides in a cookie the join set (HttpOnly, this session's API only), never in
      // the address: addresses end up in access logs.
      const since = last ? `?since=${encodeURIComponent(last)}` : "";
      source = new EventSource(`${this.base}s/${encodeURIComponent(this.code)}/feed${since}`);
      source.addEventListener("change", (event) => {
        last = event.lastEventId || last;
        onChange(JSON.parse(event.data));
      });
      source.addEventListener("open", () => { delay = 1000; onStatus(true); });
      source.addEventListener("error", () => {
        onStatus(false);
        if (source.readyState === EventSource.CLOSED) {
          retry = setTimeout(open, delay);
          delay = Math.min(delay * 2, 15000);
        }
      });
    };
    // Heard once per channel, and removed with it: a page that joins again does not pile them up.
    const offline = () => onStatus(false);
    window.addEventListener("offline", offline);
    window.addEventListener("online", open);
    open();
    return {
      close: () => {
        clearTimeout(retry);
        window.removeEventListener("offline", offline);
        window.removeEventListener("online", open);
        if (source) source.close();
        source = null;
      },
    };
  }
}
