// A break: answers are closed; the page says when the room comes back (the countdown is the page's timer).
import { el } from "../dom.js";

export function render({ root, state, tx }) {
  const resume = state.activity.resume;
  if (resume) root.append(el("p", { class: "card pause-resume", role: "status", text: tx(resume) }));
}
