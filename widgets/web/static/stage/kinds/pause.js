// A break on the stage: a big countdown, when the room comes back and what is next (texts from the spec).
import { el, tx } from "../../participant/dom.js";

export function render({ activity, lang }) {
  const out = [el("p", { class: "pause-clock", "data-clock": "", "aria-hidden": "true" })];
  if (activity.resume) out.push(el("p", { class: "pause-resume", text: tx(activity.resume, lang) }));
  if (activity.prompt) out.push(el("p", { class: "pause-next", text: tx(activity.prompt, lang) }));
  return out;
}
