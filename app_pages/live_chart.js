// The step page's live parts (app_pages/live_chart.py), one Streamlit v2 component of four kinds:
//   chart    a Plotly chart that stays mounted: new figures go to the same graph div through Plotly.react,
//            which redraws without building the graph's elements (axes, layers, modebar, listeners) anew;
//   text     a line of HTML per step (a formula's numbers, the step's caption), swapped in place;
//   player   the step controls: slider, ◀ ▶, play/pause with speed, the keys ← → K;
//   payload  every step's figures of every chart, sent once per input (app_pages/step_payload.py).
// Components of one input share a group: the player changes the group's step and every chart and text
// of the group shows it, in the browser, without a server round trip. The player reports the step back
// to Streamlit (debounced), which keeps it for deep links, exports and the other pages.
const RESPONSIVE = { responsive: true }; // with the app's Plotly config (PLOTLY_CONFIG), which each chart brings
const REPORT_AFTER_MS = 500; // a run of key presses is reported once, when it ends

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

// Charts are drawn in sight first: all of them in the task that changed the step, so that the next frame
// shows them; then the others in page order, as many per task as fit in DRAW_BUDGET_MS (then the next chart; one is ~10–35 ms), each task after
// the frame that shows the one before (no frame waits for charts out of sight, none holds the main thread
// for long). A job stays in the queue until drawn (bench/harness.py waits for an empty queue).
const DRAW_BUDGET_MS = 30;
const queue = window.__liveChartQueue || (window.__liveChartQueue = []);
const sight =
  window.IntersectionObserver &&
  (window.__liveChartSight ||= new IntersectionObserver((entries) => {
    for (const entry of entries) entry.target.__liveChartInSight = entry.isIntersecting;
  }));

function schedule(gd, draw, background = false) {
  const waiting = queue.find((job) => job.gd === gd && !job.started);
  if (waiting) {
    waiting.draw = draw; // a newer step for a chart not drawn yet: draw that one instead
    waiting.background = background;
    return;
  }
  queue.push({ gd, draw, background });
  if (background) {
    // Not in this task: the frame that shows the step comes first.
    if (!queue.running && !queue.later) {
      queue.later = true;
      // (two hops after the frame: after the charts' notes that they are on screen, queued in the same frame)
      requestAnimationFrame(() => setTimeout(() => setTimeout(() => ((queue.later = false), drawNext()))));
    }
  } else if (!queue.kicked) {
    queue.kicked = true; // once per task: still in this task, after the step's other charts are queued
    Promise.resolve().then(() => {
      queue.kicked = false;
      drawNext();
    });
  }
}

function inPageOrder(a, b) {
  return a.gd.compareDocumentPosition(b.gd) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1;
}

function drawNext() {
  if (queue.running || !queue.length) return;
  const waiting = queue.filter((job) => !job.started);
  const shown = waiting.filter((job) => !job.background); // the step on screen comes before any step ahead
  const inSight = shown.filter((job) => job.gd.__liveChartInSight);
  const next = (inSight.length ? inSight : shown.length ? shown : waiting).sort(inPageOrder);
  const started = performance.now();
  const drawn = [];
  queue.running = true;
  // One after the other in this task: Plotly.react settles its promise at once for these charts, so the
  // chain runs as microtasks, before the browser renders the next frame.
  let chain = Promise.resolve();
  for (const job of next) {
    chain = chain.then(() => {
      if (drawn.length && !inSight.length && performance.now() - started > DRAW_BUDGET_MS) return;
      drawn.push(job);
      job.started = true; // (a newer figure for its chart is a new job: this one may be waiting for plotly.js)
      return Promise.resolve().then(() => job.draw()).catch(() => {});
    });
  }
  chain.then(() => {
    for (const job of drawn) queue.splice(queue.indexOf(job), 1);
    queue.running = false;
    if (queue.length) requestAnimationFrame(() => setTimeout(drawNext));
  });
}

function draw(gd, t, figure, chart, background) {
  // Step t's figure into graph div gd (the chart's visible one, or a spare: background). `figure`: a function
  // that makes it when its turn comes (a step's figure is made from the group's payload only when drawn, not
  // for every chart at the key press). gd.__step is the step it holds once drawn, gd.__pending the one coming.
  const render = (gd.__liveChartRender = (gd.__liveChartRender || 0) + 1);
  gd.__step = null;
  gd.__pending = t;
  schedule(
    gd,
    () =>
      loadPlotly(chart.plotlyUrl)
        .then((Plotly) => {
          if (render !== gd.__liveChartRender) return; // a newer figure came, or the chart left the page
          const fig = figure();
          gd.style.minHeight = "";
          return Plotly.react(gd, fig.data, fig.layout, { ...chart.config, ...RESPONSIVE }).then(() => {
            if (gd.__report && !gd.__clickBound) {
              // A click reports the point's customdata (e.g. the grid's [layer, head]); bound once per graph.
              gd.__clickBound = true;
              gd.on("plotly_click", (event) => {
                const point = event && event.points && event.points[0];
                if (point && point.customdata !== undefined && gd.__report) gd.__report(point.customdata);
              });
            }
            if (render !== gd.__liveChartRender) return;
            gd.__step = t;
            gd.__pending = null;
            if (chart.gd === gd) shown(chart, t);
          });
        })
        .catch((error) => {
          gd.textContent = String(error.message || error);
        }),
    background
  );
}

function shown(chart, t) {
  chart.shown = t;
  if (window.__stepDrawLog) window.__stepDrawLog.push([chart.key, t]); // set by bench/app.py to check autoplay
  // When the chart was first on screen with step t (after the next frame): what bench/app.py times.
  requestAnimationFrame(() => setTimeout(() => ((window.__liveChartShown ||= {})[chart.key] = performance.now())));
}

// ---------------------------------------------------------------- groups: one input's components
const groups = window.__stepGroups || (window.__stepGroups = {});

function group(id) {
  return (groups[id] ||= { id, t: null, T: 0, charts: new Map(), texts: new Map(), players: new Set(), payload: null });
}

function leave(member) {
  // A component that now shows another input (or left the page) leaves its old group; an empty group goes,
  // and its figures with it, so memory stays flat however many inputs a session looks at.
  const g = member.group && groups[member.group];
  if (!g) return;
  g.charts.delete(member.key);
  g.texts.delete(member.key);
  g.players.delete(member);
  if (member.kind === "payload") g.payload = null;
  if (!g.charts.size && !g.texts.size && !g.players.size && (!g.payload || member.kind === "payload")) delete groups[g.id];
}

/** The figure of chart `key` at step t: the base with step t's patch applied (step_payload.apply). */
function applyPatch(base, patch) {
  let result = structuredClone(base);
  for (const op of patch) {
    const path = op[0];
    if (!path.length) {
      result = structuredClone(op[1]);
      continue;
    }
    let parent = result;
    for (let i = 0; i < path.length - 1; i++) parent = parent[path[i]];
    if (op.length === 1) delete parent[path[path.length - 1]];
    else parent[path[path.length - 1]] = structuredClone(op[1]);
  }
  return result;
}
window.__stepApplyPatch = applyPatch; // tests/test_browser.py checks it against step_payload.apply

function figureAt(g, chart, t) {
  const steps = g.payload && g.payload.charts[chart.key];
  if (steps) return applyPatch(steps.base, steps.patches[t - 1]);
  return t === chart.start ? JSON.parse(chart.figure) : null; // the rest is on its way
}

// Each chart draws the steps next to the one shown ahead, in spare graph divs laid hidden under it (AHEAD_SPARES
// of them: t + 1 and t − 1), when no chart waits for the step shown. A step change to a step drawn ahead shows
// that div and hides the other (no drawing on the key press); any other (a jump, a key held faster than the
// drawing) goes through Plotly.react as before. window.__liveChartAhead = false turns it off (bench/app.py).
const AHEAD_SPARES = 2;
const HIDDEN = "position:absolute;left:0;top:0;width:100%;visibility:hidden;pointer-events:none";

function hasPayload(g, chart) {
  return Boolean(g.payload && g.payload.charts[chart.key]);
}

function showChart(g, chart) {
  const t = g.t;
  if (chart.shown === t || chart.gd.__pending === t) return drawAhead(g, chart);
  if (!hasPayload(g, chart) && t !== chart.start) return; // drawn when the payload comes
  const ready = chart.spares.find((gd) => gd.__step === t);
  if (!ready) {
    draw(chart.gd, t, () => figureAt(g, chart, t), chart, false);
    return drawAhead(g, chart);
  }
  const show = () => {
    if (g.t === t && ready.__step === t && chart.shown !== t) {
      swap(chart, ready);
      shown(chart, t);
    }
    drawAhead(g, chart); // (not before: the spare shown now must not be taken to draw ahead into)
  };
  // Queued as a redraw is: the charts in sight in this task, so that the next frame shows them; the others
  // after that frame (drawNext).
  schedule(chart.gd, show);
}

function swap(chart, gd) {
  // gd, a spare holding the step now shown, takes the visible one's place (first in its host, so that
  // `.st-key-… .js-plotly-plot` finds it); the visible one becomes a spare.
  const old = chart.gd;
  old.style.cssText = HIDDEN;
  old.classList.add("live-chart-spare");
  old.setAttribute("aria-hidden", "true");
  gd.style.cssText = "";
  gd.classList.remove("live-chart-spare");
  gd.removeAttribute("aria-hidden");
  chart.host.insertBefore(gd, chart.host.firstChild);
  chart.spares[chart.spares.indexOf(gd)] = old;
  chart.gd = chart.host.__liveGd = gd; // (chart.spares is the host's array, changed in place)
}

function spare(chart) {
  const gd = element("div", { class: "live-chart live-chart-spare", "aria-hidden": "true", style: HIDDEN });
  gd.__report = chart.gd.__report;
  chart.host.style.position = "relative";
  chart.host.appendChild(gd);
  chart.spares.push(gd);
  if (sight) sight.observe(gd);
  return gd;
}

function drawAhead(g, chart) {
  if (window.__liveChartAhead === false || !hasPayload(g, chart)) return;
  const wanted = [g.t + 1, g.t - 1].filter((w) => w >= 1 && w <= g.T).slice(0, AHEAD_SPARES);
  const holds = (gd, w) => gd.__step === w || gd.__pending === w;
  const free = chart.spares.filter((gd) => !wanted.some((w) => holds(gd, w)));
  for (const w of wanted) {
    if (chart.spares.some((gd) => holds(gd, w))) continue;
    const gd = free.shift() || spare(chart);
    draw(gd, w, () => figureAt(g, chart, w), chart, true);
  }
}

function showText(g, text) {
  const html = text.steps[g.t - 1];
  if (html !== undefined && text.el.__html !== html) text.el.innerHTML = text.el.__html = html;
}

function setStep(g, t, how) {
  t = Math.max(1, Math.min(g.T, Math.round(t)));
  if (t === g.t && how !== "force") return;
  g.t = t;
  window.__stepShown = { group: g.id, t, at: performance.now() };
  for (const player of g.players) player.update();
  for (const text of g.texts.values()) showText(g, text);
  for (const chart of g.charts.values()) showChart(g, chart);
  if (how !== "force") for (const player of g.players) player.report();
}

// ---------------------------------------------------------------- the player
let activePlayer = null; // the keys step the player of the page (there is one per page)

function onKey(event) {
  const player = activePlayer;
  if (!player || !player.root.isConnected || event.ctrlKey || event.metaKey || event.altKey) return;
  const target = event.target;
  const typing =
    target &&
    (target.isContentEditable ||
      target.tagName === "TEXTAREA" ||
      target.tagName === "SELECT" ||
      (target.tagName === "INPUT" && !["range", "button", "checkbox", "radio"].includes(target.type)));
  if (typing) return;
  const g = groups[player.group];
  if (!g) return;
  let handled = true;
  if (event.key === "ArrowRight") setStep(g, g.t + 1);
  else if (event.key === "ArrowLeft") setStep(g, g.t - 1);
  else if (event.key === "Home") setStep(g, 1);
  else if (event.key === "End") setStep(g, g.T);
  else if (event.key === "k" || event.key === "K") player.toggle();
  else handled = false;
  if (handled) {
    // Taken before the focused element sees it: tabs and buttons keep Tab, Enter and Space, and ← → always step.
    event.preventDefault();
    event.stopPropagation();
  }
}
function onPointer(event) {
  // A click elsewhere on the page (an export menu, another widget) first tells the server the step shown,
  // so that whatever it asks for is about this step.
  const player = activePlayer;
  if (player && player.flush && !player.root.contains(event.target)) player.flush();
}
if (!window.__stepKeys) {
  window.__stepKeys = true;
  window.addEventListener("keydown", onKey, true);
  window.addEventListener("pointerdown", onPointer, true);
}

function element(tag, attributes = {}, text) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
  if (text !== undefined) el.textContent = text;
  return el;
}

function makePlayer(parentElement, data, component) {
  const labels = data.labels;
  const root = element("div", { class: "step-player" + (data.classroom ? " step-player-large" : "") });
  const sliderRow = element("div", { class: "step-player-row" });
  const sliderLabel = element("label", { class: "step-player-label", for: data.id + "-slider" }, labels.step);
  const slider = element("input", { id: data.id + "-slider", type: "range", min: "1", max: String(data.T), step: "1",
                                    "aria-label": labels.step });
  const value = element("output", { class: "step-player-value", "aria-hidden": "true" });
  sliderRow.append(sliderLabel, slider, value);
  const buttons = element("div", { class: "step-player-row" });
  const prev = element("button", { type: "button", class: "step-player-button", "data-testid": "step-prev" }, labels.prev);
  const next = element("button", { type: "button", class: "step-player-button", "data-testid": "step-next" }, labels.next);
  const play = element("button", { type: "button", class: "step-player-button", "data-testid": "step-play" }, labels.play);
  const speedLabel = element("label", { class: "step-player-speed" }, labels.speed + " ");
  const speed = element("select", { "aria-label": labels.speed });
  for (const seconds of data.speeds) speed.append(element("option", { value: String(seconds) }, String(seconds)));
  speed.value = String(data.speed);
  speedLabel.append(speed);
  const hint = element("span", { class: "step-player-hint" }, labels.keys);
  if (data.classroom) {
    // One row on a projector: the buttons, the slider, t, the speed (the keys are named at the page's foot).
    buttons.append(prev, next, play);
    if (data.T > 1) buttons.append(slider);
    buttons.append(value, speedLabel);
    root.append(buttons);
  } else {
    buttons.append(prev, next, play, speedLabel, hint);
    if (data.T > 1) root.append(sliderRow);
    root.append(buttons);
  }
  parentElement.appendChild(root);

  const player = { kind: "player", group: data.group, root, timer: null, reportToken: 0 };
  const g = () => groups[player.group];
  player.update = () => {
    const current = g();
    if (!current) return;
    const t = current.t;
    slider.value = String(t);
    slider.style.setProperty("--fill", `${(100 * (t - 1)) / Math.max(current.T - 1, 1)}%`);
    slider.setAttribute("aria-valuetext", labels.of.replace("{t}", t).replace("{T}", current.T));
    value.textContent = `${labels.value ?? "t = "}${t} / ${current.T}`; // (the learning view: no "t")
    const focused = document.activeElement;
    prev.disabled = t <= 1;
    next.disabled = t >= current.T;
    // A button that disables itself (Next at the last step) would drop the focus to the page: keep it here.
    if (focused && focused.disabled) {
      const other = focused === next ? prev : next;
      (other.disabled ? play : other).focus();
    }
    const playing = player.timer !== null;
    play.textContent = playing ? labels.pause : labels.play;
    play.classList.toggle("step-player-primary", playing);
    play.setAttribute("aria-pressed", String(playing));
  };
  player.report = () => {
    // Streamlit learns the step once the reader stops on one (while playing: when it stops, or when the page
    // is clicked), after the charts are drawn, so that its reply (the step's small controls, re-rendered by
    // Streamlit: ~40 ms of the main thread) does not compete with them. A newer step cancels a report waiting.
    const token = (player.reportToken = (player.reportToken || 0) + 1);
    const send = () => {
      if (token !== player.reportToken) return;
      if (queue.length && !data.server) return void setTimeout(send, 50);
      player.reportToken += 1; // sent: a flush, then the timer, send it once
      const current = g();
      if (current) component.setStateValue("step", current.t);
    };
    if (data.server) return send(); // without plotly.js here the server draws every step
    player.flush = send;
    if (player.timer === null) setTimeout(send, REPORT_AFTER_MS);
  };
  const stop = () => {
    const playing = player.timer !== null;
    clearTimeout(player.timer);
    player.timer = null;
    player.update();
    if (playing) player.report();
  };
  const tick = () => {
    const current = g();
    if (!current || !root.isConnected) return stop();
    if (current.t >= current.T) return stop();
    setStep(current, current.t + 1);
    if (current.t >= current.T) return stop();
    player.timer = setTimeout(tick, Number(speed.value) * 1000);
  };
  player.toggle = () => {
    const current = g();
    if (!current) return;
    if (player.timer !== null) return stop();
    if (current.t >= current.T) setStep(current, 1); // play from the start once the end is reached
    player.timer = setTimeout(tick, Number(speed.value) * 1000);
    player.update();
  };
  slider.addEventListener("input", () => g() && setStep(g(), Number(slider.value)));
  prev.addEventListener("click", () => g() && setStep(g(), g().t - 1));
  next.addEventListener("click", () => g() && setStep(g(), g().t + 1));
  play.addEventListener("click", () => player.toggle());
  speed.addEventListener("change", () => {
    component.setStateValue("speed", Number(speed.value));
    if (player.timer !== null) {
      clearTimeout(player.timer);
      player.timer = setTimeout(tick, Number(speed.value) * 1000);
    }
  });
  player.stop = stop;
  return player;
}

// ---------------------------------------------------------------- the component
function same(member, data) {
  return Boolean(member) && member.kind === data.kind && member.group === data.group && member.source === data.source;
}

export default function (component) {
  const { parentElement, data } = component;
  const host = parentElement;
  let member = host.__stepMember;
  // What a component shows, beyond its group: a chart of a group draws the group's step whatever its first
  // figure was; a text or player shows its own data. The same again (a rerun of the page) changes nothing.
  const source =
    data.kind === "chart" ? data.key : data.kind === "payload" ? "" : JSON.stringify({ ...data, start: null, speed: null }); // (start and speed: only the first time)
  data.source = source;
  if (same(member, data)) return host.__stepCleanup;
  if (member) {
    if (member.kind === "player" && member.stop) member.stop();
    leave(member);
    if (member.kind === "player" || member.kind === "text") member.root.remove();
  }

  if (data.kind === "chart") {
    let gd = host.__liveGd;
    if (!gd) {
      gd = host.__liveGd = element("div", { class: "live-chart" });
      host.__liveSpares = [];
      host.appendChild(gd);
      if (sight) sight.observe(gd);
    }
    const report = data.clicks ? (value) => component.setTriggerValue("click", value) : null;
    for (const each of [gd, ...host.__liveSpares]) {
      each.__report = report;
      each.__step = each.__pending = null; // (another input's steps: none of them may be shown, or drawn now)
      each.__liveChartRender = (each.__liveChartRender || 0) + 1;
    }
    member = { kind: "chart", key: data.key, gd, spares: host.__liveSpares, host, group: data.group, source,
               figure: data.figure, start: data.start, plotlyUrl: data.plotly_url, config: data.config, shown: null };
    const figure = JSON.parse(data.figure);
    // Until plotly.js has run, hold the figure's height so the page does not jump when it draws.
    if (!gd._fullLayout && figure.layout && figure.layout.height) gd.style.minHeight = figure.layout.height + "px";
    const g = group(data.group);
    g.charts.set(data.key, member);
    if (g.t === null) g.t = data.start;
    showChart(g, member);
    if (!host.__liveChartObserver && window.ResizeObserver) {
      // The sidebar opening or closing changes the width without a window resize event.
      let width = host.clientWidth;
      host.__liveChartObserver = new ResizeObserver(() => {
        if (host.clientWidth !== width && window.Plotly) {
          width = host.clientWidth;
          for (const each of [host.__liveGd, ...host.__liveSpares]) if (each._fullLayout) window.Plotly.Plots.resize(each);
        }
      });
      host.__liveChartObserver.observe(host);
    }
  } else if (data.kind === "text") {
    const root = element("div", { class: "step-text " + (data.css || ""), "aria-live": data.live ? "polite" : "off" });
    host.appendChild(root);
    member = { kind: "text", key: data.key, el: root, root, group: data.group, source, steps: data.steps };
    const g = group(data.group);
    g.texts.set(data.key, member);
    if (g.t === null) g.t = data.start;
    showText(g, member);
  } else if (data.kind === "player") {
    const g = group(data.group);
    g.T = data.T;
    member = makePlayer(host, data, component);
    member.source = source;
    g.players.add(member);
    activePlayer = member;
    if (g.t === null) g.t = data.start;
    setStep(g, g.t, "force");
  } else if (data.kind === "preload") {
    member = { kind: "preload", source };
    loadPlotly(data.plotly_url).catch(() => {}); // a chart that needs it reports a failure
  } else if (data.kind === "payload") {
    member = { kind: "payload", group: data.group, source };
    const g = group(data.group);
    g.payload = { charts: data.charts };
    for (const chart of g.charts.values()) showChart(g, chart);
  }
  host.__stepMember = member;

  // Called when the component leaves the page (not between updates).
  host.__stepCleanup = () => {
    const gone = host.__stepMember;
    host.__stepMember = undefined;
    if (gone) {
      if (gone.kind === "player" && gone.stop) gone.stop();
      if (gone === activePlayer) activePlayer = null;
      leave(gone);
      if (gone.root) gone.root.remove();
    }
    if (host.__liveChartObserver) host.__liveChartObserver.disconnect();
    host.__liveChartObserver = undefined;
    for (const gd of host.__liveGd ? [host.__liveGd, ...host.__liveSpares] : []) {
      if (sight) sight.unobserve(gd);
      gd.__liveChartRender = -1; // a draw still waiting in the queue must not run
      if (window.Plotly && gd._fullLayout) window.Plotly.purge(gd);
      gd.remove();
    }
    host.__liveGd = host.__liveSpares = undefined;
  };
  return host.__stepCleanup;
}
