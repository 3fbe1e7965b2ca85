// A plotly chart whose library is loaded once from the kit's server (cached by the
// browser); only the figure's data and layout travel over the widget channel.
function loadPlotly(url) {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  if (!window.__elanPlotly) {
    window.__elanPlotly = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = url;
      script.onload = () => resolve(window.Plotly);
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }
  return window.__elanPlotly;
}

export default {
  async render({ model, el }) {
    const div = document.createElement("div");
    div.className = "elan-chart";
    div.style.width = "100%";
    el.appendChild(div);
    const Plotly = await loadPlotly(model.get("plotly_url"));
    const draw = () => {
      const figure = model.get("figure") || {};
      const layout = Object.assign({ autosize: true }, figure.layout || {});
      Plotly.react(div, figure.data || [], layout, {
        displaylogo: false, responsive: true, displayModeBar: false,
        typesetMath: false, // labels can be participants' text: never maths
      });
    };
    draw();
    model.on("change:figure", draw);
    return () => Plotly.purge(div);
  },
};
