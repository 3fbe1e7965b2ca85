// Attendance: how many signed out of how many joined. Never a name, never a signature.
import { figure } from "../draw.js";

export function draw(view, h) {
  const r = view.results || { signed: 0, participants: 0 };
  return [figure(h.t("signed", { n: r.signed, m: r.participants }), "", "signed")];
}
