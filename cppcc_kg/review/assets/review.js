// The review page of cppcc-kg review: the proposals of ingest, each in its sentence, and the decisions.
// Everything is built with DOM calls and textContent (no HTML from data). The token of this run comes
// from the page's URL and goes with every request to /api/.
"use strict";
(function () {
  const token = new URLSearchParams(location.search).get("token") || "";
  let state = null;
  let cps = [];  // the text as code points: offsets are code points

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") e.className = v;
      else if (k === "text") e.textContent = v;
      else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
      else if (v !== null && v !== undefined && v !== false) e.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children) if (c !== null && c !== undefined) e.append(c);
    return e;
  }
  const slice = (s, e) => cps.slice(s, e).join("");
  function status(msg, ok) {
    const s = document.getElementById("status");
    s.textContent = msg;
    s.className = ok ? "ok" : "error";
  }

  async function call(path, payload) {
    const opts = { headers: { "X-Review-Token": token } };
    if (payload) {
      opts.method = "POST";
      opts.headers["Content-Type"] = "application/json";
      opts.body = JSON.stringify(payload);
    }
    const r = await fetch(path, opts);
    if (!r.ok) throw new Error((await r.text()).trim());
    return r.json();
  }
  async function decide(payload, what) {
    try {
      state = await call("/api/decide", payload);
      render();
      status(what + " — written: " + (state.written.join(", ") || "nothing yet"), true);
    } catch (err) {
      status(err.message, false);
    }
  }

  function sentence(p) {
    const [s, e] = p.sentence;
    return el("p", { class: "sentence" }, slice(s, p.start), el("mark", { text: slice(p.start, p.end) }), slice(p.end, e));
  }
  function decisionText(d) {
    if (!d) return "undecided · 未决定";
    if (d.action === "merge") {
      const t = state.entities.find((x) => x.iri === d.target);
      return "merged with " + (t ? t.zh + " (" + t.en + ")" : d.target);
    }
    if (d.action === "accept") return "accepted" + (d.label_en ? " as " + d.label_zh + " / " + d.label_en + " (" + d.class + ")" : "");
    return "rejected";
  }
  function card(p) {
    const d = p.decision;
    return el("div", { class: "card " + p.kind + (d ? " decided-" + d.action : ""), "data-key": p.key });
  }
  function buttons(p, acceptPayload, extra) {
    const row = el("div", { class: "row" });
    row.append(el("button", { class: "accept", disabled: p.ready === false, text: "Accept 接受",
      onclick: () => decide(Object.assign({ key: p.key, action: "accept" }, acceptPayload ? acceptPayload() : {}), "accepted") }));
    row.append(el("button", { class: "reject", text: "Reject 拒绝", onclick: () => decide({ key: p.key, action: "reject" }, "rejected") }));
    for (const x of extra || []) row.append(x);
    if (p.decision) row.append(el("button", { class: "undo", text: "Undecide 撤销", onclick: () => decide({ key: p.key, action: "undo" }, "undecided") }));
    return row;
  }

  function search(q) {
    const norm = (s) => (s || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[\s']/g, "").toLowerCase();
    const n = norm(q);
    if (!n) return [];
    return state.entities.filter((e) => [e.zh, e.en, e.pinyin].concat(e.alt).some((s) => norm(s).includes(n))).slice(0, 8);
  }

  function mentionCard(p) {
    const d = p.decision || {};
    const c = card(p);
    c.append(sentence(p));
    const meta = p.status === "linked" ? "linked to " + p.link_label + " (" + p.class + ")" : "new · " + p.class;
    c.append(el("p", { class: "meta" }, meta + " · " + p.start + "–" + p.end, el("span", { class: "decision", text: decisionText(p.decision) })));
    const zh = el("input", { class: "label-zh", value: d.label_zh || p.label_zh || p.exact, size: 16 });
    const start = el("input", { class: "start", type: "number", min: 0, value: d.start !== undefined ? d.start : p.start });
    const end = el("input", { class: "end", type: "number", min: 1, value: d.end !== undefined ? d.end : p.end });
    const spanChanged = () => { zh.value = slice(Number(start.value), Number(end.value)); };
    start.addEventListener("input", spanChanged);
    end.addEventListener("input", spanChanged);
    const cls = el("select", { class: "cls" });
    for (const k of state.classes) cls.append(el("option", { value: k, text: k, selected: k === (d.class || p.class) }));
    // the English label of another mention of the same name, accepted already, is offered again
    const sibling = state.proposals.find((q) => q.kind === "mention" && q.decision && q.decision.label_en && q.decision.label_zh === (p.label_zh || p.exact));
    const en = el("input", { class: "label-en", value: d.label_en || (sibling ? sibling.decision.label_en : ""), placeholder: "English label (required)" });
    c.append(el("div", { class: "row" }, el("label", {}, "中文 label ", zh), el("label", {}, "class ", cls),
      el("label", {}, "span ", start, " – ", end), el("label", {}, "English ", en)));
    let target = d.target || (p.status === "linked" ? p.entity : null);
    const targetName = () => { const t = state.entities.find((x) => x.iri === target); return t ? t.zh + " / " + t.en : ""; };
    const mergeBtn = el("button", { class: "merge", disabled: !target, text: target ? "Merge with " + targetName() : "Merge (search first)",
      onclick: () => decide({ key: p.key, action: "merge", target: target }, "merged") });
    const results = el("ul", { class: "merge-results" });
    const box = el("input", { class: "merge-search", placeholder: "search the graph: 中文 / English / pinyin", oninput: () => {
      results.replaceChildren(...search(box.value).map((e) => el("li", {}, el("button", { class: "merge-option", "data-iri": e.iri,
        text: e.zh + " · " + e.en + " · " + e.pinyin + " (" + e.class + ")",
        onclick: () => { target = e.iri; mergeBtn.disabled = false; mergeBtn.textContent = "Merge with " + targetName(); } }))));
    } });
    const acceptPayload = () => {
      const out = { label_zh: zh.value, class: cls.value, label_en: en.value, start: Number(start.value), end: Number(end.value) };
      if (p.status === "linked" && !en.value && zh.value === (p.label_zh || p.exact) && out.start === p.start && out.end === p.end) {
        return { start: p.start };  // accepting a link: the server keeps it as a merge with its entity
      }
      return out;
    };
    c.append(buttons(p, acceptPayload, [mergeBtn, box]));
    c.append(results);
    // the same decision for the other mentions of the same proposed entity, still undecided
    const others = state.proposals.filter((q) => q.kind === "mention" && q.key !== p.key && q.entity === p.entity && !q.decision);
    if (p.decision && p.decision.action !== "reject" && others.length) {
      c.append(el("div", { class: "row" }, el("button", { class: "apply-same",
        text: "Same for the " + others.length + " other mention(s) of " + p.exact + " · 其余同名提及同样处理",
        onclick: async () => {
          for (const q of others) {
            const d = p.decision;
            const payload = d.action === "merge" ? { key: q.key, action: "merge", target: d.target }
              : { key: q.key, action: "accept", label_zh: d.label_zh, class: d.class, label_en: d.label_en };
            await decide(payload, "decided like " + p.exact);
            if (document.getElementById("status").className === "error") break;
          }
        } })));
    }
    return c;
  }

  function relationCard(p) {
    const c = card(p);
    c.append(sentence(p));
    c.append(el("p", { class: "meta" }, p.subject_label + " —" + p.property_label + "→ " + p.object_label,
      el("span", { class: "decision", text: decisionText(p.decision) })));
    if (p.ready === false) c.append(el("p", { class: "waiting", text: "Accept or merge both ends first." }));
    if (p.waiting) c.append(el("p", { class: "waiting", text: "Not written: " + p.waiting }));
    c.append(buttons(p));
    return c;
  }

  function figureCard(p) {
    const c = card(p);
    c.append(sentence(p));
    c.append(el("p", { class: "meta" }, p.label_zh + " · about " + p.about_label, el("span", { class: "decision", text: decisionText(p.decision) })));
    const d = p.decision || {};
    const given = (x) => (x.includes("[proposed") ? "" : x);
    const en = el("input", { class: "label-en", value: d.label_en || given(p.label_en), placeholder: "English label" });
    const measured = el("input", { class: "measured-en", value: d.measured_en || given(p.measured_en), placeholder: "what is measured, in English" });
    c.append(el("div", { class: "row" }, el("label", {}, "English ", en), el("label", {}, "measured ", measured)));
    if (p.ready === false) c.append(el("p", { class: "waiting", text: "Accept or merge what it is about first." }));
    if (p.waiting) c.append(el("p", { class: "waiting", text: "Not written: " + p.waiting }));
    c.append(buttons(p, () => Object.assign(en.value ? { label_en: en.value } : {}, measured.value ? { measured_en: measured.value } : {})));
    return c;
  }

  function render() {
    const src = state.source;
    document.getElementById("source-id").textContent = src.id;
    document.getElementById("source-info").textContent = src.title + " · " + src.path + " · " + src.characters + " characters · sha256 " + src.sha256.slice(0, 12) + "…";
    document.getElementById("decisions-file").textContent = state.decisions_file;
    document.getElementById("notices").replaceChildren(...state.notices.map((n) => el("li", { text: n })));
    document.getElementById("written").textContent = state.written.length ? "Written: " + state.written.join(", ") : "";
    const kinds = { mention: mentionCard, relation: relationCard, figure: figureCard };
    for (const kind of Object.keys(kinds)) {
      const items = state.proposals.filter((p) => p.kind === kind);
      const decided = items.filter((p) => p.decision).length;
      document.getElementById("count-" + kind + "s").textContent = "(" + decided + " of " + items.length + " decided)";
      document.getElementById(kind + "s").replaceChildren(...items.map(kinds[kind]));
    }
    document.body.setAttribute("data-ready", "1");
  }

  async function start() {
    if (!token) {
      status("This page needs the token of the review: open the URL that cppcc-kg review printed.", false);
      return;
    }
    try {
      state = await call("/api/state");
      cps = Array.from(state.text);
      render();
    } catch (err) {
      status(err.message, false);
    }
  }
  start();
})();
