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

  feed(onChange, onStatus) {
    const url = `${this.base}s/${encodeURIComponent(this.code)}/feed?token=${encodeURIComponent(this.token)}`;
    const source = new EventSource(url);
    source.addEventListener("change", (event) => onChange(JSON.parse(event.data)));
    source.addEventListener("open", () => onStatus(true));
    source.addEventListener("error", () => onStatus(false));
    return source;
  }
}
