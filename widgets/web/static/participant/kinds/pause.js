// A break: answers are closed; the page says when the room comes back and what is next
// (the countdown is the page's timer).
import { el } from "../dom.js";

export function render({ root, state, tx }) {
  const { resume, next } = state.activity;
  if (resume) root.append(el("p", { class: "card pause-resume", role: "status", text: tx(resume) }));
  if (next) root.append(el("p", { class: "prompt pause-next", text: tx(next) }));
}
