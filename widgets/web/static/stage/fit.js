// Made for the projector: the page never scrolls and nothing is cut. The step's text shrinks to fit
// its box, down to a readable minimum (28 px at 1280x720, in proportion on a taller screen); what
// still does not fit is summarised: the last items (the smallest words, the least chosen cards)
// give way to "… and n more". Renderers put what matters most first.
const MIN_AT_720 = 28;

function overflows(step) {
  const doc = document.documentElement;
  return step.scrollHeight > step.clientHeight + 2 || step.scrollWidth > step.clientWidth + 2
    || doc.scrollHeight > window.innerHeight + 1 || doc.scrollWidth > window.innerWidth + 1;
}

export function fit(step, t) {
  const results = step.querySelector("#results");
  step.style.fontSize = "";
  // The heading gives way first (down to 1.2 times the text), then the text itself.
  for (let scale = 1.95; scale >= 1.2; scale -= 0.15) {
    step.style.setProperty("--heading", `${scale}em`);
    if (!overflows(step)) return;
  }
  const base = parseFloat(getComputedStyle(step).fontSize);
  const least = Math.min(base, MIN_AT_720 * Math.max(1, window.innerHeight / 720));
  let size = base;
  while (overflows(step) && size > least) {
    size = Math.max(least, size * 0.94);
    step.style.fontSize = `${size}px`;
  }
  if (!overflows(step)) return;
  const items = [...results.querySelectorAll(".item")].filter((e) => !e.parentElement.closest(".item"));
  const more = document.createElement("p");
  more.className = "more";
  // Said where the list ends (in its own column), so the line itself takes no extra row.
  (items.length ? items[items.length - 1].parentElement : results).append(more);
  // How many to hide: the fewest that fit, found by halving (a 200-word cloud needs 8 layouts, not 200).
  const hide = (k) => {
    items.forEach((item, n) => { item.hidden = n >= items.length - k; });
    more.textContent = t("more", { n: k });
    return !overflows(step);
  };
  let low = 0;
  let high = items.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (mid > 0 && hide(mid)) high = mid; else low = mid + 1;
  }
  const hidden = low;
  hide(hidden);
  if (!hidden) more.remove();
}
