// The developments on a time axis: one bar per development, from the earliest to the
// latest day it may have happened, in lanes so none overlap; a line marks "as of".
// The SVG is drawn at the container's own width, so its text is always 11px, on a phone too.
import { fmtDay, svg, toIso, toNumber } from "./util.js";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const CHAR = 6.2;  // the width of one character of an 11px label, near enough
const LEFT = 8;
const RIGHT = 8;
const LANE = 20;
const TOP = 20;
const AXIS = 24;
const COOPERATIVE = new Set(["agreement", "approval", "cooperation", "delivery", "proposal"]);
const CONFLICTUAL = new Set(["demand", "rejection", "threat", "sanction"]);

function colour(kind) {
  if (COOPERATIVE.has(kind)) return "var(--coop)";
  if (CONFLICTUAL.has(kind)) return "var(--conf)";
  return "var(--neutral)";
}

/** A short label for people: the summary's first clause, cut at a word. */
export function shortLabel(d, limit = 34) {
  const first = d.summary.split(/(?<=[.;:])\s|\s[–—-]\s/)[0].replace(/[.;:]$/, "");
  if (first.length <= limit) return first;
  const cut = first.slice(0, limit - 1);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(" "), limit / 2))}…`;
}

function ticks(first, last, most) {
  // Month ticks (every 1, 2, 3, 6 or 12 months), at most `most`, labelled "Mar 2018".
  const start = new Date(first * 86400000);
  const months = (last - first) / 30.4;
  const step = [1, 2, 3, 6, 12, 24, 60, 120].find((s) => months / s <= most) ?? 120;
  const found = [];
  let y = start.getUTCFullYear();
  let m = 0;
  while (toNumber(`${y}-${String(m + 1).padStart(2, "0")}-01`) < first) {
    m += step;
    y += Math.floor(m / 12);
    m %= 12;
  }
  for (let guard = 0; guard < 200; guard += 1) {
    const iso = `${String(y).padStart(4, "0")}-${String(m + 1).padStart(2, "0")}-01`;
    const at = toNumber(iso);
    if (at > last) break;
    found.push({ at, label: step >= 12 ? String(y) : `${MONTHS[m]} ${y}` });
    m += step;
    y += Math.floor(m / 12);
    m %= 12;
  }
  return found;
}

/** Draws `developments` into `container`; returns nothing. */
export function drawAxis(container, { developments, first, last, day, selected, onSelect }) {
  container.replaceChildren();
  if (first === null || last === null) return;
  const WIDTH = Math.max(320, Math.round(container.clientWidth || 1000));
  const pad = Math.max(15, Math.round((last - first) / 20));
  const lo = first - pad;
  const hi = last + pad;
  const x = (n) => LEFT + ((n - lo) / (hi - lo)) * (WIDTH - LEFT - RIGHT);
  const placed = developments.map((d) => {
    const open = !d.occurred.earliest;
    const start = open ? lo : Math.max(lo, toNumber(d.occurred.earliest));
    const end = d.occurred.latest ? Math.min(hi, toNumber(d.occurred.latest)) : hi;
    return { d, open, start, end, x0: x(start), x1: Math.max(x(end), x(start) + 4) };
  });
  placed.sort((a, b) => a.start - b.start || a.end - b.end);
  const lanes = [];
  for (const item of placed) {
    item.label = shortLabel(item.d, Math.min(34, Math.floor((WIDTH / 2 - 12) / CHAR)));
    const width = Math.min(item.label.length * CHAR + 12, WIDTH / 2);
    const reach = Math.max(item.x1, item.x0 + width);
    let lane = lanes.findIndex((edge) => edge + 6 < item.x0);
    if (lane < 0) lane = lanes.push(0) - 1;
    lanes[lane] = reach;
    item.lane = lane;
  }
  const height = TOP + Math.max(lanes.length, 1) * LANE + AXIS;
  const root = svg("svg", { viewBox: `0 0 ${WIDTH} ${height}`, width: WIDTH, height, role: "presentation" });
  const bottom = height - AXIS + 4;
  for (const tick of ticks(lo, hi, Math.max(2, Math.floor(WIDTH / 90)))) {
    if (x(tick.at) > WIDTH - 56) continue;  // no room for its label
    root.append(
      svg("g", { class: "tick" },
        svg("line", { x1: x(tick.at), x2: x(tick.at), y1: TOP - 4, y2: bottom }),
        svg("text", { x: x(tick.at) + 3, y: bottom + 14 }, document.createTextNode(tick.label))),
    );
  }
  for (const item of placed) {
    const { d } = item;
    const y = TOP + item.lane * LANE;
    const certain = d.occurred.latest && toNumber(d.occurred.latest) <= day;
    const possible = !certain && (!d.occurred.earliest || toNumber(d.occurred.earliest) <= day);
    const opacity = certain ? 1 : possible ? 0.55 : 0.2;
    const title = svg("title");
    title.textContent = `${d.summary}\n(${d.kind}, occurred ${d.occurred.text}, reported ${d.reported.text}; ${d.id})`;
    const group = svg(
      "g",
      {
        class: `dev${d.id === selected ? " selected" : ""}`,
        "data-id": d.id,
        "data-occurred": certain ? "certain" : possible ? "possible" : "not-yet",
        tabindex: 0,
      },
      title,
      svg("rect", {
        x: item.x0, y, width: item.x1 - item.x0, height: LANE - 6,
        fill: colour(d.kind), opacity, "stroke-dasharray": possible ? "3 2" : null,
      }),
      item.open ? svg("path", { d: `M${item.x0 + 6} ${y} l-6 ${(LANE - 6) / 2} l6 ${(LANE - 6) / 2}`, fill: "#fff", opacity: 0.9 }) : null,
    );
    const label = svg("text", { class: "dev-label", x: item.x0 + (item.open ? 10 : 4), y: y + LANE - 10 });
    label.textContent = item.label;
    const wide = item.label.length * CHAR;
    const inside = item.x1 - item.x0 > wide + 10;
    if (inside) label.setAttribute("fill", "#fff");
    else if (item.x1 + 4 + wide < WIDTH) label.setAttribute("x", item.x1 + 4);
    else { label.setAttribute("x", item.x0 - 4); label.setAttribute("text-anchor", "end"); }
    label.setAttribute("opacity", certain || inside ? 1 : 0.75);
    group.append(label);
    group.addEventListener("click", () => onSelect(d));
    group.addEventListener("keydown", (event) => { if (event.key === "Enter") onSelect(d); });
    root.append(group);
  }
  if (day >= lo && day <= hi) {
    root.append(
      svg("line", { class: "cursor", x1: x(day), x2: x(day), y1: 0, y2: bottom }),
      (() => {
        const right = x(day) + 4 + 110 > WIDTH;  // no room after the line: the label goes before it
        const text = svg("text", { class: "cursor-label", x: right ? x(day) - 4 : x(day) + 4, y: 12, "text-anchor": right ? "end" : null });
        text.textContent = `as of ${fmtDay(toIso(day))}`;
        return text;
      })(),
    );
  }
  container.append(root);
}
