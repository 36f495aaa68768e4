// The Eco-Kube dashboard: reads /api/v1 with the bearer token the user gives, and draws with SVG.
// No framework and no build step: this file is served as it is.
"use strict";

const API = "api/v1";
let token = sessionStorage.getItem("ecokube-token") || "";

function el(id) { return document.getElementById(id); }

function fmt(v, digits) { return Number(v).toLocaleString("en", { maximumFractionDigits: digits }); }

async function get(path) {
  const r = await fetch(API + path, { headers: { Authorization: "Bearer " + token } });
  const body = await r.json();
  if (!r.ok) {
    const e = new Error(body.detail || r.statusText);
    e.status = r.status;
    throw e;
  }
  return body;
}

function cell(row, text, cls) {
  const td = document.createElement("td");
  td.textContent = text;
  if (cls) td.className = cls;
  row.appendChild(td);
  return td;
}

function showNodes(data) {
  const body = el("nodes").querySelector("tbody");
  body.replaceChildren();
  for (const n of data.nodes) {
    const tr = document.createElement("tr");
    tr.dataset.node = n.name;
    cell(tr, n.name);
    cell(tr, n.pool);
    const badge = document.createElement("span");
    badge.className = "state " + n.state;
    badge.textContent = n.state;
    cell(tr, "").appendChild(badge);
    const w = n.measured_watts !== null ? n.measured_watts : n.model_watts;
    cell(tr, fmt(w, 1) + (n.measured_watts !== null ? " W" : " W (model)"), "num");
    body.appendChild(tr);
  }
}

function showSavings(s, now) {
  el("watts-now").textContent = fmt(now.rate.watts, 0) + " W";
  el("always-on-now").textContent = "always-on would draw " + fmt(now.always_on_rate.watts, 0) + " W";
  el("saved-kwh").textContent = fmt(s.saved.kwh, 2) + " kWh";
  el("saved-share").textContent = fmt(s.saved_fraction * 100, 1) + " % of always-on";
  el("saved-cost").textContent = fmt(s.saved.total_cost, 2) + " " + s.currency;
  el("cost-split").textContent = "electricity " + fmt(s.saved.electricity_cost, 2) +
    ", carbon " + fmt(s.saved.carbon_cost, 2);
  el("saved-co2").textContent = fmt(s.saved.grams_co2 / 1000, 2) + " kg";
  el("period").textContent = "since " + s.from.replace("T", " ").replace(/\..*|Z/, "") + " UTC";
}

function line(points, cls, dashed) {
  const p = document.createElementNS("http://www.w3.org/2000/svg", "polyline");
  p.setAttribute("points", points.map(([x, y]) => x.toFixed(1) + "," + y.toFixed(1)).join(" "));
  p.setAttribute("fill", "none");
  p.setAttribute("stroke", cls);
  p.setAttribute("stroke-width", "2");
  p.setAttribute("vector-effect", "non-scaling-stroke");
  if (dashed) p.setAttribute("stroke-dasharray", "5 4");
  return p;
}

function showDemand(d) {
  const svg = el("demand");
  svg.replaceChildren();
  const all = d.actual.map(p => ({ t: Date.parse(p.at), v: p.cores, f: p.forecast }));
  const ahead = d.forecast.map(p => ({ t: Date.parse(p.at), v: p.mean, lo: p.lower, hi: p.upper }));
  if (all.length === 0) {
    el("demand-note").textContent = "no demand history yet";
    return;
  }
  const ts = all.map(p => p.t).concat(ahead.map(p => p.t));
  const vs = all.map(p => p.v).concat(all.map(p => p.f || 0), ahead.map(p => p.hi));
  const t0 = Math.min(...ts), t1 = Math.max(...ts, t0 + 1);
  const vmax = Math.max(...vs, 1) * 1.1;
  const x = t => 5 + (t - t0) / (t1 - t0) * 590;
  const y = v => 215 - v / vmax * 210;
  if (ahead.length > 0) {
    const band = document.createElementNS("http://www.w3.org/2000/svg", "polygon");
    const up = ahead.map(p => [x(p.t), y(p.hi)]);
    const down = ahead.slice().reverse().map(p => [x(p.t), y(p.lo)]);
    band.setAttribute("points", up.concat(down).map(([a, b]) => a.toFixed(1) + "," + b.toFixed(1)).join(" "));
    band.setAttribute("fill", "#8fb3d955");
    svg.appendChild(band);
    svg.appendChild(line(ahead.map(p => [x(p.t), y(p.v)]), "#4f7fb3", true));
  }
  const said = all.filter(p => p.f !== null && p.f !== undefined);
  if (said.length > 1) svg.appendChild(line(said.map(p => [x(p.t), y(p.f)]), "#c26a00", true));
  const actual = line(all.map(p => [x(p.t), y(p.v)]), "#1f6b3a", false);
  actual.id = "demand-actual";
  svg.appendChild(actual);
  el("demand-note").textContent = all.length + " samples every " + d.period_seconds + " s; now " +
    fmt(all[all.length - 1].v, 2) + " cores";
}

function showWorkloads(w) {
  const body = el("workloads").querySelector("tbody");
  body.replaceChildren();
  const rows = w.workloads.slice().sort((a, b) => b.watts - a.watts).slice(0, 10);
  for (const r of rows) {
    const tr = document.createElement("tr");
    cell(tr, r.namespace + "/" + r.name + " (" + r.kind + ")");
    cell(tr, String(r.pods), "num");
    cell(tr, fmt(r.watts, 1), "num");
    cell(tr, fmt(r.gpu_watts, 1), "num");
    body.appendChild(tr);
  }
  el("workloads-note").textContent = rows.length ? "" : "no workloads drew power";
}

async function refresh() {
  try {
    const [nodes, savings, now, demand] = await Promise.all(
      [get("/nodes"), get("/savings"), get("/cost/current"), get("/demand")]);
    showNodes(nodes);
    showSavings(savings, now);
    showDemand(demand);
    el("updated").textContent = "updated " + new Date().toLocaleTimeString();
  } catch (e) {
    if (e.status === 401) return login(e.message);
    el("updated").textContent = "update failed: " + e.message;
  }
  try {
    showWorkloads(await get("/power/workloads"));
  } catch (e) {
    el("workloads").querySelector("tbody").replaceChildren();
    el("workloads-note").textContent = "per-workload power unavailable: " + e.message;
  }
}

function login(why) {
  el("main").hidden = true;
  el("login").hidden = false;
  el("login-error").textContent = why || "";
}

el("login").addEventListener("submit", ev => {
  ev.preventDefault();
  token = el("token").value.trim();
  sessionStorage.setItem("ecokube-token", token);
  start();
});

function start() {
  el("login").hidden = true;
  el("main").hidden = false;
  refresh();
}

// A token in the address (#token=...) is taken once and removed from it.
const fromHash = new URLSearchParams(location.hash.slice(1)).get("token");
if (fromHash) {
  token = fromHash;
  sessionStorage.setItem("ecokube-token", token);
  history.replaceState(null, "", location.pathname);
}
if (token) {
  start();
} else {
  login("");
}
setInterval(() => { if (token && !el("main").hidden) refresh(); }, 15000);
