// Shout-outs: tell a colleague's act of good service; once approved, its badge can be downloaded.
import { el, limitedField } from "../dom.js";

let sentFor = null; // the activity whose story was just sent: its notice stays through redraws until typing resumes

export function render({ root, state, lang, t, tx, send, redraw }) {
  const spec = state.activity;
  const label = (key) => tx((spec.labels || {})[key] || key);
  const values = spec.values || [];
  const valueLabel = (id) => tx((values.find((v) => v.id === id) || {}).label || id);
  const badgeBase = `${document.body.dataset.api}s/${encodeURIComponent(state.session.code)}/badge/`;

  if (state.open) {
    // Each field shows its limit and never cuts a paste; sending names the field that is empty or too long.
    const field = (id, key, max, multiline) => {
      const f = limitedField({ id, max, multiline, rows: 4, label: label(key), t });
      return { ...f, key, labelNode: el("label", { for: id, text: label(key) }) };
    };
    const colleague = field("story-colleague", "story_colleague", spec.name_max || 40, false);
    const title = field("story-title", "story_title", spec.title_max || 80, false);
    const story = field("story-text", "story_text", spec.max_length || 600, true);
    const fields = [colleague, title, story];
    const typing = () => { sentFor = null; };
    for (const f of fields) f.input.addEventListener("input", typing);
    const select = el("select", { id: "story-value", required: true },
      el("option", { value: "", text: "—" }),
      values.map((v) => el("option", { value: v.id, text: tx(v.label) })));
    // A full-width, finger-sized list (set through the style object: the page's policy forbids style attributes).
    Object.assign(select.style, { width: "100%", minHeight: "48px", padding: "8px", borderRadius: "8px" });
    const error = el("p", { class: "error", role: "alert", hidden: true });
    const done = el("p", { class: "help", role: "status", hidden: sentFor !== spec.id, text: label("story_sent") });
    const formNode = el("form", { class: "card story-form", novalidate: true },
      el("p", { class: "help", text: label("story_hint") }),
      fields.flatMap((f) => [f.labelNode, f.input, f.counter]),
      el("label", { for: "story-value", text: label("story_value") }), select,
      error, done, el("button", { type: "submit", class: "primary", text: label("story_send") }));
    formNode.addEventListener("submit", async (event) => {
      event.preventDefault();
      error.hidden = true;
      done.hidden = true;
      for (const f of fields) {
        const problem = f.problem();
        if (problem) {
          error.textContent = `${label(f.key)} — ${problem}`;
          error.hidden = false;
          f.input.focus();
          return;
        }
      }
      const payload = { colleague: colleague.input.value.trim(), title: title.input.value.trim(),
        story: story.input.value.trim(), value: select.value };
      if (!payload.value) {
        error.textContent = label("story_pick_value");
        error.hidden = false;
        return;
      }
      payload.nonce = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
      try {
        await send(payload);
        sentFor = spec.id;
        redraw();
      } catch (err) {
        error.textContent = err.status === undefined ? t("offline") : err.message;
        error.hidden = false;
      }
    });
    root.append(formNode);
  }

  const mine = state.view.mine || [];
  if (mine.length) {
    const list = el("ul", { class: "mine", "aria-label": label("story_mine") });
    for (const item of mine) {
      list.append(el("li", { class: item.status === "hidden" ? "hidden-card" : "", "data-story": item.id },
        el("span", { text: `${item.title} — ${item.colleague}` }),
        el("em", { text: ` (${label(`story_status_${item.status}`)})` })));
    }
    root.append(el("section", {}, el("h2", { text: label("story_mine") }), list));
  }

  const wall = state.view.wall || [];
  if (wall.length) {
    const section = el("section", { class: "story-wall" }, el("h2", { text: label("story_wall") }));
    for (const item of wall) {
      const link = (ext, key) => el("a", { href: `${badgeBase}${item.id}.${ext}?lang=${encodeURIComponent(lang)}`,
        download: ext === "html" ? false : `badge-${item.id}.${ext}`, target: ext === "html" ? "_blank" : false,
        class: `badge-link badge-${ext}`, text: label(key) });
      section.append(el("article", { class: "card", "data-story": item.id },
        el("h3", { text: item.colleague }),
        el("p", { class: "badge", text: valueLabel(item.value) }),
        el("p", {}, el("strong", { text: item.title })),
        el("p", { class: "help", text: item.story }),
        el("p", { class: "badge-links" }, link("svg", "story_badge_svg"), " · ", link("png", "story_badge_png"), " · ",
          link("html", "story_certificate"))));
    }
    root.append(section);
  }
}
