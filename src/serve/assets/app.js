// quelle's page: search as you type, filters, a reading view, citations and quote checks,
// all through the JSON API of `quelle serve`. Every piece of text from the corpus, a file
// name or a query is put in the page as text (textContent), never as markup.
"use strict";

const TEXT = {
  en: {
    search: "Search", placeholder: "a word in any form, in Russian or English, or \"a phrase\"",
    hint: "Press / to search, ↑ ↓ to move, Enter to read", filters: "Filters", results: "Results",
    reading: "Reading", prev: "Previous hit", next: "Next hit", close: "Close", cite: "Cite",
    style: "Style", language: "Language", only: "Only these words (optional)", citation: "Citation",
    copy: "Copy", copied: "Copied to the clipboard", selectCopy: "Selected: press Ctrl+C to copy",
    machine: "BibTeX and CSL-JSON", check: "Check quotes", checkLabel: "A quote, or a whole essay",
    checkRun: "Check", read: "Read in context", how: "How it matched", lang: "Language", doc: "Document",
    kind: "Kind", all: "all", shown: (n, total) => `${n} of ${total} matching passages shown`,
    none: "No passage matches.", exact: "exact", close_: "differs", not_found: "not found",
    missing: "left out without an ellipsis", extra: "not in the source", changed: "where the source has",
    counted: (n) => `counts among the best ${n}`, passages: (d, p) => `${d} documents, ${p} passages`,
    refreshing: "updating the index…", line: "line", lines: "lines", page: "p.", pages: "pp.",
  },
  ru: {
    search: "Поиск", placeholder: "слово в любой форме, по-русски или по-английски, или «фраза»",
    hint: "/ — к поиску, ↑ ↓ — по результатам, Enter — читать", filters: "Фильтры", results: "Результаты",
    reading: "Чтение", prev: "Предыдущее", next: "Следующее", close: "Закрыть", cite: "Цитировать",
    style: "Стиль", language: "Язык", only: "Только эти слова (необязательно)", citation: "Ссылка",
    copy: "Копировать", copied: "Скопировано", selectCopy: "Выделено: нажмите Ctrl+C",
    machine: "BibTeX и CSL-JSON", check: "Проверка цитат", checkLabel: "Цитата или целое эссе",
    checkRun: "Проверить", read: "Читать в контексте", how: "Как найдено", lang: "Язык", doc: "Документ",
    kind: "Вид", all: "все", shown: (n, total) => `показано ${n} из ${total}`,
    none: "Ничего не найдено.", exact: "точно", close_: "расходится", not_found: "не найдено",
    missing: "пропущено без многоточия", extra: "нет в источнике", changed: "в источнике",
    counted: (n) => `среди лучших ${n}`, passages: (d, p) => `документов: ${d}, фрагментов: ${p}`,
    refreshing: "индекс обновляется…", line: "строка", lines: "строки", page: "с.", pages: "с.",
  },
};
const LANG = (navigator.language || "en").toLowerCase().startsWith("ru") ? "ru" : "en";
const T = TEXT[LANG];
document.documentElement.lang = LANG;

const $ = (id) => document.getElementById(id);

/** An element with attributes and children (strings become text nodes). */
function el(tag, attrs = {}, children = []) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "text") e.textContent = v;
    else if (k === "class") e.className = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of [].concat(children)) {
    if (c === null || c === undefined) continue;
    e.append(typeof c === "string" ? document.createTextNode(c) : c);
  }
  return e;
}

/** The text with its highlighted byte ranges (UTF-8, as the API gives them) in <mark>. */
function highlighted(text, ranges) {
  const bytes = new TextEncoder().encode(text);
  const dec = new TextDecoder();
  const out = document.createDocumentFragment();
  let at = 0;
  for (const [a, b] of [...(ranges || [])].sort((x, y) => x[0] - y[0])) {
    if (a < at || b > bytes.length) continue;
    out.append(document.createTextNode(dec.decode(bytes.slice(at, a))));
    out.append(el("mark", { text: dec.decode(bytes.slice(a, b)) }));
    at = b;
  }
  out.append(document.createTextNode(dec.decode(bytes.slice(at))));
  return out;
}

async function api(path, options) {
  const r = await fetch(path, options);
  const body = await r.json().catch(() => ({ error: `HTTP ${r.status}` }));
  if (!r.ok) throw new Error(body.column ? `${body.error} (column ${body.column})` : body.error);
  return body;
}

for (const e of document.querySelectorAll("[data-i18n]")) e.textContent = T[e.dataset.i18n] || e.textContent;
for (const e of document.querySelectorAll("[data-i18n-placeholder]")) e.placeholder = T[e.dataset.i18nPlaceholder];
for (const e of document.querySelectorAll("[data-i18n-aria]")) e.setAttribute("aria-label", T[e.dataset.i18nAria]);

const state = { hits: [], filters: { lang: "", doc: "", kind: "" }, current: null, seq: 0 };

function place(h) {
  if (h.page) {
    const a = h.page_label || h.page;
    const b = h.page_end ? (h.page_end_label || h.page_end) : null;
    return b && b !== a ? `${T.pages} ${a}–${b}` : `${T.page} ${a}`;
  }
  return h.line_start === h.line_end ? `${T.line} ${h.line_start}` : `${T.lines} ${h.line_start}–${h.line_end}`;
}

function renderFilters(facets, pool) {
  const box = $("filters");
  box.replaceChildren();
  for (const key of ["lang", "kind", "doc"]) {
    const counts = (facets && facets[key]) || {};
    const group = el("div", { class: "facet", role: "group", "aria-label": T[key] }, [el("h3", { text: T[key] })]);
    const choose = (v) => () => { state.filters[key] = state.filters[key] === v ? "" : v; search(); };
    group.append(el("button", { type: "button", "aria-pressed": state.filters[key] === "", onclick: choose(""), text: T.all }));
    for (const [v, n] of Object.entries(counts).sort((a, b) => b[1] - a[1])) {
      group.append(el("button", { type: "button", "aria-pressed": state.filters[key] === v, onclick: choose(v), title: T.counted(pool) },
        [v, el("span", { class: "count", text: String(n) })]));
    }
    box.append(group);
  }
}

function renderHits(res) {
  const list = $("hits");
  list.replaceChildren();
  $("notice").hidden = !res.notice;
  $("notice").textContent = res.notice || "";
  $("explain").hidden = !res.explain;
  $("explain").textContent = (res.explain || []).join("\n");
  state.hits = res.hits;
  res.hits.forEach((h, i) => {
    const li = el("li", { class: "hit", tabindex: 0, "data-id": h.id, "aria-label": `${i + 1}. ${h.title}` }, [
      el("div", {}, [
        el("span", { class: "badge lang", text: h.lang }),
        el("span", { class: "badge kind", text: h.kind }),
        h.partial ? el("span", { class: "badge", text: "partial" }) : null,
      ]),
      el("p", { class: "text" }, [highlighted(h.text, h.highlights)]),
      el("div", { class: "cite", text: `${h.title}${h.section ? ", " + h.section : ""}, ${place(h)} · ${h.doc}` }),
      el("details", { class: "how" }, [el("summary", { text: T.how }), el("span", { text: h.matched.join(", ") })]),
      el("div", { class: "actions" }, [
        el("button", { type: "button", class: "read", text: T.read, onclick: () => openReader(h) }),
        el("button", { type: "button", class: "cite-button", text: T.cite, onclick: () => openCite(h) }),
      ]),
    ]);
    li.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && e.target === li) { e.preventDefault(); openReader(h); }
    });
    list.append(li);
  });
  $("summary").textContent = res.hits.length ? T.shown(res.hits.length, res.total_hits) : T.none;
}

async function search() {
  const q = $("q").value.trim();
  const seq = ++state.seq;
  if (!q) { $("hits").replaceChildren(); $("summary").textContent = ""; return; }
  const params = new URLSearchParams({ q, limit: "20", facets: "true" });
  for (const [k, v] of Object.entries(state.filters)) if (v) params.set(k, v);
  if (location.hash === "#explain") params.set("explain", "true");
  try {
    const res = await api(`/api/search?${params}`);
    if (seq !== state.seq) return; // a later search has begun
    renderFilters(res.facets, res.facet_pool);
    renderHits(res);
  } catch (err) {
    if (seq !== state.seq) return;
    $("hits").replaceChildren();
    $("notice").hidden = false;
    $("notice").textContent = err.message;
    $("summary").textContent = "";
  }
}

let timer = null;
$("q").addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(search, 200); });
$("search-form").addEventListener("submit", (e) => { e.preventDefault(); clearTimeout(timer); search(); });

async function openReader(h) {
  state.current = h;
  const res = await api(`/api/passage/${encodeURIComponent(h.id)}?context=3`);
  const body = $("reader-body");
  body.replaceChildren();
  for (const p of res.passages) {
    const focus = p.id === h.id;
    body.append(el("p", { class: focus ? "focus" : "", "data-id": p.id }, [focus ? highlighted(p.text, h.highlights) : p.text]));
  }
  $("reader-place").textContent = `${h.title}${h.section ? ", " + h.section : ""}, ${place(h)} · ${h.id}`;
  const same = state.hits.filter((x) => x.doc === h.doc).sort((a, b) => a.line_start - b.line_start);
  const at = same.findIndex((x) => x.id === h.id);
  $("reader-prev").disabled = at <= 0;
  $("reader-next").disabled = at < 0 || at >= same.length - 1;
  $("reader-prev").onclick = () => at > 0 && openReader(same[at - 1]);
  $("reader-next").onclick = () => at < same.length - 1 && openReader(same[at + 1]);
  $("reader").hidden = false;
  $("reader-title").focus?.();
  $("reader").scrollIntoView({ block: "nearest" });
}
$("reader-close").addEventListener("click", () => { $("reader").hidden = true; });

async function loadStyles() {
  try {
    const res = await api("/api/styles");
    $("cite-style").replaceChildren(...res.styles.map((s) => el("option", { value: s, text: s })));
    $("cite-style").value = LANG === "ru" ? "gost" : "chicago";
  } catch (_) { /* the citation falls back to plain */ }
}

async function cite() {
  const h = state.citing;
  if (!h) return;
  const params = new URLSearchParams({ style: $("cite-style").value || "plain" });
  if ($("cite-locale").value) params.set("locale", $("cite-locale").value);
  if ($("cite-quote").value.trim()) params.set("quote", $("cite-quote").value.trim());
  $("cite-status").textContent = "";
  try {
    const res = await api(`/api/cite/${encodeURIComponent(h.id)}?${params}`);
    $("cite-text").value = res.formatted;
    $("cite-bib").value = res.bibtex || "";
    $("cite-csl").value = JSON.stringify([res.csl], null, 2);
  } catch (err) {
    $("cite-text").value = "";
    $("cite-status").textContent = err.message;
  }
}

function openCite(h) {
  state.citing = h;
  $("cite-quote").value = "";
  $("cite-panel").hidden = false;
  cite();
  $("cite-panel").scrollIntoView({ block: "nearest" });
}
for (const id of ["cite-style", "cite-locale"]) $(id).addEventListener("change", cite);
$("cite-quote").addEventListener("change", cite);
$("cite-close").addEventListener("click", () => { $("cite-panel").hidden = true; });
$("cite-copy").addEventListener("click", async () => {
  const text = $("cite-text").value;
  try {
    await navigator.clipboard.writeText(text);
    $("cite-status").textContent = T.copied;
  } catch (_) {
    $("cite-text").select();
    const ok = document.execCommand && document.execCommand("copy");
    $("cite-status").textContent = ok ? T.copied : T.selectCopy;
  }
});

$("check-run").addEventListener("click", async () => {
  const out = $("check-results");
  out.replaceChildren();
  try {
    const res = await api("/api/check", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ text: $("check-text").value }) });
    for (const q of res.quotes) {
      const verdict = { exact: T.exact, close: T.close_, not_found: T.not_found }[q.verdict] || q.verdict;
      const where = q.sources && q.sources.length
        ? `${q.title || q.sources[0].doc}, ${q.line_start === q.line_end ? T.line + " " + q.line_start : T.lines + " " + q.line_start + "–" + q.line_end} · ${q.sources.map((s) => s.id).join(" + ")}`
        : "";
      const diffs = (q.differences || []).map((d) =>
        d.kind === "changed" ? `“${d.quote}” ${T.changed} “${d.source}”` : d.kind === "missing" ? `“${d.source}” ${T.missing}` : `“${d.quote}” ${T.extra}`);
      out.append(el("li", { class: "check-result" }, [
        el("span", { class: `verdict-${q.verdict}`, text: verdict }), " ",
        el("q", { text: q.quote }), where ? el("div", { class: "place", text: where }) : null,
        diffs.length ? el("ul", {}, diffs.map((d) => el("li", { text: d }))) : null,
      ]));
    }
  } catch (err) {
    out.append(el("li", { text: err.message }));
  }
});

document.addEventListener("keydown", (e) => {
  const typing = ["INPUT", "TEXTAREA", "SELECT"].includes(document.activeElement.tagName);
  if (e.key === "/" && !typing) { e.preventDefault(); $("q").focus(); $("q").select(); return; }
  if (e.key === "Escape") { $("reader").hidden = true; $("cite-panel").hidden = true; return; }
  if (e.key === "ArrowDown" || e.key === "ArrowUp") {
    const hits = [...document.querySelectorAll(".hit")];
    if (!hits.length || (typing && document.activeElement !== $("q"))) return;
    e.preventDefault();
    const at = hits.indexOf(document.activeElement.closest(".hit"));
    const next = e.key === "ArrowDown" ? Math.min(at + 1, hits.length - 1) : Math.max(at - 1, 0);
    hits[at < 0 ? 0 : next].focus();
  }
});

async function status() {
  try {
    const s = await api("/api/status");
    $("status").textContent = T.passages(s.documents, s.passages) + (s.refreshing ? ` · ${T.refreshing}` : "");
  } catch (_) { /* the server may be restarting */ }
}

loadStyles();
status();
setInterval(status, 10000);
const initial = new URLSearchParams(location.search).get("q");
if (initial) { $("q").value = initial; search(); }
