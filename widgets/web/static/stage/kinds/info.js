// An information screen: its title and prompt are drawn by the stage itself.
export function draw() { return []; }
