// Small DOM helpers: every text goes in with textContent, never as markup.

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    if (name === "text") node.textContent = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else if (name === "class") node.className = value;
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

// A content text is a {fr, en, fr-CA...} map; participant texts are plain strings.
// A regional variant (fr-CA) falls back to its base language (fr), then to any text there is.
export function tx(value, lang) {
  if (value && typeof value === "object") {
    return value[lang] ?? value[lang.split("-")[0]] ?? value.fr ?? value.en ?? Object.values(value)[0] ?? "";
  }
  return value ?? "";
}

// {n, plural, one {# point} other {# points}}: the language's plural rule (CLDR, as the browser has it).
const TEXT = "(?:[^{}]|\\{\\w+\\})*";
const PLURAL = new RegExp(`\\{(\\w+), *plural, *((?:(?:=\\d+|zero|one|two|few|many|other) *\\{${TEXT}\\} *)+)\\}`, "g");
const BRANCH = new RegExp(`(=\\d+|zero|one|two|few|many|other) *\\{(${TEXT})\\}`, "g");

export function format(template, values = {}, lang = document.documentElement.lang || "fr") {
  const text = String(template).replace(PLURAL, (_, name, body) => {
    const n = Number(values[name]);
    const branches = {};
    for (const m of body.matchAll(BRANCH)) branches[m[1]] = m[2];
    const form = `=${n}` in branches ? `=${n}` : new Intl.PluralRules(lang).select(n);
    return (branches[form] ?? branches.other).replace(/#/g, String(n));
  });
  return text.replace(/\{(\w+)\}/g, (_, key) => (key in values ? String(values[key]) : `{${key}}`));
}

// A text field with a visible limit: it never cuts what is typed or pasted (no maxlength);
// past the limit it says by how much, and `problem()` names what stops the text being sent.
export function limitedField({ id, max, multiline = false, rows = 3, label = null, placeholder = null, t }) {
  const input = multiline
    ? el("textarea", { id, rows, placeholder, "aria-label": label ? null : placeholder })
    : el("input", { id, type: "text", autocomplete: "off", placeholder });
  const counter = el("p", { class: "counter-line", id: `${id}-count`, "aria-live": "polite" });
  input.setAttribute("aria-describedby", counter.id);
  const update = () => {
    const length = [...input.value].length;
    const over = length - max;
    counter.textContent = over > 0 ? t("characters_over", { n: over, max }) : t("characters_left", { n: max - length });
    counter.classList.toggle("error", over > 0);
    input.setAttribute("aria-invalid", over > 0 ? "true" : "false");
  };
  input.addEventListener("input", update);
  update();
  const problem = () => {
    const value = input.value.trim();
    if (!value) return t("error_empty");
    if ([...value].length > max) return t("error_too_long", { max });
    return null;
  };
  const clear = () => { input.value = ""; update(); };
  return { input, counter, problem, clear, update };
}
