// The kit's pages typeset no maths: what participants type must show as they typed it.
// Voilà's page loads its typesetter from the address in its page config ("fullMathjaxUrl");
// the kit points it here, at a typesetter that does nothing, so a card reading
// "$\href{https://evil.example/x}{CLICK}$" stays that text on the projector.
window.MathJax = {
  Hub: {
    Config() {},
    Configured() {},
    Queue() {},
    Register: { StartupHook() {} },
  },
};
