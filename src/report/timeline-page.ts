/**
 * The style sheet and script of the HTML timeline (renderTimelineHtml), inlined into every page so
 * the file needs nothing else. The script reads the JSON the page embeds; it moves the time cursor
 * (rebuilding every member's replication_group_members rows at that instant from the state
 * changes) and shows the exact error-log line of a tick. It uses no network and no storage.
 */
export const TIMELINE_CSS = `
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; margin: 16px 20px; color: #1a1a1a; background: #fff; }
h1 { font-size: 20px; margin: 0 0 6px; }
h2 { font-size: 15px; margin: 14px 0 6px; }
.facts { display: flex; flex-wrap: wrap; gap: 4px 18px; margin: 0 0 6px; font-size: 13px; }
.facts dt { color: #666; } .facts dd { margin: 0 0 0 -12px; font-weight: 600; }
.replay { font-size: 13px; margin: 4px 0; } code, pre { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12px; }
.replay code { background: #f2f2f2; padding: 1px 5px; border-radius: 3px; }
.story { margin: 6px 0 8px; padding-left: 20px; font-size: 13px; columns: 2; column-gap: 32px; max-width: 1280px; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 14px; font-size: 12px; margin: 6px 0 4px; max-width: 1280px; }
.key { white-space: nowrap; } .sw { display: inline-block; width: 14px; height: 10px; margin-right: 4px; vertical-align: -1px; border: 1px solid rgba(0,0,0,.25); }
.sw.state-ONLINE { background: #0072B2; } .sw.state-RECOVERING { background: #F0E442; } .sw.state-ERROR { background: #D55E00; } .sw.state-OFFLINE { background: #B8B8B8; }
.sw.primary-key { background: #1A1A1A; height: 4px; vertical-align: 2px; } .sw.sro-key { background: #CC79A7; } .sw.offline-key { background: #7B3294; }
.sw.unreach-key { background: #E69F00; } .sw.absent-key { background: #9a9a9a; height: 2px; vertical-align: 3px; } .sw.fault-key { background: #4D4D4D; }
.sw.majority-key { background: repeating-linear-gradient(45deg, #E69F00 0 2px, #FCE7C2 2px 5px); } .sw.susp-key { background: #E69F00; height: 2px; vertical-align: 3px; }
.sw.rejoin-key { background: #009E73; } .sw.view-key { width: 0; border: 0; border-left: 2px dashed #555; }
.sw.lv-S { background: #0072B2; width: 3px; } .sw.lv-W { background: #E69F00; width: 3px; } .sw.lv-E { background: #D55E00; width: 3px; }
#chart-wrap { position: relative; overflow-x: auto; }
svg { font-size: 11px; font-family: system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; user-select: none; }
svg text { fill: #1a1a1a; } .muted { fill: #666; color: #666; } .rowlabel, .pairlabel { fill: #444; } .pairlabel { font-size: 10px; }
.section { font-weight: 600; font-size: 12px; } .member-name { font-weight: 700; font-size: 14px; }
.tickmark { stroke: #888; } .break-band { fill: #f1f1f1; } .zigzag { stroke: #888; fill: none; } .separator { stroke: #e4e4e4; }
.view-label { font-size: 10px; fill: #333; } .view-line { stroke: #555; stroke-width: 1; stroke-dasharray: 4 3; pointer-events: none; }
.fault rect { fill: #4D4D4D; } .fault text { fill: #fff; font-size: 11px; } .majority-loss text { font-size: 11px; fill: #5a3a00; }
.state-ONLINE rect { fill: #0072B2; } .state-RECOVERING rect { fill: #F0E442; } .state-ERROR rect { fill: #D55E00; } .state-OFFLINE rect { fill: #B8B8B8; }
.state text { font-size: 11px; font-weight: 600; fill: #fff; } .state-RECOVERING text, .state-OFFLINE text { fill: #1a1a1a; }
.primary { fill: #1A1A1A; } .sro rect { fill: #CC79A7; } .offline-mode rect { fill: #7B3294; } .flag text { font-size: 9px; fill: #7a2e5c; }
.sus { stroke: #E69F00; stroke-width: 2; fill: none; } .sus-created { fill: #E69F00; pointer-events: none; }
.sus-timeout { stroke: #1a1a1a; stroke-width: 1.6; fill: none; pointer-events: none; } .sus-expel { fill: #1a1a1a; pointer-events: none; }
.sus:hover { stroke-width: 4; } .sus-label { font-size: 9px; fill: #8a5a00; }
.rejoin rect { fill: #009E73; }
.ticks rect { width: 2px; height: 10px; cursor: pointer; } .ticks rect:hover, .ticks rect.selected { stroke: #000; stroke-width: 1; }
.lv-S { fill: #0072B2; } .lv-W { fill: #E69F00; } .lv-E { fill: #D55E00; }
.pair-base { stroke: #ededed; } .pair-hit { fill: transparent; } .unreachable { fill: #E69F00; } .absent { fill: #9a9a9a; }
.chart-frame { fill: #fafafa; stroke: #ddd; } .chart-legend text { font-size: 10px; }
#cursor-line { stroke: #7B3294; stroke-width: 1.5; pointer-events: none; }
#tip { position: absolute; max-width: 760px; background: #1a1a1a; color: #fff; font: 12px ui-monospace, "DejaVu Sans Mono", Menlo, monospace; padding: 4px 7px; border-radius: 3px; pointer-events: none; white-space: pre-wrap; }
#cursor-panel .controls { font-size: 13px; } #cursor-time { width: 130px; } #cursor-range { width: 420px; vertical-align: middle; }
#cursor-tables { display: flex; flex-wrap: wrap; gap: 10px 20px; }
table.rgm { border-collapse: collapse; font-size: 12px; } table.rgm caption { text-align: left; font-weight: 600; padding: 2px 0; }
table.rgm th, table.rgm td { border: 1px solid #ddd; padding: 2px 6px; text-align: left; } table.rgm th { background: #f4f4f4; font-weight: 600; }
td.s-ONLINE { background: #d6e9f5; } td.s-UNREACHABLE { background: #fbe3b8; } td.s-ERROR { background: #f6d2b8; } td.s-RECOVERING { background: #fbf7c4; } td.s-OFFLINE { background: #e6e6e6; }
#log-line { background: #f6f6f6; padding: 6px 8px; white-space: pre-wrap; max-width: 1280px; }
`;

export const TIMELINE_SCRIPT = `
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("timeline-data").textContent);
  var STATES = ["ONLINE", "RECOVERING", "ERROR", "OFFLINE", "UNREACHABLE"];
  var ROLES = ["PRIMARY", "SECONDARY", ""];
  var LEVELS = ["System", "ERROR", "Warning"];
  var COLUMNS = ["MEMBER_ID", "MEMBER_HOST", "MEMBER_PORT", "MEMBER_STATE", "MEMBER_ROLE", "MEMBER_VERSION"];
  var startUs = Date.parse(data.start) * 1000;
  var n = data.members.length;
  var svg = document.getElementById("timeline");
  var tip = document.getElementById("tip");
  var wrap = document.getElementById("chart-wrap");

  function stamp(t) {
    var total = startUs + Math.round(t * 1e6);
    var iso = new Date(Math.floor(total / 1000)).toISOString();
    return iso.slice(0, 19) + "." + String(total % 1000000).padStart(6, "0") + "Z";
  }
  function logLine(i) {
    var l = data.log[i];
    return stamp(l[0]) + " 0 [" + LEVELS[l[2]] + "] [" + data.codes[l[3]] + "] [Repl] Plugin group_replication reported: '" + data.msgs[l[4]] + "'";
  }
  function memberName(k) { return k >= 0 ? data.members[k][0] : "?"; }

  // replication_group_members as every member shows it at time t: the last state change at or before t.
  function tablesAt(t) {
    var cell = new Array(n * n);
    var up = new Array(n).fill(1);
    for (var i = 0; i < data.states.length; i++) {
      var s = data.states[i];
      if (s[0] > t) break;
      if (s[1] >= 0 && s[2] >= 0) cell[s[1] * n + s[2]] = s;
    }
    for (var j = 0; j < data.running.length; j++) {
      var f = data.running[j];
      if (f[0] > t) break;
      if (f[1] >= 0) up[f[1]] = f[2];
    }
    var out = [];
    for (var o = 0; o < n; o++) {
      var rows = [];
      if (up[o] === 1) {
        for (var m = 0; m < n; m++) {
          var c = cell[o * n + m];
          if (c === undefined || c[3] < 0) continue;
          var mm = data.members[m];
          rows.push([mm[3], mm[1], mm[2], STATES[c[3]], ROLES[c[4]], data.memberVersion]);
        }
        rows.sort(function (a, b) { return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0; });
      }
      out.push({ observer: data.members[o][0], running: up[o] === 1, rows: rows });
    }
    return out;
  }

  // The time axis is piecewise linear (quiet stretches are compressed): [t0, t1, x0, x1] per piece.
  function xOf(t) {
    for (var k = 0; k < data.axis.length; k++) {
      var a = data.axis[k];
      if (t <= a[1]) return a[1] === a[0] ? a[2] : a[2] + ((Math.max(t, a[0]) - a[0]) / (a[1] - a[0])) * (a[3] - a[2]);
    }
    return data.axis[data.axis.length - 1][3];
  }
  function tOf(x) {
    for (var k = 0; k < data.axis.length; k++) {
      var a = data.axis[k];
      if (x <= a[3]) return a[3] === a[2] ? a[0] : a[0] + ((Math.max(x, a[2]) - a[2]) / (a[3] - a[2])) * (a[1] - a[0]);
    }
    return data.end;
  }

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }

  var cursorT = 0;
  function setCursor(t) {
    if (!(t >= 0)) t = 0;
    if (t > data.end) t = data.end;
    cursorT = t;
    var x = xOf(t);
    var line = document.getElementById("cursor-line");
    line.setAttribute("x1", String(x));
    line.setAttribute("x2", String(x));
    document.getElementById("cursor-label").textContent = "t = " + (Math.round(t * 1e6) / 1e6) + " s (" + stamp(t) + ")";
    var timeInput = document.getElementById("cursor-time");
    if (document.activeElement !== timeInput) timeInput.value = String(Math.round(t * 1e6) / 1e6);
    document.getElementById("cursor-range").value = String(t);
    var box = document.getElementById("cursor-tables");
    box.textContent = "";
    tablesAt(t).forEach(function (tb) {
      var table = el("table", undefined, "rgm");
      table.setAttribute("data-observer", tb.observer);
      table.appendChild(el("caption", tb.observer + (tb.running ? ": replication_group_members" : ": server not running (no rows)")));
      var head = el("tr");
      COLUMNS.forEach(function (c) { head.appendChild(el("th", c)); });
      table.appendChild(head);
      tb.rows.forEach(function (r) {
        var tr = el("tr");
        r.forEach(function (v, k) { tr.appendChild(el("td", String(v), k === 3 ? "s-" + v : undefined)); });
        table.appendChild(tr);
      });
      box.appendChild(table);
    });
    box.setAttribute("data-t", String(t));
  }

  function timeAt(evt) {
    var pt = svg.createSVGPoint();
    pt.x = evt.clientX; pt.y = evt.clientY;
    var p = pt.matrixTransform(svg.getScreenCTM().inverse());
    return tOf(p.x);
  }

  var dragging = false;
  svg.addEventListener("pointerdown", function (evt) {
    var target = evt.target;
    if (tickIndex(target) >= 0) return;
    dragging = true;
    setCursor(timeAt(evt));
  });
  window.addEventListener("pointerup", function () { dragging = false; });
  svg.addEventListener("pointermove", function (evt) {
    if (dragging) setCursor(timeAt(evt));
  });

  // The k-th tick of a (member, level) group is the k-th log line of that member at that level.
  var LEVEL_OF = { S: 0, E: 1, W: 2 };
  var linesOf = {};
  data.log.forEach(function (l, i) {
    var key = l[1] + ":" + l[2];
    (linesOf[key] = linesOf[key] || []).push(i);
  });
  var laneIndex = new Map();
  Array.prototype.forEach.call(document.querySelectorAll(".swimlane"), function (g, k) { laneIndex.set(g, k); });
  function tickIndex(target) {
    var group = target.parentNode;
    if (!group || !group.getAttribute || !group.hasAttribute("data-level")) return -1;
    var lane = laneIndex.get(group.closest(".swimlane"));
    var k = Array.prototype.indexOf.call(group.children, target);
    var list = linesOf[lane + ":" + LEVEL_OF[group.getAttribute("data-level")]] || [];
    return k >= 0 && k < list.length ? list[k] : -1;
  }
  function secs(t) { return (Math.round(t * 1e6) / 1e6) + " s"; }
  // What a pair row shows at time t: the observer's last belief about the member.
  function pairStateAt(o, m, t) {
    var cur = null, from = 0, to = data.end;
    for (var i = 0; i < data.states.length; i++) {
      var s = data.states[i];
      if (s[1] !== o || s[2] !== m) continue;
      if (s[0] > t) { to = s[0]; break; }
      cur = s[3]; from = s[0];
    }
    return { state: cur === null ? "no row yet" : cur < 0 ? "not in its table" : STATES[cur], from: from, to: to };
  }
  var nameIndex = new Map(data.members.map(function (m, k) { return [m[0], k]; }));
  function tipText(evt) {
    var t = evt.target;
    var i = tickIndex(t);
    if (i >= 0) return memberName(data.log[i][1]) + ": " + logLine(i);
    if (t.classList && t.classList.contains("sus")) {
      var ts = t.getAttribute("data-t").split(" ").map(Number);
      var who = t.closest(".swimlane").getAttribute("data-member");
      var o = t.getAttribute("data-o");
      return who + " suspects " + t.getAttribute("data-s") + " from " + secs(ts[0]) + (o === "open" ? ", still open at the end" : o === "cleared" ? ", cleared at " + secs(ts[1]) : o === "left" ? ", dropped at " + secs(ts[1]) + " when its group communication stopped" : ", timed out at " + secs(ts[1])) +
        (ts.length > 2 ? "; expel requested at " + secs(ts[2]) : "");
    }
    var pair = t.closest ? t.closest(".pair") : null;
    if (pair) {
      var at = timeAt(evt);
      var st = pairStateAt(nameIndex.get(pair.getAttribute("data-observer")), nameIndex.get(pair.getAttribute("data-member")), at);
      return pair.getAttribute("data-observer") + " shows " + pair.getAttribute("data-member") + ": " + st.state + " from " + secs(st.from) + " to " + secs(st.to);
    }
    return null;
  }
  var selected = null;
  svg.addEventListener("mouseover", function (evt) {
    var text = tipText(evt);
    if (text === null) return;
    tip.textContent = text;
    var r = wrap.getBoundingClientRect();
    tip.style.left = Math.max(0, Math.min(evt.clientX - r.left + wrap.scrollLeft + 10, wrap.scrollWidth - 770)) + "px";
    tip.style.top = (evt.clientY - r.top + 16) + "px";
    tip.hidden = false;
  });
  svg.addEventListener("mouseout", function () { tip.hidden = true; });
  svg.addEventListener("click", function (evt) {
    var i = tickIndex(evt.target);
    if (i < 0) return;
    if (selected) selected.classList.remove("selected");
    selected = evt.target;
    selected.classList.add("selected");
    var pre = document.getElementById("log-line");
    pre.textContent = memberName(data.log[i][1]) + ": " + logLine(i);
    pre.setAttribute("data-i", String(i));
  });

  document.getElementById("cursor-time").addEventListener("change", function (evt) { setCursor(Number(evt.target.value)); });
  document.getElementById("cursor-range").addEventListener("input", function (evt) { setCursor(Number(evt.target.value)); });

  var fromHash = /(?:^#|&)t=([0-9.]+)/.exec(location.hash);
  setCursor(fromHash ? Number(fromHash[1]) : data.initialCursor);
  document.body.setAttribute("data-ready", "1");
})();
`;
