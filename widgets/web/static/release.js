// Release this page's kernel when the tab closes or reloads, so closed dashboards
// do not keep their memory until the idle culler finds them.
(function () {
  const script = document.currentScript;
  const kernel = script && script.dataset.kernel;
  if (!kernel) return;
  const url = `${script.dataset.base}elan/api/kernels/${kernel}/release?t=${script.dataset.token}`;
  window.addEventListener("pagehide", () => {
    navigator.sendBeacon(url, "");
  });
})();
