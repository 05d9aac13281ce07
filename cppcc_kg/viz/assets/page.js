/* The page of the cppcc-kg entity graph: legend, search, details, filters.
 * Written for this project. Every text that comes from the data is put into the page with
 * textContent / createTextNode, never as HTML. The vis-network instance is the global
 * `network`; `window.cppccKg` gives tests and users' scripts a small API. */
(function () {
  "use strict";
  var t0 = performance.now();
  var DATA = JSON.parse(document.getElementById("kg-data").textContent);
  var tParsed = performance.now();
  var N = DATA.nodes.length, E = DATA.edges.length;
  // CLASSES: the top classes (colour, shape, legend); TYPES: the fine types, each inside its top class
  var CLASSES = DATA.classes, TYPES = DATA.types || [], RELS = DATA.relations, MEASURES = DATA.measures;
  var FONT = '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC", ' +
    '"Hiragino Sans GB", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif';
  var INSIDE = { box: 1, ellipse: 1, database: 1, circle: 1, text: 1 };
  var FADED = "#e3e5e8";
  // Up to this many nodes + edges a neighbourhood is highlighted by fading everything else;
  // above it, restyling every item takes seconds, so the neighbourhood is selected instead.
  var FADE_LIMIT = 6000;

  // ------------------------------------------------------------------ interface strings
  var UI = {
    zh: {
      language: "语言", size: "节点大小", colour: "着色", hops: "邻域", physics: "物理布局", fit: "全图",
      dates: "日期", from: "从", to: "至", hideUndated: "隐藏无日期的实体", classes: "类别", relations: "关系",
      communities: "社群", hint: "点击节点或关系，或在上方搜索（中文、英文、拼音或别名）。",
      search: "搜索：中文、English、pinyin、别名", uniform: "统一", byClass: "类别", byCommunity: "社群",
      entities: "实体", relationsN: "关系", names: "名称", pinyin: "拼音", aliases: "别名", date: "日期",
      comment: "说明", measures: "网络指标", observations: "数据", evidence: "证据", outgoing: "出向关系",
      incoming: "入向关系", statement: "陈述", source: "来源", offsets: "位置", noContext: "（来源文本不可用，仅显示引文）",
      relation: "关系", cls: "类别", community: "社群", show: "显示", all: "全部", allOf: "全部", other: "其他", view: "图太大，无法全部绘制：仅显示按“{m}”排名前 {n} 个实体（共 {t} 个实体、{e} 条关系）。",
      viewCommunity: "仅显示社群 {c}：{s} 个实体（全图共 {t} 个实体、{e} 条关系）。",
      viewAround: "仅显示“{x}”{h} 步以内的邻域：{s} 个实体（全图共 {t} 个实体、{e} 条关系）。",
      viewLimited: "其中按“{m}”排名前 {n} 个。",
      precision: { year: "年", month: "月", day: "日" }, none: "无", iri: "IRI"
    },
    en: {
      language: "Language", size: "Size", colour: "Colour", hops: "Hops", physics: "Physics", fit: "Fit",
      dates: "Dates", from: "From", to: "To", hideUndated: "Hide undated entities", classes: "Classes",
      relations: "Relations", communities: "Communities",
      hint: "Click a node or a relation, or search above (Chinese, English, pinyin or alias).",
      search: "Search: 中文, English, pinyin, alias", uniform: "uniform", byClass: "class", byCommunity: "community",
      entities: "entities", relationsN: "relations", names: "Names", pinyin: "Pinyin", aliases: "Aliases",
      date: "Date", comment: "Comment", measures: "Network measures", observations: "Figures",
      evidence: "Evidence", outgoing: "Outgoing relations", incoming: "Incoming relations", statement: "Statement",
      source: "Source", offsets: "Offsets", noContext: "(source text not available: the quote only)",
      relation: "Relation", cls: "Class", community: "Community", show: "Show", all: "all", allOf: "all", other: "other",
      view: "The graph is too large to draw whole: showing the top {n} entities by {m} (of {t} entities and {e} relations).",
      viewCommunity: "Showing community {c} only: {s} entities (the whole graph has {t} entities and {e} relations).",
      viewAround: "Showing the neighbourhood of {x} only, up to {h} relation(s) away: {s} entities (the whole graph has {t} entities and {e} relations).",
      viewLimited: "Of these, the top {n} by {m}.",
      precision: { year: "year", month: "month", day: "day" }, none: "none", iri: "IRI"
    }
  };
  var MEASURE_NAMES = {
    degree: ["度数", "degree"], in_degree: ["入度", "in-degree"], out_degree: ["出度", "out-degree"],
    betweenness: ["中介中心度", "betweenness"], closeness: ["接近中心度", "closeness"],
    eigenvector: ["特征向量中心度", "eigenvector"], pagerank: ["PageRank", "PageRank"], kcore: ["k-核", "k-core"]
  };
  var state = {
    lang: "zh", sizeBy: "", colourBy: "class", hops: 1, classOff: {}, typeOff: {}, relOff: {}, only: "",
    dateFrom: "", dateTo: "", hideUndated: false, selected: null, focus: null
  };

  function uiLang() { return state.lang === "en" ? "en" : "zh"; }
  function t(key) {
    if (state.lang === "both" && typeof UI.zh[key] === "string" && UI.zh[key] !== UI.en[key] && key !== "hint" &&
        key !== "search" && key !== "view" && key !== "noContext") {
      return UI.zh[key] + " " + UI.en[key];
    }
    return UI[uiLang()][key];
  }
  function measureName(m) {
    var n = MEASURE_NAMES[m];
    if (!n) return m;
    return state.lang === "en" ? n[1] : state.lang === "both" && n[0] !== n[1] ? n[0] + " " + n[1] : n[0];
  }
  function pick(zh, en) {
    if (state.lang === "en") return en || zh;
    if (state.lang === "both") return zh && en && zh !== en ? zh + " · " + en : zh || en;
    return zh || en;
  }

  // ------------------------------------------------------------------ DOM helpers (text only)
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null && text !== "") e.appendChild(document.createTextNode(String(text)));
    return e;
  }
  function add(parent) {
    for (var i = 1; i < arguments.length; i++) {
      var c = arguments[i];
      if (c === null || c === undefined) continue;
      parent.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    }
    return parent;
  }
  function clear(e) { while (e.firstChild) e.removeChild(e.firstChild); }
  function $(id) { return document.getElementById(id); }
  function fmt(x) {
    if (typeof x !== "number") return String(x);
    if (Number.isInteger(x)) return x.toLocaleString("en");
    return Math.abs(x) >= 0.001 ? x.toFixed(4) : x.toExponential(2);
  }
  function swatch(colour, line, shape) {
    var s = el("span", line ? "swatch line" : shape ? "swatch shape-" + shape : "swatch");
    s.style.background = /^#[0-9a-fA-F]{3,8}$/.test(colour) ? colour : "#999999";
    return s;
  }

  // ------------------------------------------------------------------ colours
  function hexRgb(c) {
    var m = /^#?([0-9a-fA-F]{6})$/.exec(c || "");
    if (!m) return [150, 150, 150];
    var v = parseInt(m[1], 16);
    return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
  }
  function rgbHex(r) {
    return "#" + r.map(function (x) { return ("0" + Math.max(0, Math.min(255, Math.round(x))).toString(16)).slice(-2); }).join("");
  }
  function darker(c, f) { return rgbHex(hexRgb(c).map(function (x) { return x * (f || 0.7); })); }
  function luminance(c) { var r = hexRgb(c); return (0.2126 * r[0] + 0.7152 * r[1] + 0.0722 * r[2]) / 255; }
  var PALETTE = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
    "#9c755f", "#bab0ac", "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#8c564b", "#17becf"];
  function communityColour(k) {
    if (k === null || k === undefined || k < 0) return "#bbbbbb";
    if (k < PALETTE.length) return PALETTE[k];
    var h = (k * 137.508) % 360;
    return hslHex(h, 0.55, 0.55);
  }
  function hslHex(h, s, l) {
    var c = (1 - Math.abs(2 * l - 1)) * s, x = c * (1 - Math.abs((h / 60) % 2 - 1)), m = l - c / 2, r;
    r = h < 60 ? [c, x, 0] : h < 120 ? [x, c, 0] : h < 180 ? [0, c, x] : h < 240 ? [0, x, c] : h < 300 ? [x, 0, c] : [c, 0, x];
    return rgbHex(r.map(function (v) { return (v + m) * 255; }));
  }

  // ------------------------------------------------------------------ graph indexes
  var communityCol = MEASURES.indexOf("community");
  var sizeMeasures = MEASURES.filter(function (m) { return m !== "community"; });
  if (sizeMeasures.indexOf("degree") >= 0) state.sizeBy = "degree";
  var out = [], inc = [];
  for (var i = 0; i < N; i++) { out.push([]); inc.push([]); }
  DATA.edges.forEach(function (e, j) { out[e.f].push(j); inc[e.t].push(j); });
  function measure(i, m) { var k = MEASURES.indexOf(m); return k < 0 ? null : DATA.nodes[i].m[k]; }
  function community(i) { return communityCol < 0 ? null : DATA.nodes[i].m[communityCol]; }
  var mRange = {};
  sizeMeasures.forEach(function (m) {
    var k = MEASURES.indexOf(m), lo = Infinity, hi = -Infinity;
    DATA.nodes.forEach(function (n) { var v = n.m[k]; if (typeof v === "number") { lo = Math.min(lo, v); hi = Math.max(hi, v); } });
    mRange[m] = [lo, hi];
  });

  // ------------------------------------------------------------------ node and edge appearance
  function wrapLabel(s, max) {
    if (!s) return "";
    if (/\s/.test(s) || s.length <= max) return s;          // vis-network wraps on spaces itself
    var parts = [];
    for (var i = 0; i < s.length; i += max) parts.push(s.slice(i, i + max));
    return parts.join("\n");
  }
  function nodeLabel(i) {
    var n = DATA.nodes[i];
    if (state.lang === "en") return n.en || n.zh || n.iri;
    if (state.lang === "both") return [wrapLabel(n.zh, 12), n.en].filter(Boolean).join("\n") || n.iri;
    return wrapLabel(n.zh || n.en || n.iri, 12);
  }
  function baseColour(i) {
    return state.colourBy === "community" ? communityColour(community(i)) : CLASSES[DATA.nodes[i].c].color;
  }
  function sizeFactor(i) {
    if (!state.sizeBy) return 0.25;
    var v = measure(i, state.sizeBy), r = mRange[state.sizeBy];
    if (typeof v !== "number" || !r || !(r[1] > r[0])) return 0.25;
    return Math.sqrt((v - r[0]) / (r[1] - r[0]));
  }
  function nodeStyle(i, faded) {
    var cls = CLASSES[DATA.nodes[i].c], shape = cls.shape, col = baseColour(i), f = sizeFactor(i);
    var inside = INSIDE[shape] === 1;
    var o = { id: i };
    if (faded) {
      o.color = { background: FADED, border: "#d0d3d8", highlight: { background: FADED, border: "#9aa0a6" },
        hover: { background: FADED, border: "#9aa0a6" } };
      o.font = { color: "#b8bcc2", face: FONT, size: 14 + Math.round(14 * f), strokeWidth: 0 };
    } else {
      var border = darker(col, 0.65);
      o.color = { background: col, border: border, highlight: { background: col, border: "#111111" },
        hover: { background: col, border: "#111111" } };
      if (shape === "text") {
        o.font = { color: darker(col, luminance(col) > 0.6 ? 0.45 : 0.9), face: FONT, size: 14 + Math.round(14 * f),
          strokeWidth: 3, strokeColor: "#ffffff" };
      } else if (inside) {
        o.font = { color: luminance(col) > 0.55 ? "#1a1a1a" : "#ffffff", face: FONT, size: 14 + Math.round(14 * f),
          strokeWidth: 0 };
      } else {
        o.font = { color: "#1f2328", face: FONT, size: 14 + Math.round(18 * f), strokeWidth: 3, strokeColor: "#ffffff" };
      }
    }
    o.size = 10 + Math.round(30 * f);
    return o;
  }
  function edgeStyle(j, faded) {
    var r = RELS[DATA.edges[j].p];
    return { id: j, color: faded ? { color: "#eceef1", highlight: "#c0c4ca", hover: "#c0c4ca", opacity: 1 }
      : { color: r.color, highlight: darker(r.color, 0.6), hover: darker(r.color, 0.6), opacity: 0.9 } };
  }

  // ------------------------------------------------------------------ visibility
  function dateVisible(n) {
    if (!n.d0) return !state.hideUndated;
    if (state.dateFrom && n.d1 < state.dateFrom) return false;
    if (state.dateTo && n.d0 > state.dateTo) return false;
    return true;
  }
  function typeName(f) {   // a fine type; the top class's own instances are its "other" kind
    var c = CLASSES[f.c], name = pick(f.zh, f.en);
    return c && c.iri === f.iri && c.types.length > 1 ? name + " (" + t("other") + ")" : name;
  }
  function onlyVisible(n) {   // the "show" filter: all, one top class ("c3") or one fine type ("f12")
    if (!state.only) return true;
    var k = Number(state.only.slice(1));
    return state.only.charAt(0) === "c" ? n.c === k : n.f === k;
  }
  var nodeHidden = new Array(N).fill(false), edgeHidden = new Array(E).fill(false);
  function computeHidden() {
    for (var i = 0; i < N; i++) {
      var n = DATA.nodes[i];
      nodeHidden[i] = !!state.classOff[n.c] || !!state.typeOff[n.f] || !onlyVisible(n) || !dateVisible(n);
    }
    for (var j = 0; j < E; j++) {
      var e = DATA.edges[j];
      edgeHidden[j] = !!state.relOff[e.p] || nodeHidden[e.f] || nodeHidden[e.t];
    }
  }

  // ------------------------------------------------------------------ the network
  var visNodes = DATA.vis.nodes.map(function (v) {
    var o = nodeStyle(v.id, false);
    o.label = nodeLabel(v.id); o.shape = v.shape; o.x = v.x; o.y = v.y;
    return o;
  });
  var visEdges = DATA.vis.edges.map(function (v) {
    var o = edgeStyle(v.id, false);
    o.from = v.from; o.to = v.to; o.arrows = v.arrows; if (v.smooth) o.smooth = v.smooth;
    return o;
  });
  var nodes = new vis.DataSet(visNodes), edges = new vis.DataSet(visEdges);
  var options = DATA.vis.options;
  options.nodes.font = Object.assign({}, options.nodes.font || {}, { face: FONT });
  var container = $("network");
  var tCreate = performance.now();
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, options);
  window.network = network;
  var tCreated = performance.now();

  var api = window.cppccKg = {
    data: DATA, nodes: nodes, edges: edges, ready: false,
    timings: { parse: tParsed - t0, create: tCreated - tCreate, start: t0 },
    stats: function () {
      var b = network.body, nn = 0, ee = 0;
      b.nodeIndices.forEach(function (id) { if (!b.nodes[id].options.hidden) nn++; });
      b.edgeIndices.forEach(function (id) {
        var e = b.edges[id];
        if (e.connected && !e.options.hidden && !e.from.options.hidden && !e.to.options.hidden) ee++;
      });
      return { nodes: nn, edges: ee, selected: network.getSelectedNodes(), selectedEdges: network.getSelectedEdges(),
        focus: state.focus };
    },
    idOf: function (iri) { for (var i = 0; i < N; i++) if (DATA.nodes[i].iri === iri) return i; return -1; },
    select: function (iri) { var i = api.idOf(iri); if (i >= 0) selectNode(i, true); return i; },
    selectEdge: function (j) { selectEdge(j); },
    clear: function () { clearSelection(); },
    visible: function () {
      var b = network.body;
      return b.nodeIndices.filter(function (id) { return !b.nodes[id].options.hidden; })
        .map(function (id) { return DATA.nodes[id].iri; }).sort();
    },
    animating: false,
    search: function (q) { return suggest(q).map(function (i) { return DATA.nodes[i].iri; }); }
  };

  function markReady() {
    if (api.ready) return;
    api.ready = true;
    api.timings.ready = performance.now();
    document.body.setAttribute("data-ready", "1");
  }
  if (DATA.physics && N > 0) {
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({ physics: { enabled: false } });
      $("physics").checked = false;
      network.once("afterDrawing", markReady);
      network.redraw();
    });
  } else {
    network.once("afterDrawing", markReady);
    network.redraw();
  }

  // ------------------------------------------------------------------ highlight
  var highlighted = null;   // {nodes: Set, edges: Set} or null
  var fade = N + E <= FADE_LIMIT;
  function showHighlight(focusNodes, focusEdges) {
    if (fade) {
      applyStyles();
      network.setSelection({ nodes: focusNodes, edges: focusEdges }, { unselectAll: true, highlightEdges: false });
    } else {
      network.setSelection({ nodes: Array.from(highlighted.nodes), edges: Array.from(highlighted.edges) },
        { unselectAll: true, highlightEdges: false });
    }
  }
  function neighbourhood(i, hops) {
    var ns = new Set([i]), es = new Set(), frontier = [i];
    for (var h = 0; h < hops; h++) {
      var next = [];
      frontier.forEach(function (u) {
        out[u].concat(inc[u]).forEach(function (j) {
          if (edgeHidden[j]) return;
          var e = DATA.edges[j], v = e.f === u ? e.t : e.f;
          es.add(j);
          if (!ns.has(v)) { ns.add(v); next.push(v); }
        });
      });
      frontier = next;
    }
    // edges among the neighbourhood's nodes are part of it too
    ns.forEach(function (u) { out[u].forEach(function (j) { if (!edgeHidden[j] && ns.has(DATA.edges[j].t)) es.add(j); }); });
    return { nodes: ns, edges: es };
  }
  function applyStyles() {
    var nu = [], eu = [], h = fade ? highlighted : null;
    for (var i = 0; i < N; i++) nu.push(nodeStyle(i, h && !h.nodes.has(i)));
    for (var j = 0; j < E; j++) eu.push(edgeStyle(j, h && !h.edges.has(j)));
    nodes.update(nu); edges.update(eu);
  }
  function applyLabels() {
    var nu = [];
    for (var i = 0; i < N; i++) nu.push({ id: i, label: nodeLabel(i) });
    nodes.update(nu);
  }
  function applyVisibility() {
    computeHidden();
    var nu = [], eu = [];
    for (var i = 0; i < N; i++) nu.push({ id: i, hidden: nodeHidden[i] });
    for (var j = 0; j < E; j++) eu.push({ id: j, hidden: edgeHidden[j] });
    nodes.update(nu); edges.update(eu);
    if (highlighted && state.focus !== null) {
      highlighted = neighbourhood(state.focus, state.hops);
      showHighlight([state.focus], []);
    }
    renderCounts();
  }

  // ------------------------------------------------------------------ selection
  function selectNode(i, focus) {
    state.selected = { node: i }; state.focus = i;
    highlighted = neighbourhood(i, state.hops);
    showHighlight([i], []);
    if (focus) {
      api.animating = true;
      var s = Math.max(network.getScale(), N > 2000 ? 1.2 : 0.9);
      network.focus(i, { scale: s, animation: { duration: 400, easingFunction: "easeInOutQuad" } });
    }
    renderNodeDetails(i);
  }
  function selectEdge(j) {
    state.selected = { edge: j }; state.focus = null;
    var e = DATA.edges[j];
    highlighted = { nodes: new Set([e.f, e.t]), edges: new Set([j]) };
    showHighlight([], [j]);
    renderEdgeDetails(j);
  }
  function clearSelection() {
    state.selected = null; state.focus = null;
    if (highlighted) { highlighted = null; if (fade) applyStyles(); }
    network.unselectAll();
    renderHint();
  }
  network.on("click", function (p) {
    hideTooltip();
    if (p.nodes.length) selectNode(p.nodes[0], false);
    else if (p.edges.length) selectEdge(p.edges[0]);
    else clearSelection();
  });

  // ------------------------------------------------------------------ tooltip
  var tip = $("tooltip");
  function showTooltip(p, main, sub) {
    clear(tip); add(tip, el("div", "", main)); if (sub) add(tip, el("div", "sub", sub));
    var r = container.getBoundingClientRect();
    tip.style.left = (r.left + p.DOM.x + 14) + "px"; tip.style.top = (r.top + p.DOM.y + 10) + "px";
    tip.hidden = false;
  }
  function hideTooltip() { tip.hidden = true; }
  network.on("hoverNode", function (p) {
    var n = DATA.nodes[p.node], c = CLASSES[n.c];
    showTooltip(p.pointer, pick(n.zh, n.en), pick(c.zh, c.en));
  });
  network.on("hoverEdge", function (p) {
    var e = DATA.edges[p.edge], r = RELS[e.p], a = DATA.nodes[e.f], b = DATA.nodes[e.t];
    showTooltip(p.pointer, pick(r.zh, r.en), pick(a.zh, a.en) + " → " + pick(b.zh, b.en));
  });
  network.on("animationFinished", function () { api.animating = false; });
  network.on("blurNode", hideTooltip);
  network.on("blurEdge", hideTooltip);
  network.on("dragStart", hideTooltip);
  network.on("zoom", hideTooltip);

  // ------------------------------------------------------------------ details panel
  var details = $("details");
  function renderHint() { clear(details); add(details, el("p", "hint", t("hint"))); }
  function section(title) { return el("h2", "", title); }
  function nodeLink(i) {
    var n = DATA.nodes[i], b = el("button", "", pick(n.zh, n.en));
    b.type = "button";
    b.addEventListener("click", function () { selectNode(i, true); });
    return b;
  }
  function iriLine(iri) {
    var p = el("p", "iri");
    if (/^https?:\/\//i.test(iri)) {
      var a = el("a", "", iri);
      a.href = iri; a.target = "_blank"; a.rel = "noopener noreferrer";
      add(p, a);
    } else {
      add(p, iri);
    }
    return p;
  }
  function dateText(d, p) {
    if (!d) return "";
    var pr = UI[uiLang()].precision[p];
    return pr ? d + " (" + pr + ")" : d;
  }
  function renderEvidence(ids) {
    var box = el("div");
    ids.forEach(function (k) {
      var ev = DATA.evidence[k], src = DATA.sources[ev[0]];
      var q = el("div", "evidence");
      var ctx = el("p", "ctx");
      add(ctx, ev[4], el("mark", "", ev[3]), ev[5]);
      add(q, ctx);
      if (!ev[6]) add(q, el("p", "warn", t("noContext")));
      var s = el("p", "src");
      add(s, "— ", src.title || src.iri, " [" + ev[1] + "–" + ev[2] + "]");
      add(q, s);
      add(box, q);
    });
    return box;
  }
  function renderNodeDetails(i) {
    var n = DATA.nodes[i], c = CLASSES[n.c], f = TYPES[n.f];
    clear(details);
    var names = el("div", "names");
    add(names, el("p", "zh", n.zh), el("p", "en", n.en), el("p", "py", n.py));
    add(details, names);
    var cls = el("div", "cls");
    add(cls, swatch(c.color, false, c.shape), el("span", "", pick(c.zh, c.en)));
    if (f && f.iri !== c.iri) add(cls, el("span", "fine", "› " + typeName(f)));
    add(details, cls, iriLine(n.iri));
    var dl = el("dl");
    if (n.al.length) add(dl, el("dt", "", t("aliases")), el("dd", "", n.al.join("；")));
    if (n.d) add(dl, el("dt", "", t("date")), el("dd", "", dateText(n.d, n.dp)));
    if (communityCol >= 0 && n.m[communityCol] !== null) add(dl, el("dt", "", t("community")), el("dd", "", String(n.m[communityCol])));
    if (dl.firstChild) add(details, dl);
    if (n.cm) add(details, section(t("comment")), el("p", "", n.cm));
    var ms = sizeMeasures.filter(function (m) { return typeof measure(i, m) === "number"; });
    if (ms.length) {
      var mdl = el("dl");
      ms.forEach(function (m) { add(mdl, el("dt", "", measureName(m)), el("dd", "", fmt(measure(i, m)))); });
      add(details, section(t("measures")), mdl);
    }
    if (n.obs.length) {
      add(details, section(t("observations")));
      n.obs.forEach(function (o) {
        var p = el("div", "obs");
        var q = { ">": "> ", ">=": "≥ ", "=": "" }[o.qualifier];
        var unit = state.lang === "en" ? (o.unit_en || o.unit_zh) : (o.unit_zh || o.unit_en);
        add(p, el("div", "", pick(o.measured_zh || o.label_zh, o.measured_en || o.label_en)));
        add(p, el("span", "val", (q === undefined ? (o.qualifier ? o.qualifier + " " : "") : q) +
          (o.value !== undefined ? fmt(o.value) : "") + (unit ? " " + unit : "")));
        if (o.date) add(p, " · ", dateText(o.date, o.date_precision));
        add(details, p);
      });
    }
    [["outgoing", out[i], "t"], ["incoming", inc[i], "f"]].forEach(function (spec) {
      if (!spec[1].length) return;
      add(details, section(t(spec[0]) + " (" + spec[1].length + ")"));
      var ul = el("ul", "rel");
      spec[1].forEach(function (j) {
        var e = DATA.edges[j], r = RELS[e.p], li = el("li");
        var rb = el("button", "p", pick(r.zh, r.en));
        rb.type = "button";
        rb.addEventListener("click", function () { selectEdge(j); });
        add(li, rb, " ", spec[2] === "t" ? "→ " : "← ", nodeLink(e[spec[2]]));
        add(ul, li);
      });
      add(details, ul);
    });
    if (n.ev.length) add(details, section(t("evidence") + " (" + n.ev.length + ")"), renderEvidence(n.ev));
  }
  function renderEdgeDetails(j) {
    var e = DATA.edges[j], r = RELS[e.p];
    clear(details);
    var names = el("div", "names");
    add(names, el("p", "zh", r.zh), el("p", "en", r.en));
    add(details, names);
    var cls = el("div", "cls");
    add(cls, swatch(r.color, true), el("span", "", t("relation")));
    add(details, cls, iriLine(r.iri));
    var p = el("p", "rel");
    add(p, nodeLink(e.f), " → ", nodeLink(e.t));
    add(details, p);
    if (e.st) add(details, section(t("statement")), iriLine(e.st));
    if (e.ev.length) add(details, section(t("evidence") + " (" + e.ev.length + ")"), renderEvidence(e.ev));
  }

  // ------------------------------------------------------------------ legend
  var classButtons = [], typeButtons = [], relButtons = [];
  function legendButton(colour, line, onClick, shape) {
    var b = el("button");
    b.type = "button";
    b.setAttribute("aria-pressed", "true");
    add(b, swatch(colour, line, shape), el("span", "name"), el("span", "count"));
    b.addEventListener("click", onClick);
    return b;
  }
  function toggle(b, off, k) {
    off[k] = !off[k];
    b.classList.toggle("off", !!off[k]);
    b.setAttribute("aria-pressed", off[k] ? "false" : "true");
    applyVisibility();
  }
  // one group per top class: its button (colour and shape), then its fine types (hidden one by one)
  CLASSES.forEach(function (c, k) {
    var group = el("div", "group"), inner = el("div", "types");
    var b = legendButton(c.color, false, function () { toggle(b, state.classOff, k); }, c.shape);
    b.setAttribute("data-class", c.key);
    classButtons.push(b); add(group, b);
    var types = c.types || [];
    if (types.length === 1 && TYPES[types[0]].iri === c.iri) types = [];   // nothing finer to show
    types.forEach(function (i) {
      var f = TYPES[i];
      var fb = legendButton(c.color, false, function () { toggle(fb, state.typeOff, i); });
      fb.classList.add("fine");
      fb.setAttribute("data-type", f.key);
      typeButtons[i] = fb; add(inner, fb);
    });
    if (inner.firstChild) add(group, inner);
    $("legend-classes").appendChild(group);
  });
  RELS.forEach(function (r, k) {
    var b = legendButton(r.color, true, function () {
      state.relOff[k] = !state.relOff[k];
      b.classList.toggle("off", !!state.relOff[k]);
      b.setAttribute("aria-pressed", state.relOff[k] ? "false" : "true");
      applyVisibility();
    });
    b.setAttribute("data-relation", r.key);
    relButtons.push(b); $("legend-relations").appendChild(b);
  });
  function renderLegend() {
    var shownByClass = {}, shownByRel = {};
    var shownByType = {};
    for (var i = 0; i < N; i++) {
      if (nodeHidden[i]) continue;
      shownByClass[DATA.nodes[i].c] = (shownByClass[DATA.nodes[i].c] || 0) + 1;
      shownByType[DATA.nodes[i].f] = (shownByType[DATA.nodes[i].f] || 0) + 1;
    }
    for (var j = 0; j < E; j++) if (!edgeHidden[j]) shownByRel[DATA.edges[j].p] = (shownByRel[DATA.edges[j].p] || 0) + 1;
    CLASSES.forEach(function (c, k) {
      var b = classButtons[k];
      b.querySelector(".name").textContent = pick(c.zh, c.en);
      b.querySelector(".count").textContent = c.count === (shownByClass[k] || 0) || state.classOff[k]
        ? String(c.count) : (shownByClass[k] || 0) + "/" + c.count;
      b.title = c.iri;
    });
    TYPES.forEach(function (f, k) {
      var b = typeButtons[k];
      if (!b) return;
      b.querySelector(".name").textContent = typeName(f);
      b.querySelector(".count").textContent = f.count === (shownByType[k] || 0) || state.typeOff[k]
        ? String(f.count) : (shownByType[k] || 0) + "/" + f.count;
      b.title = f.iri;
    });
    RELS.forEach(function (r, k) {
      var b = relButtons[k];
      b.querySelector(".name").textContent = pick(r.zh, r.en);
      b.querySelector(".count").textContent = r.count === (shownByRel[k] || 0) || state.relOff[k]
        ? String(r.count) : (shownByRel[k] || 0) + "/" + r.count;
      b.title = r.iri;
    });
    var box = $("legend-communities"), cb = $("legend-communities-box");
    clear(box);
    cb.hidden = state.colourBy !== "community";
    if (!cb.hidden) {
      var counts = {};
      for (var i2 = 0; i2 < N; i2++) { var k2 = community(i2); counts[k2] = (counts[k2] || 0) + 1; }
      Object.keys(counts).map(Number).sort(function (a, b) { return counts[b] - counts[a] || a - b; }).slice(0, 40)
        .forEach(function (k3) {
          var row = el("button"); row.type = "button"; row.disabled = true;
          add(row, swatch(communityColour(k3)), el("span", "name", t("community") + " " + k3), el("span", "count", String(counts[k3])));
          box.appendChild(row);
        });
    }
  }
  function renderCounts() {
    var nn = 0, ee = 0;
    for (var i = 0; i < N; i++) if (!nodeHidden[i]) nn++;
    for (var j = 0; j < E; j++) if (!edgeHidden[j]) ee++;
    $("counts").textContent = nn.toLocaleString("en") + " " + t("entities") + " · " + ee.toLocaleString("en") + " " + t("relationsN");
    renderLegend();
  }

  // ------------------------------------------------------------------ search
  function fold(s) {
    return String(s || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[\s'’\-·.,()（）]/g, "");
  }
  var searchKeys = DATA.nodes.map(function (n) {
    return [n.zh, n.en, n.py].concat(n.al).filter(Boolean).map(fold);
  });
  var degreeOf = DATA.nodes.map(function (n, i) { return out[i].length + inc[i].length; });
  function suggest(q) {
    var f = fold(q);
    if (!f) return [];
    var hits = [];
    for (var i = 0; i < N; i++) {
      var best = null, keys = searchKeys[i];
      for (var k = 0; k < keys.length; k++) {
        var key = keys[k], pos = key.indexOf(f);
        if (pos < 0) continue;
        var rank = key === f ? 0 : pos === 0 ? 1 : 2;
        if (!best || rank < best[0] || (rank === best[0] && key.length < best[1])) best = [rank, key.length];
      }
      if (best) hits.push([best[0], best[1], -degreeOf[i], DATA.nodes[i].iri, i]);
    }
    hits.sort(function (a, b) {
      for (var k = 0; k < 4; k++) { if (a[k] < b[k]) return -1; if (a[k] > b[k]) return 1; }
      return 0;
    });
    return hits.slice(0, 15).map(function (h) { return h[4]; });
  }
  var input = $("search"), list = $("suggestions"), current = [], active = -1;
  function renderSuggestions() {
    clear(list);
    current.forEach(function (i, k) {
      var n = DATA.nodes[i], li = el("li", k === active ? "active" : "");
      li.setAttribute("role", "option");
      li.setAttribute("data-iri", n.iri);
      add(li, swatch(CLASSES[n.c].color, false, CLASSES[n.c].shape), el("span", "s-main", n.zh || n.en),
        el("span", "s-sub", [n.en, n.py].filter(Boolean).join(" · ")));
      li.addEventListener("mousedown", function (ev) { ev.preventDefault(); choose(i); });
      list.appendChild(li);
    });
    list.hidden = current.length === 0;
  }
  function choose(i) {
    list.hidden = true;
    input.value = DATA.nodes[i].zh || DATA.nodes[i].en;
    if (nodeHidden[i]) {   // a hidden entity is shown again when it is chosen
      var ni = DATA.nodes[i];
      state.classOff[ni.c] = false; state.typeOff[ni.f] = false;
      [classButtons[ni.c], typeButtons[ni.f]].forEach(function (b) {
        if (b) { b.classList.remove("off"); b.setAttribute("aria-pressed", "true"); }
      });
      if (!onlyVisible(ni)) { state.only = ""; onlySel.value = ""; }
      if (!dateVisible(DATA.nodes[i])) { state.dateFrom = ""; state.dateTo = ""; state.hideUndated = false; syncDateInputs(); }
      applyVisibility();
    }
    selectNode(i, true);
  }
  input.addEventListener("input", function () { current = suggest(input.value); active = current.length ? 0 : -1; renderSuggestions(); });
  input.addEventListener("keydown", function (ev) {
    if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      if (!current.length) return;
      active = (active + (ev.key === "ArrowDown" ? 1 : current.length - 1)) % current.length;
      renderSuggestions(); ev.preventDefault();
    } else if (ev.key === "Enter") {
      if (!current.length) current = suggest(input.value);
      if (current.length) choose(current[Math.max(active, 0)]);
      ev.preventDefault();
    } else if (ev.key === "Escape") {
      list.hidden = true;
    }
  });
  input.addEventListener("blur", function () { list.hidden = true; });
  input.addEventListener("focus", function () { if (current.length) list.hidden = false; });

  // ------------------------------------------------------------------ controls
  var sizeSel = $("size-by"), colourSel = $("colour-by"), onlySel = $("class-filter");
  function fillOnly() {   // all, or one top class, or one fine type (grouped by top class)
    clear(onlySel);
    var all = el("option", "", t("all")); all.value = ""; onlySel.appendChild(all);
    CLASSES.forEach(function (c, k) {
      var g = document.createElement("optgroup");
      g.label = pick(c.zh, c.en);
      var o = el("option", "", pick(c.zh, c.en) + " (" + t("allOf") + ", " + c.count + ")"); o.value = "c" + k;
      g.appendChild(o);
      (c.types || []).forEach(function (i) {
        var f = TYPES[i], fo = el("option", "", "  " + typeName(f) + " (" + f.count + ")");
        fo.value = "f" + i; g.appendChild(fo);
      });
      onlySel.appendChild(g);
    });
    onlySel.value = state.only;
  }
  onlySel.addEventListener("change", function () { state.only = onlySel.value; applyVisibility(); });
  function fillSelects() {   // option texts follow the language; the choices stay
    fillOnly();
    clear(sizeSel);
    var o = el("option", "", t("uniform")); o.value = ""; sizeSel.appendChild(o);
    sizeMeasures.forEach(function (m) { var op = el("option", "", measureName(m)); op.value = m; sizeSel.appendChild(op); });
    sizeSel.value = state.sizeBy;
    clear(colourSel);
    var c1 = el("option", "", t("byClass")); c1.value = "class"; colourSel.appendChild(c1);
    if (communityCol >= 0) { var c2 = el("option", "", t("byCommunity")); c2.value = "community"; colourSel.appendChild(c2); }
    colourSel.value = state.colourBy;
  }
  sizeSel.addEventListener("change", function () { state.sizeBy = sizeSel.value; applyStyles(); });
  colourSel.addEventListener("change", function () { state.colourBy = colourSel.value; applyStyles(); renderLegend(); });
  $("hops").addEventListener("change", function () {
    state.hops = Number($("hops").value);
    if (state.focus !== null) selectNode(state.focus, false);
  });
  $("lang").addEventListener("change", function () { state.lang = $("lang").value; renderTexts(); applyLabels(); });
  $("physics").addEventListener("change", function () { network.setOptions({ physics: { enabled: $("physics").checked } }); });
  $("fit").addEventListener("click", function () { network.fit({ animation: { duration: 400 } }); });

  // date filter: the distinct dates of the entities, as written
  var dates = [];
  (function () {
    var seen = {};
    DATA.nodes.forEach(function (n) { if (n.d0 && !seen[n.d]) { seen[n.d] = 1; dates.push(n); } });
    dates.sort(function (a, b) { return a.d0 < b.d0 ? -1 : a.d0 > b.d0 ? 1 : a.d1 < b.d1 ? -1 : a.d1 > b.d1 ? 1 : 0; });
  })();
  var fromSel = $("date-from"), toSel = $("date-to");
  function syncDateInputs() {
    fromSel.value = state.dateFrom ? "" + dates.findIndex(function (n) { return n.d0 === state.dateFrom; }) : "";
    toSel.value = state.dateTo ? "" + dates.findIndex(function (n) { return n.d1 === state.dateTo; }) : "";
    $("hide-undated").checked = state.hideUndated;
  }
  if (dates.length) {
    $("date-filter").hidden = false;
    [fromSel, toSel].forEach(function (sel) {
      var any = el("option", "", "—"); any.value = ""; sel.appendChild(any);
      dates.forEach(function (n, k) { var o = el("option", "", n.d); o.value = String(k); sel.appendChild(o); });
    });
    fromSel.addEventListener("change", function () { state.dateFrom = fromSel.value === "" ? "" : dates[+fromSel.value].d0; applyVisibility(); });
    toSel.addEventListener("change", function () { state.dateTo = toSel.value === "" ? "" : dates[+toSel.value].d1; applyVisibility(); });
    $("hide-undated").addEventListener("change", function () { state.hideUndated = $("hide-undated").checked; applyVisibility(); });
  }

  function renderTexts() {
    document.documentElement.lang = state.lang === "en" ? "en" : "zh-Hans";
    Array.prototype.forEach.call(document.querySelectorAll("[data-t]"), function (e) {
      e.textContent = t(e.getAttribute("data-t"));
    });
    input.placeholder = t("search");
    $("title").textContent = DATA.title || "cppcc-kg";
    if (DATA.view) {
      var v = DATA.view, ui = UI[uiLang()], note;
      var fill = function (text) {
        return text.replace("{n}", (v.limit || 0).toLocaleString("en")).replace("{m}", measureName(v.measure || ""))
          .replace("{t}", v.total_nodes.toLocaleString("en")).replace("{e}", v.total_edges.toLocaleString("en"))
          .replace("{s}", (v.shown || 0).toLocaleString("en")).replace("{c}", String(v.community))
          .replace("{h}", String(v.hops))
          .replace("{x}", (uiLang() === "zh" ? (v.label_zh || v.label_en) : (v.label_en || v.label_zh)) || v.entity);
      };
      if (v.kind === "community") note = fill(ui.viewCommunity) + (v.limit ? " " + fill(ui.viewLimited) : "");
      else if (v.kind === "around") note = fill(ui.viewAround) + (v.limit ? " " + fill(ui.viewLimited) : "");
      else note = fill(ui.view);
      $("view-note").textContent = note;
      $("view-note").hidden = false;
    }
    fillSelects();
    renderCounts();
    if (state.selected && state.selected.node !== undefined) renderNodeDetails(state.selected.node);
    else if (state.selected && state.selected.edge !== undefined) renderEdgeDetails(state.selected.edge);
    else renderHint();
  }

  $("physics").checked = !!DATA.physics;
  computeHidden();
  renderTexts();
})();
