// Small helpers: calendar days as numbers, date wording, DOM building, JSON fetches.

const DAY_MS = 86400000;
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** "YYYY-MM-DD" to a day number (days since 1970-01-01). */
export function toNumber(iso) {
  const [y, m, d] = iso.split("-").map(Number);
  return Math.round(Date.UTC(y, m - 1, d) / DAY_MS);
}

/** A day number to "YYYY-MM-DD". */
export function toIso(number) {
  return new Date(number * DAY_MS).toISOString().slice(0, 10);
}

/** "2017-12-31" as "31 Dec 2017". */
export function fmtDay(iso) {
  if (!iso) return "";
  const [y, m, d] = iso.split("-");
  return `${Number(d)} ${MONTHS[Number(m) - 1]} ${y}`;
}

/** An EDTF span ({text, earliest, latest}) in words. */
export function fmtWhen(span) {
  const text = span.text;
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return fmtDay(text);
  if (/^\d{4}-\d{2}$/.test(text)) return `${MONTHS[Number(text.slice(5)) - 1]} ${text.slice(0, 4)}`;
  if (/^\d{4}$/.test(text)) return text;
  if (!span.earliest && span.latest) return `by ${fmtDay(span.latest)}`;
  if (span.earliest && !span.latest) return `from ${fmtDay(span.earliest)}`;
  if (!span.earliest && !span.latest) return "date unknown";
  if (span.earliest === span.latest) return fmtDay(span.earliest);
  return `${fmtDay(span.earliest)} – ${fmtDay(span.latest)}`;
}

/** Builds an element: el("p", {class: "x"}, "text", child). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

const SVG = "http://www.w3.org/2000/svg";

/** Builds an SVG element. */
export function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value !== null && value !== undefined) node.setAttribute(key, String(value));
  }
  for (const child of children.flat()) if (child) node.append(child);
  return node;
}

/** A query string from an object, leaving out empty values. */
export function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === null || value === undefined || value === "" || value === false) continue;
    search.set(key, String(value));
  }
  return search.toString();
}

const pending = new Map();

/** GETs JSON; a newer request on the same channel aborts the older one. */
export async function getJson(channel, path, params = {}) {
  pending.get(channel)?.abort();
  const control = new AbortController();
  pending.set(channel, control);
  const response = await fetch(`${path}?${query(params)}`, { signal: control.signal });
  const body = await response.json();
  if (pending.get(channel) === control) pending.delete(channel);
  if (!response.ok) {
    const error = new Error(body?.error?.message ?? response.statusText);
    error.parameter = body?.error?.parameter;
    throw error;
  }
  return body;
}

/** Whether an error is only a request aborted by a newer one. */
export function isAbort(error) {
  return error?.name === "AbortError";
}

/** Runs `fn` once calls have paused for `ms`. */
export function debounce(fn, ms) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}
