// An information screen: the title and prompt are shown by the page itself.
export function render() {}
