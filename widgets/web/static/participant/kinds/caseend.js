// A case's ending: its title and outcome are shown by the page itself; the path and profile are for the projector.
export function render() {}
