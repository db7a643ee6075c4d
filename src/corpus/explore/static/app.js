/* corpus — explorateur. Plain JavaScript, no library: everything comes from this server.
   The view's state (search, filters, colours, open theme) lives in the URL's query string. */
"use strict";

var KEYS = ["q", "territory", "event", "atelier", "orientation", "group", "theme", "color", "page"];
var FILTERS = ["territory", "event", "atelier", "orientation", "group", "theme"];
var PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
  "#17becf", "#bcbd22", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd",
  "#e6550d", "#31a354", "#756bb1", "#636363", "#fd8d3c"];
var facets = null, colours = {}, groupOf = {}, lastMap = null, lastHits = [];

function $(id) { return document.getElementById(id); }
function el(tag, attrs, text) {
  var e = document.createElement(tag);
  Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
  if (text !== undefined && text !== null) e.textContent = text;
  return e;
}
function readState() {
  var params = new URLSearchParams(location.search), s = {};
  KEYS.forEach(function (k) { var v = params.get(k); if (v) s[k] = v; });
  return s;
}
function query(s, keys) {
  var p = new URLSearchParams();
  (keys || KEYS).forEach(function (k) { if (s[k]) p.set(k, s[k]); });
  return p.toString();
}
function go(changes, replace) {
  var s = readState();
  Object.keys(changes).forEach(function (k) { if (changes[k]) s[k] = changes[k]; else delete s[k]; });
  var url = location.pathname + (query(s) ? "?" + query(s) : "");
  if (replace) history.replaceState(null, "", url); else history.pushState(null, "", url);
  render();
}
function getJSON(url) {
  return fetch(url).then(function (r) {
    return r.json().then(function (body) {
      if (!r.ok) throw new Error(body.detail || ("Erreur " + r.status));
      return body;
    });
  });
}
/* -- corrections: every write sends the page's session token ------------------------------------ */

var TOKEN = (document.querySelector('meta[name="corpus-token"]') || {}).content || "";
function send(method, url, body) {
  return fetch(url, {method: method, headers: {"Content-Type": "application/json", "X-Corpus-Token": TOKEN},
                     body: body ? JSON.stringify(body) : undefined}).then(function (r) {
    return r.json().then(function (out) {
      if (!r.ok) throw new Error(out.detail || ("Erreur " + r.status));
      return out;
    });
  });
}
function correct(action, target, value) {
  var by = $("by").value.trim(), why = $("why").value.trim();
  try { localStorage.setItem("corpus-by", by); } catch (e) { /* private mode */ }
  return send("POST", "/api/corrections", {action: action, target: target, value: value, by: by, why: why})
    .then(afterWrite).catch(function (e) { showError(e.message); });
}
function undo(id) {
  return send("DELETE", "/api/corrections/" + encodeURIComponent(id)).then(afterWrite)
    .catch(function (e) { showError(e.message); });
}
function afterWrite() {
  return getJSON("/api/facets").then(function (f) { setupFacets(f); render(); loadCorrections(); });
}
var STATES = {applied: "appliquée", pending: "en attente", undone: "annulée", not_applicable: "non applicable"};
function loadCorrections() {
  return getJSON("/api/corrections").then(function (rows) {
    var ul = $("corrections"); ul.innerHTML = "";
    rows.forEach(function (c) {
      var li = el("li", {"class": "correction " + c.status, "data-correction": c.correction_id},
        c.correction_id + " " + c.description + (c.by ? " — " + c.by : "") + " (" + (STATES[c.status] || c.status) +
        (c.reason ? " : " + c.reason : "") + ")");
      if (c.status !== "undone") {
        var b = el("button", {type: "button", "class": "undo"}, "Annuler");
        b.addEventListener("click", function () { undo(c.correction_id); });
        li.appendChild(b);
      }
      ul.appendChild(li);
    });
  });
}
function themeOptions(select, except, first) {
  select.appendChild(el("option", {value: ""}, first));
  facets.themes.forEach(function (t) {
    if (t.theme_id !== except) select.appendChild(el("option", {value: t.theme_id}, t.theme_id + " — " + t.label));
  });
  return select;
}
function themeTools(t) {
  var form = el("form", {id: "rename-form", "class": "tools"});
  var input = el("input", {id: "rename-label", type: "text", "aria-label": "Nouvel intitulé"});
  input.value = t.label;
  form.appendChild(input);
  form.appendChild(el("button", {type: "submit", id: "rename-save"}, "Renommer"));
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    if (input.value.trim() && input.value.trim() !== t.label) correct("rename", t.theme_id, {label: input.value.trim()});
  });
  var merge = el("form", {id: "merge-form", "class": "tools"});
  var other = themeOptions(el("select", {id: "merge-with", "aria-label": "Thème à fusionner"}), t.theme_id, "Fusionner avec…");
  merge.appendChild(other);
  merge.appendChild(el("button", {type: "submit", id: "merge-save"}, "Fusionner ici"));
  merge.addEventListener("submit", function (e) {
    e.preventDefault();
    if (other.value) correct("merge", t.theme_id, {themes: [other.value]});
  });
  return [form, merge];
}
function quoteTools(q, themeId) {
  var box = el("div", {"class": "tools quote-tools"});
  var move = themeOptions(el("select", {"class": "move-to", "aria-label": "Déplacer vers"}), themeId, "Déplacer vers…");
  move.addEventListener("change", function () { if (move.value) correct("move", q.segment_id, {theme: move.value}); });
  var orient = el("select", {"class": "orient-to", "aria-label": "Réorienter"});
  [["", "Réorienter…"], ["difficulte", "difficulté"], ["levier", "levier"], ["autre", "autre"], ["deroule", "déroulé de l'atelier"]]
    .forEach(function (o) { orient.appendChild(el("option", {value: o[0]}, o[1])); });
  orient.addEventListener("change", function () { if (orient.value) correct("orient", q.segment_id, {orientation: orient.value}); });
  box.appendChild(move); box.appendChild(orient);
  return box;
}

function showError(message) {
  var e = $("error");
  e.hidden = !message; e.textContent = message || "";
}
function orientationLabel(o) {
  return {difficulte: "difficulté", levier: "levier", autre: "autre"}[o] || "non classé";
}
function colourOf(themeId, byGroup) {
  if (byGroup) return colours[groupOf[themeId]] || "#999";
  return colours[themeId] || "#999";
}

/* -- facets, legend -------------------------------------------------------------------------- */

function fill(id, options) {
  var select = $(id), first = select.options[0];
  select.innerHTML = ""; select.appendChild(first);
  options.forEach(function (o) { select.appendChild(el("option", {value: o[0]}, o[1])); });
}
function setupFacets(f) {
  facets = f;
  f.themes.forEach(function (t, i) { colours[t.theme_id] = PALETTE[i % PALETTE.length]; groupOf[t.theme_id] = t.group_id; });
  f.groups.forEach(function (g, i) { colours[g.group_id] = PALETTE[(i * 3 + 1) % PALETTE.length]; });
  fill("f-territory", f.territories.map(function (t) { return [t, t]; }));
  fill("f-event", f.events.map(function (e) { return [e.id, e.name + " (" + e.id + ")"]; }));
  fill("f-atelier", f.ateliers.map(function (a) { return [a, a]; }));
  fill("f-group", f.groups.map(function (g) { return [g.group_id, g.group_id + " — " + g.label]; }));
  fill("f-theme", f.themes.map(function (t) { return [t.theme_id, t.theme_id + " — " + t.label]; }));
}
function drawLegend(s) {
  var ul = $("legend"), byGroup = s.color === "group";
  ul.innerHTML = "";
  var items = byGroup ? facets.groups.map(function (g) { return [g.group_id, g.label, "group"]; })
    : facets.themes.map(function (t) { return [t.theme_id, t.label + " (" + t.segments + ")", "theme"]; });
  items.forEach(function (it) {
    var li = el("li", {"data-id": it[0]});
    var sw = el("span", {"class": "sw"}); sw.style.background = colours[it[0]] || "#999";
    li.appendChild(sw); li.appendChild(document.createTextNode(it[0] + " " + it[1]));
    if (s[it[2]] === it[0]) li.className = "on";
    li.addEventListener("click", function () {
      var change = {}; change[it[2]] = s[it[2]] === it[0] ? "" : it[0]; go(change);
    });
    ul.appendChild(li);
  });
}

/* -- the map --------------------------------------------------------------------------------- */

function scaler(b, canvas) {
  var pad = 16, w = canvas.width - 2 * pad, h = canvas.height - 2 * pad;
  var dx = (b[1] - b[0]) || 1, dy = (b[3] - b[2]) || 1;
  return function (x, y) { return [pad + (x - b[0]) / dx * w, pad + (b[3] - y) / dy * h]; };
}
function drawMap(data, s, hits) {
  var canvas = $("map"), ctx = canvas.getContext("2d"), byGroup = s.color === "group";
  var at = scaler(data.bounds, canvas), r = data.shown > 3000 ? 2.2 : 3.2;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  ctx.globalAlpha = hits.length ? 0.35 : 0.75;
  for (var i = 0; i < data.x.length; i++) {
    var p = at(data.x[i], data.y[i]), o = data.orientation[i];
    ctx.fillStyle = data.theme[i] ? colourOf(data.theme[i], byGroup) : "#bbb";
    ctx.beginPath();
    if (o === 0) ctx.arc(p[0], p[1], r, 0, 2 * Math.PI);
    else if (o === 1) { ctx.moveTo(p[0], p[1] - r * 1.3); ctx.lineTo(p[0] + r * 1.2, p[1] + r); ctx.lineTo(p[0] - r * 1.2, p[1] + r); ctx.closePath(); }
    else ctx.rect(p[0] - r * 0.8, p[1] - r * 0.8, r * 1.6, r * 1.6);
    ctx.fill();
  }
  ctx.globalAlpha = 1;
  hits.forEach(function (h) {
    var p = at(h.x, h.y);
    ctx.strokeStyle = "#000"; ctx.lineWidth = 2;
    ctx.beginPath(); ctx.arc(p[0], p[1], 6, 0, 2 * Math.PI); ctx.stroke();
  });
  // theme labels at the centre of their drawn points
  var sums = {};
  for (var j = 0; j < data.x.length; j++) {
    var t = data.theme[j]; if (!t) continue;
    var acc = sums[t] || (sums[t] = [0, 0, 0]); acc[0] += data.x[j]; acc[1] += data.y[j]; acc[2]++;
  }
  ctx.font = "bold 12px system-ui, sans-serif"; ctx.fillStyle = "#111";
  facets.themes.forEach(function (th) {
    var acc = sums[th.theme_id]; if (!acc || acc[2] < 3) return;
    var p = at(acc[0] / acc[2], acc[1] / acc[2]);
    ctx.fillText(th.theme_id + " " + th.label.slice(0, 28), p[0] + 6, p[1]);
  });
  canvas.setAttribute("data-shown", String(data.shown));
  canvas.setAttribute("data-total", String(data.total));
  $("map-caption").textContent = data.total + " segments sélectionnés" +
    (data.shown < data.total ? ", " + data.shown + " dessinés (échantillon)" : "") +
    " — projection : " + (data.method === "pca-centroides" ? "ACP des centres des thèmes" : "ACP des segments") +
    ". Cliquez un point pour ouvrir son thème.";
}
function nearestTheme(ev) {
  if (!lastMap) return null;
  var canvas = $("map"), box = canvas.getBoundingClientRect();
  var cx = (ev.clientX - box.left) * canvas.width / box.width, cy = (ev.clientY - box.top) * canvas.height / box.height;
  var at = scaler(lastMap.bounds, canvas), best = null, bestD = 100;
  for (var i = 0; i < lastMap.x.length; i++) {
    var p = at(lastMap.x[i], lastMap.y[i]), d = (p[0] - cx) * (p[0] - cx) + (p[1] - cy) * (p[1] - cy);
    if (d < bestD && lastMap.theme[i]) { bestD = d; best = lastMap.theme[i]; }
  }
  return best;
}

/* -- lists and the theme page ------------------------------------------------------------------ */

function quoteItem(r, withNear) {
  var li = el("li", {"class": "quote", "data-segment": r.segment_id});
  if (withNear && r.before) r.before.forEach(function (t) { li.appendChild(el("p", {"class": "near"}, "… " + t)); });
  li.appendChild(el("p", {"class": "text"}, r.text));
  if (withNear && r.after) r.after.forEach(function (t) { li.appendChild(el("p", {"class": "near"}, t + " …")); });
  var prov = el("div", {"class": "prov"});
  prov.appendChild(el("span", {"class": "tag " + (r.orientation || "autre")}, orientationLabel(r.orientation)));
  prov.appendChild(document.createTextNode(r.territory + " · " + r.event + " · " + r.atelier + " "));
  if (r.theme_id) {
    var a = el("a", {"class": "theme-link", href: "?" + query(Object.assign(readState(), {page: r.theme_id}))},
      r.theme_id + " " + (r.theme_label || ""));
    a.addEventListener("click", function (e) { e.preventDefault(); go({page: r.theme_id}); });
    prov.appendChild(a);
  }
  if (r.score !== undefined) prov.appendChild(document.createTextNode(" · score " + r.score.toFixed(3)));
  li.appendChild(prov);
  return li;
}
function showList(title, count, rows) {
  $("list-title").textContent = title;
  $("count").textContent = count;
  var ol = $("results"); ol.innerHTML = "";
  rows.forEach(function (r) { ol.appendChild(quoteItem(r, false)); });
}
function table(head, rows) {
  var t = el("table", {"class": "small"}), tr = el("tr");
  head.forEach(function (h) { tr.appendChild(el("th", {}, h)); }); t.appendChild(tr);
  rows.forEach(function (row) {
    var r = el("tr"); row.forEach(function (c) { r.appendChild(el("td", {}, String(c))); }); t.appendChild(r);
  });
  return t;
}
function showTheme(t) {
  var box = $("theme-page"); box.innerHTML = ""; box.hidden = false;
  var close = el("button", {"class": "close", type: "button"}, "Fermer");
  close.addEventListener("click", function () { go({page: ""}); });
  box.appendChild(close);
  box.appendChild(el("h2", {id: "theme-title"}, t.theme_id + " — " + t.label));
  themeTools(t).forEach(function (f) { box.appendChild(f); });
  if (t.group_id) box.appendChild(el("p", {}, "Grand thème " + t.group_id + " : " + (t.group_label || "")));
  var terms = el("p", {"class": "terms"}); t.terms.forEach(function (w) { terms.appendChild(el("span", {}, w)); });
  box.appendChild(terms);
  box.appendChild(el("p", {}, t.segments + " segments, " + t.ateliers + " ateliers, " + t.territories +
    " territoire(s) — " + t.difficulte + " difficultés, " + t.levier + " leviers, " + t.autre + " autres"));
  var bars = el("div", {"class": "bars", title: "Répartition difficultés / leviers / autres"}), n = Math.max(1, t.segments);
  [["d", t.difficulte], ["l", t.levier], ["a", t.autre]].forEach(function (b) {
    var s = el("span", {"class": b[0]}); s.style.width = (100 * b[1] / n) + "%"; bars.appendChild(s);
  });
  box.appendChild(bars);
  box.appendChild(el("h3", {}, "Évolution d'un événement à l'autre"));
  box.appendChild(table(["événement", "date", "segments", "part de l'événement", "difficultés", "leviers"],
    t.evolution.map(function (e) { return [e.event, e.date, e.segments, Math.round(100 * e.share) + " %", e.difficulte, e.levier]; })));
  box.appendChild(el("h3", {}, "Territoires"));
  box.appendChild(table(["territoire", "segments"], t.territories_list.map(function (x) { return [x.id, x.segments]; })));
  box.appendChild(el("h3", {}, "Ateliers où il revient"));
  box.appendChild(table(["atelier", "segments"], t.ateliers_counts.map(function (x) { return [x.id, x.segments]; })));
  box.appendChild(el("h3", {}, "Citations (avec les segments voisins de la note)"));
  var ol = el("ol", {"class": "quotes"});
  t.quotes.forEach(function (q) {
    var li = quoteItem(Object.assign({theme_id: null}, q), true);
    li.appendChild(quoteTools(q, t.theme_id));
    ol.appendChild(li);
  });
  box.appendChild(ol);
}

/* -- render ------------------------------------------------------------------------------------- */

function render() {
  var s = readState(), fq = query(s, FILTERS);
  $("q").value = s.q || "";
  document.querySelectorAll("#filters select").forEach(function (sel) { sel.value = s[sel.dataset.key] || ""; });
  drawLegend(s);
  showError("");
  $("export").setAttribute("href", "/api/export.csv?" + query(s, ["q"].concat(FILTERS)));
  var list = s.q ? getJSON("/api/search?limit=50&" + query(s, ["q"].concat(FILTERS))).then(function (body) {
      lastHits = body.results;
      showList("Résultats pour « " + s.q + " »", body.results.length + " segments, du plus proche au moins proche", body.results);
    }) : getJSON("/api/segments?limit=50&" + fq).then(function (body) {
      lastHits = [];
      showList("Segments", body.total + " segments" + (body.total > body.results.length ? " (les " + body.results.length + " premiers)" : ""), body.results);
    });
  var map = getJSON("/api/map?" + fq);
  Promise.all([map, list]).then(function (out) { lastMap = out[0]; drawMap(out[0], s, lastHits); })
    .catch(function (e) { showError(e.message); });
  if (s.page) {
    getJSON("/api/themes/" + encodeURIComponent(s.page)).then(showTheme).catch(function (e) { showError(e.message); });
  } else { $("theme-page").hidden = true; }
  document.body.setAttribute("data-state", query(s));
}

function start() {
  $("search-form").addEventListener("submit", function (e) { e.preventDefault(); go({q: $("q").value.trim()}); });
  document.querySelectorAll("#filters select").forEach(function (sel) {
    sel.addEventListener("change", function () { var c = {}; c[sel.dataset.key] = sel.value; go(c); });
  });
  $("reset").addEventListener("click", function () {
    var c = {}; KEYS.forEach(function (k) { c[k] = ""; }); go(c);
  });
  $("map").addEventListener("click", function (e) { var t = nearestTheme(e); if (t) go({page: t}); });
  window.addEventListener("popstate", render);
  try { $("by").value = localStorage.getItem("corpus-by") || ""; } catch (e) { /* private mode */ }
  loadCorrections().catch(function (e) { showError(e.message); });
  getJSON("/api/facets").then(function (f) { setupFacets(f); render(); })
    .catch(function (e) { showError(e.message); });
}
start();
