// The lab's file button: the file goes to the server one chunk at a time (a widget message
// stops near 10 MB), with its progress; the kernel is told the upload's id once it has all arrived.
const fill = (template, values = {}) => String(template || "").replace(/\{(\w+)\}/g, (_, k) => values[k] ?? "");
const HEADERS = { "X-Elan-Upload": "1" };

async function refusal(response, texts) {
  try {
    const body = await response.json();
    return fill(texts[body.error] || texts["metrics.upload_failed"], body.values);
  } catch {
    return fill(texts["metrics.upload_failed"], { status: response.status });
  }
}

async function send(file, { url, texts, show }) {
  const start = await fetch(`${url}?size=${file.size}`, { method: "POST", headers: HEADERS, credentials: "same-origin" });
  if (!start.ok) throw new Error(await refusal(start, texts));
  const { id, chunk } = await start.json();
  let offset = 0;
  while (offset < file.size) {
    const part = file.slice(offset, offset + chunk);
    let answer = null;
    for (let attempt = 0; attempt < 3 && !(answer && answer.ok); attempt += 1) {
      try {
        answer = await fetch(`${url}/${id}?offset=${offset}`, { method: "PUT", headers: HEADERS, body: part, credentials: "same-origin" });
      } catch {
        answer = null; // a dropped connection: the same chunk again
      }
      if (answer && !answer.ok && answer.status < 500) break;
    }
    if (!answer || !answer.ok) {
      fetch(`${url}/${id}`, { method: "DELETE", headers: HEADERS, credentials: "same-origin" });
      throw new Error(answer ? await refusal(answer, texts) : fill(texts["metrics.upload_failed"], { status: 0 }));
    }
    offset = (await answer.json()).received;
    show(offset / file.size);
  }
  return id;
}

export default {
  render({ model, el }) {
    const texts = model.get("texts");
    const box = document.createElement("div");
    box.className = "elan-upload";
    const label = document.createElement("label");
    label.className = "elan-upload-button";
    const input = document.createElement("input");
    input.type = "file";
    input.accept = model.get("accept");
    input.className = "elan-upload-input";
    label.append(input, document.createTextNode(texts["metrics.load_export"]));
    const bar = document.createElement("progress");
    bar.max = 1;
    bar.value = 0;
    bar.hidden = true;
    const status = document.createElement("span");
    status.className = "elan-upload-status";
    status.setAttribute("role", "status");
    box.append(label, bar, status);
    el.appendChild(box);
    // Once the kernel has read the file, its word replaces "reading it".
    model.on("change:status", () => { status.textContent = model.get("status"); });

    input.addEventListener("change", async () => {
      const file = input.files && input.files[0];
      if (!file) return;
      input.disabled = true;
      bar.hidden = false;
      bar.value = 0;
      box.classList.remove("elan-upload-refused");
      const show = (fraction) => {
        bar.value = fraction;
        status.textContent = fill(texts["metrics.upload_sending"], { name: file.name, percent: Math.floor(fraction * 100) });
      };
      show(0);
      try {
        const id = await send(file, { url: model.get("url"), texts, show });
        status.textContent = fill(texts["metrics.upload_received"], { name: file.name });
        model.set("error", "");
        model.set("name", file.name);
        model.set("size", file.size);
        model.set("upload_id", id);
      } catch (error) {
        box.classList.add("elan-upload-refused");
        status.textContent = error.message;
        model.set("error", error.message);
      } finally {
        bar.hidden = true;
        input.disabled = false;
        input.value = ""; // the same file can be chosen again
        model.save_changes();
      }
    });
  },
};
