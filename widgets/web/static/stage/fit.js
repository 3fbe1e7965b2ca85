// Made for the projector: the page never scrolls. The step's text shrinks to fit, down to a
// readable minimum (28 px at 1280x720, in proportion on a larger screen); what still does not fit
// is summarised: the last items (the smallest words, the least chosen cards) give way to "and n more".
const MIN_AT_720 = 28;

function overflows() {
  const doc = document.documentElement;
  return doc.scrollHeight > window.innerHeight + 1 || doc.scrollWidth > window.innerWidth + 1;
}

export function fit(main, t) {
  const results = main.querySelector("#results");
  main.style.fontSize = "";
  const base = parseFloat(getComputedStyle(main).fontSize);
  const least = Math.min(base, MIN_AT_720 * Math.max(1, window.innerHeight / 720));
  let size = base;
  while (overflows() && size > least) {
    size = Math.max(least, size * 0.94);
    main.style.fontSize = `${size}px`;
  }
  if (!overflows()) return;
  const items = [...results.querySelectorAll(".item")];
  let hidden = 0;
  const more = document.createElement("p");
  more.className = "more";
  results.append(more);
  while (overflows() && hidden < items.length) {
    items[items.length - 1 - hidden].hidden = true;
    hidden += 1;
    more.textContent = t("more", { n: hidden });
  }
  if (!hidden) more.remove();
}
