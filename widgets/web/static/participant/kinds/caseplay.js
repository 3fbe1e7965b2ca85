// Case plays happen in the solo notebook; the page shows the activity's prompt (where to go) and nothing to send.
export function render() {}
