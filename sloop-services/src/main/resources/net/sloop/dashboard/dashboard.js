/* Sloop live view (net.sloop.dashboard): renders the status document (docs/STATUS.md) it gets from
   BASE/events (server-sent events, one document a second), falling back to polling BASE.json; the
   chart starts from the memory history, BASE.csv. Every figure shown carries its raw value in a
   data-value attribute (bytes, counts), for tests and for people who copy it. */
(function () {
  "use strict";
  var base = document.body.getAttribute("data-base");
  var CATS = ["rx", "tx", "reassembly", "arp_queue", "socket_send", "socket_receive", "out_of_order", "control", "time_wait"];
  var COLORS = ["#1f77b4", "#7f7f7f", "#9467bd", "#8c564b", "#d62728", "#2ca02c", "#e377c2", "#ff7f0e", "#17becf"];
  var MAX_POINTS = 900;
  var data = [[], [], []];
  CATS.forEach(function () { data.push([]); });
  var chart = null, lastX = -1, lastSeq = -1, pollTimer = null, staleTimer = null, source = null;

  function $(id) { return document.getElementById(id); }
  function el(tag, cls, text) { var e = document.createElement(tag); if (cls) e.className = cls; if (text !== undefined) e.textContent = text; return e; }
  function num(v) { return Number(v).toLocaleString("en-US"); }
  function bytes(v) {
    if (v >= 1048576) return (v / 1048576).toFixed(2) + " MiB (" + num(v) + " B)";
    if (v >= 1024) return (v / 1024).toFixed(1) + " KiB (" + num(v) + " B)";
    return num(v) + " B";
  }
  function setFig(id, v, fmt) { var e = $(id); if (!e) return; e.setAttribute("data-value", String(v)); e.textContent = fmt ? fmt(v) : num(v); }
  function feed(state, text) { var f = $("feed"); f.setAttribute("data-state", state); f.textContent = text; }

  // ------------------------------------------------------------------ chart
  function makeChart() {
    var series = [{ label: "time" },
      { label: "used", stroke: "#222", width: 2, value: function (u, v) { return v == null ? "-" : num(v); } },
      { label: "committed", stroke: "#f0ad4e", width: 2, dash: [6, 4], value: function (u, v) { return v == null ? "-" : num(v); } }];
    // Control structures dwarf the rest on a small device: they share the left axis with used and
    // committed; the other categories have the right axis to themselves.
    CATS.forEach(function (c, i) {
      series.push({ label: c, stroke: COLORS[i], width: 1.5, scale: c === "control" ? "y" : "cats", value: function (u, v) { return v == null ? "-" : num(v); } });
    });
    function kib(u, vals) { return vals.map(function (v) { return v >= 1024 ? (v / 1024).toFixed(v >= 10240 ? 0 : 1) + "K" : String(v); }); }
    var box = $("chart");
    chart = new uPlot({
      width: Math.max(320, box.clientWidth || 900), height: 260, series: series,
      scales: { x: { time: true }, y: { range: function (u, min, max) { return [0, Math.max(1024, max * 1.05)]; } },
        cats: { range: function (u, min, max) { return [0, Math.max(2048, max * 1.1)]; } } },
      axes: [{}, { size: 60, values: kib, label: "used, committed, control" }, { scale: "cats", side: 1, size: 60, values: kib, grid: { show: false }, label: "other categories" }],
      legend: { live: true }
    }, data, box);
    window.addEventListener("resize", function () { chart.setSize({ width: Math.max(320, box.clientWidth), height: 260 }); });
  }

  function addPoint(x, used, committed, cats) {
    if (x <= lastX) return false;
    lastX = x;
    data[0].push(x); data[1].push(used); data[2].push(committed);
    for (var i = 0; i < CATS.length; i++) data[3 + i].push(cats[i]);
    if (data[0].length > MAX_POINTS) data.forEach(function (a) { a.shift(); });
    return true;
  }

  function redraw() {
    if (chart) chart.setData(data);
    var box = $("chart");
    box.setAttribute("data-points", String(data[0].length));
    box.setAttribute("data-last-x", String(lastX));
    box.setAttribute("data-last-used", data[1].length ? String(data[1][data[1].length - 1]) : "");
  }

  function loadHistory() {
    return fetch(base + ".csv", { cache: "no-store" }).then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.text();
    }).then(function (text) {
      var lines = text.trim().split("\n");
      var head = lines.shift().split(",");
      var col = {}; head.forEach(function (h, i) { col[h] = i; });
      lines.forEach(function (line) {
        var v = line.split(",").map(Number);
        addPoint(v[col.unix_ms] / 1000, v[col.used], v[col.committed], CATS.map(function (c) { return v[col[c]]; }));
      });
      redraw();
    }).catch(function () { /* no history: the chart starts with the first document */ });
  }

  // ------------------------------------------------------------------ rendering
  function render(d) {
    if (d.sequence === lastSeq) return;
    lastSeq = d.sequence;
    setFig("sequence", d.sequence);
    var t = new Date(d.time.unix_ms);
    $("updated").textContent = t.toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");
    $("updated").setAttribute("data-value", String(d.time.unix_ms));
    setFig("stack-time", d.time.stack_ns, function (v) { return (v / 1e9).toFixed(1) + " s"; });

    var b = d.budget;
    ["capacity", "used", "free", "committed", "uncommitted_free", "reserve", "peak", "peak_taken", "min_free", "min_uncommitted_free", "baseline"].forEach(function (k) {
      setFig("budget-" + k.replace(/_/g, "-"), b[k], bytes);
    });
    setFig("budget-failures", b.failures);
    var cap = b.capacity || 1;
    var freeShown = Math.max(0, b.uncommitted_free - b.reserve);
    [["gauge-used", b.used], ["gauge-committed", b.committed], ["gauge-reserve", b.reserve], ["gauge-free", freeShown]].forEach(function (p) {
      var e = $(p[0]); e.style.width = (100 * p[1] / cap).toFixed(2) + "%"; e.setAttribute("data-value", String(p[1]));
      e.title = p[0].substring(6) + ": " + bytes(p[1]);
    });
    var pr = $("pressure"); pr.setAttribute("data-value", String(d.tcp.pressure)); pr.textContent = d.tcp.pressure ? "memory pressure" : "no pressure";

    // categories table and the chart's point (control in whole blocks, as the history counts it)
    var tb = document.querySelector("#categories tbody"); tb.textContent = "";
    var pts = [];
    CATS.forEach(function (c) {
      var x = d.categories[c] || { used: 0, peak: 0, failures: 0 };
      var tr = el("tr"); tr.setAttribute("data-category", c);
      tr.appendChild(el("td", "text", c));
      [x.used, x.peak, x.failures].forEach(function (v, i) { var td = el("td", null, i < 2 ? num(v) : num(v)); td.setAttribute("data-value", String(v)); tr.appendChild(td); });
      tb.appendChild(tr);
      pts.push(c === "control" ? Math.ceil(b.control_charged / b.block_size) * b.block_size : x.used);
    });
    if (addPoint(d.time.unix_ms / 1000, b.used, b.committed, pts)) redraw();

    renderConnections(d);
    renderServices(d.services || []);
    renderCounters(d);
  }

  function renderConnections(d) {
    var tcp = d.tcp;
    $("tcp-summary").textContent = "(" + tcp.connections + " admitted, " + tcp.in_table + " in the table, " + tcp.orphans + " orphans of at most " + tcp.max_orphans
      + ", " + tcp.time_wait + " TIME_WAIT, " + tcp.half_open + " half-open; room kept for promised admissions " + num(tcp.headroom) + " B)";
    $("tcp-summary").setAttribute("data-connections", String(tcp.connections));
    var tb = $("connections-body"); tb.textContent = "";
    (d.connections || []).forEach(function (c) {
      var tr = el("tr");
      tr.setAttribute("data-local", c.local); tr.setAttribute("data-remote", c.remote); tr.setAttribute("data-state", c.state);
      function cell(field, value, text, cls) { var td = el("td", cls || null, text === undefined ? num(value) : text); td.setAttribute("data-field", field); td.setAttribute("data-value", String(value)); tr.appendChild(td); }
      cell("local", c.local, c.local, "text");
      cell("remote", c.remote, c.remote, "text");
      cell("state", c.state, c.state + (c.orphan ? " (orphan)" : ""), "text");
      cell("send_queue", c.send_queue);
      cell("receive_queue", c.receive_queue);
      cell("send_blocks", c.send_blocks, c.send_blocks + "/" + c.send_committed);
      cell("receive_blocks", c.receive_blocks, c.receive_blocks + "/" + c.receive_committed);
      cell("memory", c.memory);
      cell("receive_window", c.receive_window);
      cell("send_window", c.send_window);
      cell("cwnd", c.cwnd);
      cell("mss", c.mss);
      cell("rtt_us", c.rtt_us, (c.rtt_us / 1000).toFixed(1) + "/" + (c.rttvar_us / 1000).toFixed(1) + " ms");
      cell("rto_ms", c.rto_ms, c.rto_ms + " ms");
      cell("retransmits", c.retransmits);
      var timers = Object.keys(c.timers || {}).map(function (k) { return k.replace(/_ms$/, "") + " " + c.timers[k] + " ms"; }).join(", ");
      cell("timers", timers, timers || "-", "text");
      tb.appendChild(tr);
    });
    var more = $("connections-more");
    more.setAttribute("data-value", String(d.connections_more));
    more.textContent = d.connections_more > 0 ? d.connections_more + " more connections not listed (the view has room for " + d.view.connection_rows + ")" : "";
    var lb = document.querySelector("#listeners tbody"); lb.textContent = "";
    (tcp.listeners || []).forEach(function (l) {
      var tr = el("tr"); tr.setAttribute("data-port", String(l.port));
      tr.appendChild(el("td", "text", l.address + ":" + l.port));
      [l.pending, l.held, l.guaranteed, l.backlog].forEach(function (v) { tr.appendChild(el("td", null, num(v))); });
      lb.appendChild(tr);
    });
  }

  function renderServices(list) {
    var tb = document.querySelector("#services tbody"); tb.textContent = "";
    list.forEach(function (s) {
      var tr = el("tr"); tr.setAttribute("data-service", s.name + "/" + s.transport + "/" + s.port);
      tr.appendChild(el("td", "text", s.name + " " + s.transport + "/" + s.port));
      var td = el("td", "figs");
      td.textContent = Object.keys(s.figures).map(function (k) { return k + " " + num(s.figures[k]); }).join(" \u00b7 ");
      tr.appendChild(td);
      tb.appendChild(tr);
    });
  }

  function fillFigures(dl, obj, idPrefix) {
    dl.textContent = "";
    Object.keys(obj).forEach(function (k) {
      var v = obj[k];
      dl.appendChild(el("dt", null, k));
      var dd = el("dd", v === 0 || v === false ? "zero" : null, typeof v === "number" ? num(v) : String(v));
      dd.id = idPrefix + k; dd.setAttribute("data-value", String(v));
      dl.appendChild(dd);
    });
  }

  function renderCounters(d) {
    fillFigures($("tcp-counters"), d.tcp.counters || {}, "tcp-");
    fillFigures($("drops"), d.drops || {}, "drop-");
    fillFigures($("view"), d.view || {}, "view-");
    var protos = Object.keys(d.protocols || {});
    var table = $("protocols");
    var head = table.querySelector("thead"), body = table.querySelector("tbody");
    head.textContent = ""; body.textContent = "";
    if (!protos.length) return;
    var counters = Object.keys(d.protocols[protos[0]]);
    var hr = el("tr"); hr.appendChild(el("th", null, "protocol"));
    counters.forEach(function (c) { hr.appendChild(el("th", null, c.replace(/_/g, " "))); });
    head.appendChild(hr);
    protos.forEach(function (p) {
      var tr = el("tr"); tr.setAttribute("data-protocol", p); tr.appendChild(el("td", "text", p));
      counters.forEach(function (c) { var v = d.protocols[p][c]; var td = el("td", v === 0 ? "zero" : null, num(v)); td.setAttribute("data-value", String(v)); tr.appendChild(td); });
      body.appendChild(tr);
    });
  }

  // ------------------------------------------------------------------ feeds
  function fresh() {
    clearTimeout(staleTimer);
    staleTimer = setTimeout(function () { feed("stale", "no update for 5 s"); if (!pollTimer) startPolling(); }, 5000);
  }

  function poll() {
    fetch(base + ".json", { cache: "no-store" }).then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.json();
    }).then(function (d) { render(d); fresh(); if (pollTimer) feed("polling", "polling " + base + ".json"); })
      .catch(function (e) { feed("error", "no figures (" + e.message + ")"); });
  }

  function startPolling() {
    if (pollTimer) return;
    feed("polling", "polling " + base + ".json");
    poll();
    pollTimer = setInterval(poll, 2000);
  }

  function stopPolling() { if (pollTimer) { clearInterval(pollTimer); pollTimer = null; } }

  function startEvents() {
    if (!window.EventSource) { startPolling(); return; }
    source = new EventSource(base + "/events");
    source.onmessage = function (ev) {
      stopPolling();
      feed("events", "live (server-sent events)");
      try { render(JSON.parse(ev.data)); } catch (e) { feed("error", "bad document: " + e.message); }
      fresh();
    };
    source.onerror = function () {
      // Refused (every stream taken, 503) or cut: poll meanwhile; EventSource retries by itself while it can.
      if (source.readyState === EventSource.CLOSED) setTimeout(startEvents, 30000);
      startPolling();
    };
  }

  function start() {
    try { makeChart(); } catch (e) { $("chart").textContent = "chart unavailable: " + e.message; }
    // One request after the other: a small device lets one address hold few connections.
    loadHistory().then(startEvents);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
