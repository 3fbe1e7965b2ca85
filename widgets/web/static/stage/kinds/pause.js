// A break on the stage: a big countdown, when the room comes back and what is next.
// `draw(view, h)` as every stage renderer; the texts are content maps from the kind's `shown`,
// the countdown is the session's timer, which the stage's clock writes into [data-clock].
import { el } from "../../participant/dom.js";

export function draw(view, h) {
  const { resume, next } = view.shown || {};
  const out = [el("p", { class: "pause-clock", "data-clock": "", "aria-hidden": "true" })];
  if (resume) out.push(el("p", { class: "pause-resume", text: h.tx(resume) }));
  if (next) out.push(el("p", { class: "pause-next", text: h.tx(next) }));
  return out;
}
