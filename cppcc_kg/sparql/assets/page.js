// Query page of cppcc-kg: editor, examples, result table and downloads.
// Plain JavaScript, no library; talks only to this server (/sparql, /queries.json).
"use strict";

const ENDPOINT = "/sparql";
const SELECT_FORMATS = [["CSV", "text/csv", "csv"], ["TSV", "text/tab-separated-values", "tsv"],
                        ["JSON", "application/sparql-results+json", "json"]];
const GRAPH_FORMATS = [["Turtle", "text/turtle", "ttl"], ["N-Triples", "application/n-triples", "nt"],
                       ["JSON-LD", "application/ld+json", "jsonld"]];
let prefixes = {};

function $(id) { return document.getElementById(id); }

function queryForm(text) {
  // strip comments, strings and IRIs, then find the first query keyword
  const bare = text.replace(/#[^\n\r]*/g, " ").replace(/"[^"\n]*"|'[^'\n]*'/g, '""').replace(/<[^<>\s]*>/g, "<>");
  const m = bare.match(/\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b/i);
  return m ? m[1].toUpperCase() : "SELECT";
}

function shorten(iri) {
  if (!$("labels").checked) return iri;
  let best = null;
  for (const [p, ns] of Object.entries(prefixes)) {
    if (iri.startsWith(ns) && iri.length > ns.length && (!best || ns.length > prefixes[best].length)) {
      const local = iri.slice(ns.length);
      if (/^[A-Za-z0-9_.\-]+$/.test(local) && !local.endsWith(".")) best = p;
    }
  }
  return best ? best + ":" + iri.slice(prefixes[best].length) : iri;
}

function updateGutter() {
  const n = $("editor").value.split("\n").length;
  let s = "";
  for (let i = 1; i <= n; i++) s += i + "\n";
  $("gutter").textContent = s;
  $("gutter").scrollTop = $("editor").scrollTop;
}

async function post(query, accept) {
  const body = new URLSearchParams({query: query});
  return fetch(ENDPOINT, {method: "POST", body: body, headers: {"Accept": accept}});
}

function cell(term) {
  const td = document.createElement("td");
  if (!term) return td;
  if (term.type === "uri") {
    td.textContent = shorten(term.value);
    td.title = term.value;
  } else if (term.type === "bnode") {
    td.textContent = "_:" + term.value;
  } else {
    td.className = "literal";
    td.textContent = term.value;
    const extra = document.createElement("span");
    if (term["xml:lang"]) { extra.className = "lang"; extra.textContent = "@" + term["xml:lang"]; }
    else if (term.datatype) { extra.className = "dt"; extra.textContent = shorten(term.datatype); }
    if (extra.textContent) td.appendChild(extra);
  }
  return td;
}

function renderTable(doc) {
  const out = $("result");
  out.textContent = "";
  if ("boolean" in doc) {
    const p = document.createElement("p");
    p.className = "boolean";
    p.textContent = doc.boolean ? "true 是" : "false 否";
    out.appendChild(p);
    return 1;
  }
  const vars = doc.head.vars;
  const table = document.createElement("table");
  const head = table.createTHead().insertRow();
  for (const v of vars) {
    const th = document.createElement("th");
    th.textContent = v;
    head.appendChild(th);
  }
  const body = table.createTBody();
  for (const b of doc.results.bindings) {
    const tr = body.insertRow();
    for (const v of vars) tr.appendChild(cell(b[v]));
  }
  out.appendChild(table);
  return doc.results.bindings.length;
}

function downloadLinks(query, form) {
  const span = $("downloads");
  span.textContent = "";
  if (form === "ASK") return;
  const formats = (form === "SELECT") ? SELECT_FORMATS : GRAPH_FORMATS;
  for (const [name, media, ext] of formats) {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = "⇩ " + name;
    b.addEventListener("click", async () => {
      const resp = await post(query, media);
      if (!resp.ok) { showError(await resp.text()); return; }
      const url = URL.createObjectURL(await resp.blob());
      const a = document.createElement("a");
      a.href = url;
      a.download = "result." + ext;
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    });
    span.appendChild(b);
  }
}

function showError(text) {
  $("error").hidden = false;
  $("error").textContent = text;
}

async function run() {
  const query = $("editor").value;
  const form = queryForm(query);
  $("error").hidden = true;
  $("result").textContent = "";
  $("downloads").textContent = "";
  $("status").textContent = "running… 查询中";
  const t0 = performance.now();
  const accept = (form === "SELECT" || form === "ASK") ? "application/sparql-results+json" : "text/turtle";
  let resp;
  try {
    resp = await post(query, accept);
  } catch (e) {
    $("status").textContent = "";
    showError("The server cannot be reached: " + e);
    return;
  }
  const ms = Math.round(performance.now() - t0);
  if (!resp.ok) {
    $("status").textContent = resp.status + " · " + ms + " ms";
    showError(await resp.text());
    return;
  }
  let n;
  if (accept === "text/turtle") {
    const pre = document.createElement("pre");
    pre.className = "graph";
    pre.textContent = await resp.text();
    $("result").appendChild(pre);
    n = pre.textContent.split("\n").filter(l => l.trim().endsWith(".")).length;
  } else {
    n = renderTable(await resp.json());
  }
  $("status").textContent = (form === "ASK" ? "" : n + (form === "SELECT" ? " rows 行" : " statements 条")) + " · " + ms + " ms";
  downloadLinks(query, form);
}

async function loadExamples() {
  const resp = await fetch("/queries.json");
  if (!resp.ok) return;
  const doc = await resp.json();
  prefixes = doc.prefixes || {};
  const select = $("examples");
  for (const q of doc.queries) {
    const opt = document.createElement("option");
    opt.value = q.name;
    opt.textContent = q.en + " · " + q.zh;
    opt.dataset.text = q.text;
    opt.dataset.note = q.note;
    select.appendChild(opt);
  }
  select.addEventListener("change", () => {
    const opt = select.selectedOptions[0];
    if (!opt || !opt.value) return;
    $("editor").value = opt.dataset.text;
    $("example-note").textContent = opt.value + " — " + opt.dataset.note;
    updateGutter();
  });
}

document.addEventListener("DOMContentLoaded", () => {
  $("run").addEventListener("click", run);
  $("editor").addEventListener("input", updateGutter);
  $("editor").addEventListener("scroll", () => { $("gutter").scrollTop = $("editor").scrollTop; });
  $("editor").addEventListener("keydown", (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); run(); }
    if (e.key === "Tab") {
      e.preventDefault();
      const ed = $("editor"), s = ed.selectionStart;
      ed.setRangeText("  ", s, ed.selectionEnd, "end");
      updateGutter();
    }
  });
  updateGutter();
  loadExamples();
});
