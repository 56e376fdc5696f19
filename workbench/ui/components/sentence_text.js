// The article text component: served once as a cached script (see workbench/ui/server.py).
// The page sends only {article, version, src, labels, selected}; the text is fetched from
// `src` once per article and version and kept in memory (and in the browser's HTTP cache, where
// a re-open is a 304). Every span is built with textContent, never innerHTML.

const CSS = `
.wb-legend { font: 0.8rem/1.4 sans-serif; color: #555; margin: 0 0 0.6rem 0; }
.wb-legend span { display: inline-block; margin-right: 0.9rem; }
.wb-legend i { display: inline-block; width: 0.8rem; height: 0.8rem; border-radius: 3px;
  vertical-align: -0.1rem; margin-right: 0.3rem; border: 1px solid #ccc; }
.wb-text { white-space: pre-wrap; font: 1rem/1.75 Georgia, "Times New Roman", serif;
  color: #1d1d1f; overflow-wrap: anywhere; }
.wb-s { cursor: pointer; border-radius: 3px; padding: 0.05rem 0.1rem;
  transition: background-color 0.15s; }
.wb-s:hover { background: #eef3fb; }
.wb-s.wb-likely:not([data-label]) { border-bottom: 2px dotted rgba(31, 95, 168, 0.55); }
.wb-s[data-label="v"], i.v { background: #cdeed6; }
.wb-s[data-label="d"], i.d { background: #f9cfcf; }
.wb-s[data-label="u"], i.u { background: #fde3b0; }
.wb-s[data-label="n"], i.n { background: #e6e6e6; }
.wb-s[data-label="n"] { color: #666; }
i.likely { background: transparent; border: 0; border-bottom: 2px dotted #1f5fa8;
  border-radius: 0; }
.wb-s.wb-boilerplate { color: #8a8a8a; text-decoration: line-through 1px #b5b5b5; }
.wb-s.wb-selected { outline: 2px solid #1f5fa8; outline-offset: 1px; }
.wb-status { font: 0.9rem/1.4 sans-serif; color: #555; }
.wb-status.wb-error { color: #a11; }
`;

const LEGEND = [
  ["v", "verified"],
  ["d", "disputed"],
  ["u", "unsourced"],
  ["n", "not a claim"],
  ["likely", "likely claim, not yet labeled by you"],
];

// One fetch per article text version for the life of the page, shared by every render.
const texts = new Map();
// A refusal that may pass is asked again, waiting 250 ms, 500 ms, ... up to 4 s between tries,
// until 30 s after the first try: a sign-in's cookie may land just after the first render (401),
// a busy server or its proxy may drop or refuse a request (no answer, 502, 503, 504).
const RETRY_FIRST_MS = 250;
const RETRY_MAX_MS = 4000;
const RETRY_DEADLINE_MS = 30000;
const RETRIED = new Set([401, 502, 503, 504]);

async function tryFetch(src) {
  let response;
  try {
    response = await fetch(src, { credentials: "same-origin" });
  } catch {
    return { retry: true, reason: "no answer from the server" };
  }
  if (response.ok) return { text: await response.json() };
  return { retry: RETRIED.has(response.status), reason: "HTTP " + response.status };
}

async function fetchText(src) {
  const deadline = Date.now() + RETRY_DEADLINE_MS;
  for (let wait = RETRY_FIRST_MS; ; wait = Math.min(2 * wait, RETRY_MAX_MS)) {
    const result = await tryFetch(src);
    if (result.text) return result.text;
    if (!result.retry || Date.now() + wait > deadline) throw new Error(result.reason);
    await new Promise((done) => setTimeout(done, wait));
  }
}

function textOf(view) {
  const key = view.article + "\u0000" + view.version;
  let text = texts.get(key);
  if (!text) {
    text = fetchText(new URL(view.src, location.href).href);
    text.catch(() => texts.delete(key)); // a failed fetch is tried again on the next render
    texts.set(key, text);
  }
  return text;
}

function setup(parent) {
  if (parent.wbReady) return;
  const style = document.createElement("style");
  style.textContent = CSS;
  const legend = document.createElement("div");
  legend.className = "wb-legend";
  for (const [code, name] of LEGEND) {
    const item = document.createElement("span");
    const swatch = document.createElement("i");
    swatch.className = code;
    item.append(swatch, name);
    legend.appendChild(item);
  }
  const status = document.createElement("div");
  status.className = "wb-status";
  parent.append(style, legend, status);
  parent.wbStatus = status;
  parent.wbReady = true;
}

function buildText(parent, view, text) {
  const root = document.createElement("div");
  root.className = "wb-text";
  root.dataset.article = view.article;
  root.dataset.version = view.version;
  const spans = [];
  text.parts.forEach((part, i) => {
    // A fifth element is present (1) only on a sentence an editor marked as boilerplate.
    const [gap, sentence, score, reasons, boilerplate] = part;
    if (gap) root.appendChild(document.createTextNode(gap));
    const span = document.createElement("span");
    span.className = score ? "wb-s wb-likely" : "wb-s";
    if (boilerplate) span.classList.add("wb-boilerplate");
    span.dataset.index = String(i);
    span.textContent = sentence;
    let tip = "Sentence " + (i + 1);
    if (score) tip += " · likely claim (" + score.toFixed(2) + ")";
    if (reasons) tip += ": " + reasons;
    if (boilerplate) tip += " · boilerplate, not to be labeled";
    span.title = tip;
    root.appendChild(span);
    spans.push(span);
  });
  if (text.tail) root.appendChild(document.createTextNode(text.tail));
  root.wbSpans = spans;
  root.wbCodes = "";
  root.wbSelected = -1;
  root.onclick = (event) => {
    const span = event.target.closest ? event.target.closest(".wb-s") : null;
    if (!span) return;
    const index = Number(span.dataset.index);
    if (root.wbSelected >= 0) root.wbSpans[root.wbSelected].classList.remove("wb-selected");
    span.classList.add("wb-selected");
    root.wbSelected = index;
    parent.wbTrigger("select", index);
  };
  return root;
}

function apply(root, view) {
  const codes = view.labels;
  const spans = root.wbSpans;
  for (let i = 0; i < spans.length; i++) {
    const code = codes[i] || ".";
    if (code === (root.wbCodes[i] || ".")) continue;
    if (code === ".") delete spans[i].dataset.label;
    else spans[i].dataset.label = code;
  }
  root.wbCodes = codes;
  const selected = view.selected;
  if (selected !== root.wbSelected || !spans[selected]?.classList.contains("wb-selected")) {
    if (root.wbSelected >= 0 && spans[root.wbSelected]) {
      spans[root.wbSelected].classList.remove("wb-selected");
    }
    if (spans[selected]) {
      spans[selected].classList.add("wb-selected");
      spans[selected].scrollIntoView({ block: "nearest" });
    }
    root.wbSelected = selected;
  }
}

function shownFor(parent, view) {
  const root = parent.querySelector(".wb-text");
  const same = root && root.dataset.article === view.article;
  return same && root.dataset.version === view.version ? root : null;
}

function showStatus(parent, message, error) {
  parent.wbStatus.className = error ? "wb-status wb-error" : "wb-status";
  parent.wbStatus.textContent = message;
}

export default async function render(component) {
  const { data, parentElement: parent, setTriggerValue } = component;
  if (!data) return;
  const view = JSON.parse(new TextDecoder().decode(data));
  setup(parent);
  parent.wbView = view; // the newest data wins when a fetch finishes after a later render
  parent.wbTrigger = setTriggerValue;
  let root = shownFor(parent, view);
  if (!root) {
    const old = parent.querySelector(".wb-text");
    if (old && old.dataset.article !== view.article) old.remove();
    if (!old || old.dataset.article !== view.article) {
      showStatus(parent, "Loading the article text…", false);
    }
    let text;
    try {
      text = await textOf(view);
    } catch (error) {
      if (parent.wbView !== view) return;
      const reason = "The article text could not be loaded (" + error.message + "). ";
      showStatus(parent, reason + "Reload the page; if this persists, sign in again.", true);
      return;
    }
    const latest = parent.wbView;
    if (latest.article !== view.article || latest.version !== view.version) return;
    root = shownFor(parent, view);
    if (!root) {
      root = buildText(parent, view, text);
      const stale = parent.querySelector(".wb-text");
      if (stale) stale.replaceWith(root);
      else parent.appendChild(root);
      showStatus(parent, "", false);
    }
  }
  apply(root, parent.wbView);
}
