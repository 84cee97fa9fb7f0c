// refernlp's page: sends the draft to this server's API and shows the answer.
// Every piece of text from the draft or the answer is inserted with textContent, never as HTML.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const vocab = JSON.parse($("vocabulary").textContent);
  const EXPLAIN = vocab.explanations;
  const LABELS = vocab.labels;
  const SEV_RANK = { error: 0, warning: 1, info: 2 };

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") node.className = v;
      else if (k === "text") node.textContent = v;
      else node.setAttribute(k, v === true ? "" : String(v));
    }
    for (const c of children) if (c !== null && c !== undefined) node.append(c);
    return node;
  }
  const nice = (label) => (label === null || label === undefined) ? "none" : (LABELS[label] || String(label).replace(/_/g, " "));
  const pct = (x) => Math.round(100 * Number(x)) + "%";

  // --- the form ------------------------------------------------------------------------
  const form = $("form"), draft = $("draft"), button = $("critique"), status = $("status");
  function explainPicker(select, field, hint, fallback) {
    const update = () => { hint.textContent = select.value ? EXPLAIN[field][select.value] : fallback; };
    select.addEventListener("change", update);
  }
  explainPicker($("relationship"), "relationship", $("relationship-hint"), $("relationship-hint").textContent);
  explainPicker($("channel"), "channel", $("channel-hint"), $("channel-hint").textContent);
  const count = () => { $("draft-count").textContent = Array.from(draft.value).length.toLocaleString() + " characters"; };
  draft.addEventListener("input", count);
  draft.addEventListener("keydown", (e) => { if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); form.requestSubmit(); } });

  function say(message, isError) {
    status.textContent = message;
    status.classList.toggle("error", Boolean(isError));
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = draft.value;
    if (!text.trim()) { say("Paste a draft first.", true); draft.focus(); return; }
    const wantRewrites = $("want-rewrites").checked;
    const body = { text: text };
    if ($("relationship").value) body.relationship = $("relationship").value;
    if ($("channel").value && !$("channel").disabled) body.channel = $("channel").value;
    const headers = { "Content-Type": "application/json" };
    const token = $("token").value.trim();
    if (token) headers.Authorization = "Bearer " + token;
    button.disabled = true;
    say("Checking your draft…");
    try {
      const resp = await fetch(wantRewrites ? "/v1/rewrite" : "/v1/critique", { method: "POST", headers, body: JSON.stringify(body) });
      let data = null;
      try { data = await resp.json(); } catch (_) { data = null; }
      if (!resp.ok) {
        const msg = data && data.error ? data.error.message : "the server answered " + resp.status;
        if (resp.status === 401) { $("token-field").hidden = false; $("token").focus(); }
        say("Could not check the draft: " + msg, true);
        return;
      }
      const critique = wantRewrites ? data.critique : data;
      show(text, critique, wantRewrites ? data.rewrites : null);
      const n = critique.findings.length;
      say("Done: " + (n ? n + (n === 1 ? " finding." : " findings.") : "no findings."));
    } catch (err) {
      say("Could not reach the refernlp server. Is it still running?", true);
    } finally {
      button.disabled = false;
    }
  });

  // --- the answer ----------------------------------------------------------------------
  function show(text, c, rewrites) {
    showVerdict(c.verdict);
    showLabels(c);
    showMarked(text, c.findings);
    showFindings(text, c.findings);
    showRewrites(text, rewrites);
    const results = $("results");
    results.hidden = false;
    results.focus();
  }

  function showVerdict(v) {
    const box = $("verdict");
    box.replaceChildren();
    box.hidden = v === undefined || v === null;
    if (box.hidden) return;
    if (typeof v === "string") { box.append(el("p", { text: v })); return; }
    const head = typeof v.ready === "boolean" ? (v.ready ? "Ready to send" : "Not ready yet") : (v.label || v.verdict || v.status);
    box.classList.toggle("ready", v.ready === true);
    const msg = v.summary || v.message || v.text || v.explanation;
    if (head) box.append(el("p", {}, el("strong", { text: nice(head) })));
    if (msg) box.append(el("p", { text: String(msg).charAt(0).toUpperCase() + String(msg).slice(1) + (/[.!?]$/.test(msg) ? "" : ".") }));
    if (!head && !msg) box.append(el("p", { text: JSON.stringify(v) }));
  }

  function labelRow(list, term, value, why, extra) {
    list.append(el("dt", { text: term }));
    list.append(el("dd", {}, el("span", { class: "value", text: value }), extra ? " " + extra : null, why ? el("span", { class: "why", text: why }) : null));
  }

  function showLabels(c) {
    const list = $("labels");
    list.replaceChildren();
    const rt = c.request_type;
    labelRow(list, "Request", nice(rt.label), EXPLAIN.request_type[rt.label], "(" + pct(rt.confidence) + " sure)");
    if (c.purpose && c.purpose.label) labelRow(list, "Purpose", nice(c.purpose.label), EXPLAIN.purpose[c.purpose.label]);
    const rel = c.relationship;
    labelRow(list, "Relationship", nice(rel.label), EXPLAIN.relationship[rel.label], rel.source === "given" ? "(as you said)" : "(guessed from the text, " + pct(rel.confidence) + " sure)");
    if (c.channel && c.channel.label) labelRow(list, "Channel", nice(c.channel.label), EXPLAIN.channel[c.channel.label], c.channel.source === "inferred" ? "(guessed from the layout)" : null);
    const tr = c.transparency;
    if (tr.label) {
      const missing = tr.missing.map((m) => EXPLAIN.missing[m] || m.replace(/_/g, " "));
      labelRow(list, "Clarity", tr.label === "high" ? "clear" : "unclear", EXPLAIN.transparency[tr.label] + (missing.length ? " Missing: " + missing.join("; ") + "." : ""));
    }
    const po = c.politeness;
    labelRow(list, "Tone", po.label, EXPLAIN.politeness[po.label], "(politeness score " + pct(po.score) + ")");
    labelRow(list, "Length", c.stats.words + " words, " + c.stats.characters + " characters", null);
  }

  function worst(findings) {
    return findings.reduce((a, f) => (SEV_RANK[f.severity] < SEV_RANK[a] ? f.severity : a), "info");
  }

  // Offsets are Python string offsets (code points): slice an array of code points, not the UTF-16 string.
  function showMarked(text, findings) {
    const box = $("marked");
    box.replaceChildren();
    const cps = Array.from(text);
    const spans = findings.filter((f) => Number.isInteger(f.start) && Number.isInteger(f.end) && f.end > f.start);
    const cuts = new Set([0, cps.length]);
    for (const f of spans) { cuts.add(Math.max(0, Math.min(f.start, cps.length))); cuts.add(Math.max(0, Math.min(f.end, cps.length))); }
    const points = Array.from(cuts).sort((a, b) => a - b);
    let tipNo = 0;
    for (let i = 0; i + 1 < points.length; i++) {
      const a = points[i], b = points[i + 1];
      const piece = cps.slice(a, b).join("");
      const over = spans.filter((f) => f.start <= a && f.end >= b);
      if (!over.length) { box.append(piece); continue; }
      const id = "tip-" + (tipNo++);
      const tip = el("span", { class: "tip", role: "tooltip", id: id });
      over.forEach((f, k) => {
        if (k) tip.append(el("br"));
        tip.append(el("strong", { text: f.severity + ": " }), f.message);
        if (f.suggestion) tip.append(el("br"), "→ " + f.suggestion);
      });
      box.append(el("mark", { class: "flag sev-" + worst(over), tabindex: 0, "aria-describedby": id, "data-ids": over.map((f) => f.id).join(" ") }, piece, tip));
    }
  }

  function showFindings(text, findings) {
    const list = $("findings");
    list.replaceChildren();
    $("finding-count").textContent = "(" + findings.length + ")";
    if (!findings.length) { list.append(el("li", { text: "Nothing to fix: this draft reads well." })); return; }
    const cps = Array.from(text);
    for (const f of findings) {
      const li = el("li", { class: "finding sev-" + f.severity, "data-id": f.id },
        el("span", { class: "sev", text: f.severity, title: EXPLAIN.severity[f.severity] }), f.message);
      // quote the flagged phrase unless the message already quotes it
      if (Number.isInteger(f.start) && Number.isInteger(f.end) && f.end > f.start && !f.message.includes("“")) {
        const q = cps.slice(f.start, f.end).join("");
        li.append(" ", el("span", { class: "quote", text: "“" + (q.length > 80 ? q.slice(0, 79) + "…" : q) + "”" }));
      }
      if (f.suggestion) li.append(el("span", { class: "suggestion", text: "→ " + f.suggestion }));
      li.append(" ", el("code", { class: "rule-id", text: f.id }));
      list.append(li);
    }
  }

  // The draft with the edits applied, as a diff: unchanged text, <del>before</del>, <ins>after</ins>.
  function diffView(text, edits) {
    const cps = Array.from(text);
    const box = el("div", { class: "diff", role: "group", "aria-label": "changes against your draft" });
    let at = 0;
    for (const e of edits.slice().sort((x, y) => x.start - y.start || x.end - y.end)) {
      if (e.start < at) continue;  // overlapping edits are not expected; never show one twice
      box.append(cps.slice(at, e.start).join(""));
      const before = cps.slice(e.start, e.end).join("");
      if (before) box.append(el("del", { title: e.reason, text: before }));
      if (e.after) box.append(el("ins", { title: e.reason, text: e.after }));
      at = e.end;
    }
    box.append(cps.slice(at).join(""));
    return box;
  }

  async function copy(text, btn) {
    try {
      if (navigator.clipboard && window.isSecureContext) await navigator.clipboard.writeText(text);
      else {
        const area = el("textarea", { class: "skip", "aria-hidden": "true" });
        area.value = text;
        document.body.append(area);
        area.select();
        document.execCommand("copy");
        area.remove();
      }
      btn.textContent = "Copied";
      say("Copied the rewrite to the clipboard.");
    } catch (_) {
      say("Could not copy: select the text and copy it by hand.", true);
    }
    setTimeout(() => { btn.textContent = "Copy"; }, 2000);
  }

  function showRewrites(text, rewrites) {
    const section = $("rewrites-section"), box = $("rewrites");
    box.replaceChildren();
    section.hidden = !rewrites;
    if (!rewrites) return;
    if (!rewrites.length) { box.append(el("p", { text: "No rewrite to suggest." })); return; }
    rewrites.forEach((r, i) => {
      const btn = el("button", { type: "button", class: "secondary copy", "aria-label": "Copy rewrite " + (i + 1), text: "Copy" });
      btn.addEventListener("click", () => copy(r.text, btn));
      const title = "Rewrite " + (i + 1) + ": for a " + nice(r.relationship).toLowerCase() + (r.plan ? " (" + String(r.plan).replace(/_/g, " ") + ")" : "");
      const card = el("article", { class: "rewrite", "aria-label": title }, el("header", {}, el("h4", { text: title }), btn));
      if (r.ready) card.append(el("p", { text: "Your draft already works: send it as it is, or take the optional touches below." }));
      const edits = Array.isArray(r.edits) ? r.edits : [];
      if (edits.length) {
        card.append(diffView(text, edits));
        card.append(el("details", {}, el("summary", { text: "The rewritten text only" }), el("pre", { class: "rewrite-text", text: r.text })));
      } else {
        card.append(el("pre", { class: "rewrite-text", text: r.text }));
      }
      if (Array.isArray(r.suggestions) && r.suggestions.length) {
        const ul = el("ul", { class: "suggestions" });
        for (const s of r.suggestions) ul.append(el("li", {}, s.before ? el("del", { text: s.before }) : null, s.before ? " → " : "", el("ins", { text: s.after || "(remove)" })));
        card.append(el("p", { text: "Optional touches:" }), ul);
      }
      if (r.changes && r.changes.length) {
        const ul = el("ul", { class: "changes" });
        for (const ch of r.changes) ul.append(el("li", { text: ch }));
        card.append(el("p", { text: "What changed and why:" }), ul);
      }
      if (r.placeholders && r.placeholders.length) card.append(el("p", { text: "Fill in: " + r.placeholders.join(", ") }));
      box.append(card);
    });
  }
  count();
})();
