// A Plotly chart that stays mounted across reruns. st.plotly_chart keys its element by a hash of the
// figure, so every step change unmounts it and draws from scratch (Plotly.newPlot); here the same
// graph div receives the new figure through Plotly.react, which redraws it without building the
// graph's elements (axes, layers, modebar, listeners) anew.
const CONFIG = { displaylogo: false, responsive: true };

function loadPlotly(url) {
  // One <script> for the whole page, shared by every chart; plotly.js comes from this server only.
  if (!window.__liveChartPlotly) {
    window.__liveChartPlotly = window.Plotly
      ? Promise.resolve(window.Plotly)
      : new Promise((resolve, reject) => {
          const script = document.createElement("script");
          script.src = url;
          script.onload = () => resolve(window.Plotly);
          script.onerror = () => {
            window.__liveChartPlotly = undefined; // let the next render try again
            reject(new Error("plotly.js did not load from " + url));
          };
          document.head.appendChild(script);
        });
  }
  return window.__liveChartPlotly;
}

// Charts are drawn one per task: those in sight first, then the others in page order. The browser
// shows each as soon as it is drawn, so what the reader looks at does not wait for charts above or
// below it. A job stays in the queue until drawn (bench/harness.py waits for an empty queue).
const queue = window.__liveChartQueue || (window.__liveChartQueue = []);
const sight =
  window.IntersectionObserver &&
  (window.__liveChartSight ||= new IntersectionObserver((entries) => {
    for (const entry of entries) entry.target.__liveChartInSight = entry.isIntersecting;
  }));

function schedule(gd, draw) {
  queue.push({ gd, draw });
  if (queue.length === 1) setTimeout(drawNext, 0);
}

function drawNext() {
  const job = queue.find((waiting) => waiting.gd.__liveChartInSight) || queue[0];
  Promise.resolve()
    .then(job.draw)
    .catch(() => {})
    .then(() => {
      queue.splice(queue.indexOf(job), 1);
      if (queue.length) setTimeout(drawNext, 0);
    });
}

export default function ({ parentElement, data }) {
  let gd = parentElement.querySelector(":scope > .live-chart");
  if (!gd) {
    gd = document.createElement("div");
    gd.className = "live-chart";
    parentElement.appendChild(gd);
    if (sight) sight.observe(gd);
  }
  const figure = JSON.parse(data.figure);
  // Until plotly.js has run, hold the figure's height so the page does not jump when it draws.
  if (!gd._fullLayout && figure.layout && figure.layout.height) gd.style.minHeight = figure.layout.height + "px";
  const render = (gd.__liveChartRender = (gd.__liveChartRender || 0) + 1);
  schedule(gd, () =>
    loadPlotly(data.plotly_url)
      .then((Plotly) => {
        if (render !== gd.__liveChartRender) return; // a newer figure came, or the chart left the page
        gd.style.minHeight = "";
        return Plotly.react(gd, figure.data, figure.layout, CONFIG).then(() => {
          // When the drawn chart was first on screen (after the next frame): what bench/app.py times.
          requestAnimationFrame(() => setTimeout(() => ((window.__liveChartShown ||= {})[data.key] = performance.now())));
        });
      })
      .catch((error) => {
        gd.textContent = String(error.message || error);
      })
  );
  if (!gd.__liveChartObserver && window.ResizeObserver) {
    // The sidebar opening or closing changes the width without a window resize event.
    let width = parentElement.clientWidth;
    gd.__liveChartObserver = new ResizeObserver(() => {
      if (parentElement.clientWidth !== width && window.Plotly && gd._fullLayout) {
        width = parentElement.clientWidth;
        window.Plotly.Plots.resize(gd);
      }
    });
    gd.__liveChartObserver.observe(parentElement);
  }
  // Called when the chart leaves the page (not between updates): drop Plotly's window listeners.
  return () => {
    if (gd.__liveChartObserver) gd.__liveChartObserver.disconnect();
    if (sight) sight.unobserve(gd);
    gd.__liveChartRender = -1; // a draw still waiting in the queue must not run
    if (window.Plotly && gd._fullLayout) window.Plotly.purge(gd);
  };
}
