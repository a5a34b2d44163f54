// The page: two sliders (as of, as known at) drive the positions grid, the developments
// axis, the explanation panel and the charts, all without reloading the page.
import { drawAxis } from "./axis.js";
import { clearPanel, showDevelopment, showError, showExplanation } from "./explain.js";
import { debounce, el, fmtDay, fmtWhen, getJson, isAbort, query, toIso, toNumber } from "./util.js";

const $ = (id) => document.getElementById(id);
// The most developments the axis is sent at once (the first, in story order).
const AXIS_MOST = 5000;
const state = { day: 0, known: null, possible: false, topic: null, a: null, b: null, by: "month", selected: null, dev: null };
const story = { names: new Map(), actors: [], topics: [], all: [], known: [], lo: 0, hi: 1, kLo: 0, kHi: 1, first: null, last: null, firstReported: null, knownMore: false };

function knownIso() {
  return state.known === null ? null : toIso(state.known);
}

function readHash() {
  const params = new URLSearchParams(location.hash.slice(1));
  const day = params.get("day");
  const known = params.get("known");
  if (day && /^\d{4}-\d{2}-\d{2}$/.test(day)) state.day = toNumber(day);
  if (known && /^\d{4}-\d{2}-\d{2}$/.test(known)) state.known = toNumber(known);
  state.possible = params.get("possible") === "1";
  for (const key of ["topic", "a", "b", "by"]) if (params.get(key)) state[key] = params.get(key);
}

function writeHash() {
  const hash = query({ day: toIso(state.day), known: knownIso(), possible: state.possible ? "1" : null, topic: state.topic, a: state.a, b: state.b, by: state.by });
  history.replaceState(null, "", `#${hash}`);
}

// -- controls -------------------------------------------------------------------

function setTicks(list, days) {
  list.replaceChildren(...days.map((d) => el("option", { value: toNumber(d) })));
}

function showControls() {
  $("day").value = state.day;
  $("day-out").textContent = fmtDay(toIso(state.day));
  $("day-date").value = toIso(state.day);
  const now = state.known === null;
  $("known").value = now ? story.kHi : state.known;
  $("known-out").textContent = now ? "now" : fmtDay(toIso(state.known));
  $("known-date").value = now ? "" : toIso(state.known);
  $("known-control").classList.toggle("past", !now);
  $("known-now").hidden = now;
  $("possible").checked = state.possible;
}

function setDay(number) {
  state.day = Math.max(story.lo, Math.min(story.hi, number));
  changed();
}

function setKnown(number) {
  state.known = number === null || number >= story.kHi ? null : Math.max(story.kLo, number);
  changed();
}

function bindControls() {
  $("day").addEventListener("input", (e) => setDay(Number(e.target.value)));
  $("known").addEventListener("input", (e) => setKnown(Number(e.target.value)));
  $("day-date").addEventListener("change", (e) => { if (e.target.value) setDay(toNumber(e.target.value)); });
  $("known-date").addEventListener("change", (e) => setKnown(e.target.value ? toNumber(e.target.value) : null));
  $("known-now").addEventListener("click", () => setKnown(null));
  $("possible").addEventListener("change", (e) => { state.possible = e.target.checked; changed(); });
  for (const id of ["rel-a", "rel-b", "rel-by"]) {
    $(id).addEventListener("change", () => {
      state.a = $("rel-a").value; state.b = $("rel-b").value; state.by = $("rel-by").value;
      writeHash(); drawRelations();
    });
  }
}

// -- positions ------------------------------------------------------------------

function claimed() {
  // The actors and topics any development ever claims, in registry order.
  const actors = new Set();
  const topics = new Set();
  for (const d of story.all) for (const c of d.claims) { actors.add(c.actor); topics.add(c.topic); }
  return {
    actors: story.actors.filter((a) => actors.has(a.id)),
    topics: story.topics.filter((t) => topics.has(t.id)),
  };
}

function chip(position, actor, topic) {
  const key = `${actor}|${topic}`;
  const selected = state.selected === key ? " selected" : "";
  if (!position) {
    return el("button", { type: "button", class: `chip empty${selected}`, title: "No position: click to see why", onclick: () => select(actor, topic) }, "·");
  }
  const since = `since ${fmtWhen(position.since)}`;
  return el("button", {
    type: "button", class: `chip s-${position.stance}${selected}`, "data-tentative": String(position.tentative),
    title: `${story.names.get(actor)} ${position.stance} ${topic}, ${since}; evidence: ${position.evidence.join(", ")}`,
    onclick: () => select(actor, topic),
  }, position.stance, position.tentative ? el("span", { class: "tag" }, "tentative") : null, el("span", { class: "since" }, since));
}

function drawPositions(answer) {
  const found = new Map(answer.positions.map((p) => [`${p.actor}|${p.topic}`, p]));
  const { actors, topics } = claimed();
  const head = el("tr", {}, el("th", {}, ""), topics.map((t) => el("th", { class: "topic", scope: "col", title: t.description }, t.id)));
  const rows = actors.map((a) => el("tr", {},
    el("th", { class: `actor${a.parent ? " child" : ""}`, scope: "row" }, a.name, el("small", {}, a.id)),
    topics.map((t) => {
      const p = found.get(`${a.id}|${t.id}`);
      return el("td", { "data-actor": a.id, "data-topic": t.id, "data-stance": p ? p.stance : "", "data-tentative": p ? String(p.tentative) : "" },
        chip(p, a.id, t.id));
    })));
  const table = $("positions");
  table.replaceChildren(el("thead", {}, head), el("tbody", {}, rows));
  table.dataset.day = answer.day;
  table.dataset.known = answer.known_at ?? "now";
  table.dataset.possible = String(answer.possible);
  table.dataset.count = String(answer.positions.length);
  const count = answer.positions.length;
  const when = `as of ${fmtDay(answer.day)}, ${answer.known_at ? `as known at ${fmtDay(answer.known_at)}` : "as known now"}`;
  let text = `${count} position${count === 1 ? "" : "s"} ${when}.`;
  const reported = story.firstReported !== null && answer.known_at && toNumber(answer.known_at) >= story.firstReported;
  if (!count && answer.known_at && !reported) text = `Nothing had been reported by ${fmtDay(answer.known_at)}.`;
  else if (!count) text = `No position had been taken ${when}.`;
  $("summary").textContent = text;
}

async function refreshPositions() {
  const section = document.querySelector(".positions-section");
  section.classList.add("updating");
  try {
    const answer = await getJson("positions", "api/positions", { day: toIso(state.day), known_at: knownIso(), possible: state.possible });
    drawPositions(answer);
    section.classList.remove("updating");
    await refreshChanges();
  } catch (error) {
    if (!isAbort(error)) { $("summary").textContent = `Could not load positions: ${error.message}`; section.classList.remove("updating"); }
  }
}

async function refreshChanges() {
  const box = $("changes");
  if (state.known === null) { box.hidden = true; return; }
  const diff = await getJson("diff", "api/diff", { d1: toIso(state.day), known_at: knownIso(), vs_known_at: "9999-12-31", possible: state.possible });
  for (const d of diff.differences) {
    document.querySelector(`td[data-actor="${d.actor}"][data-topic="${d.topic}"] .chip`)?.classList.add("changed");
  }
  const stance = diff.differences.filter((d) => d.stance_changed).length;
  box.hidden = diff.differences.length === 0;
  box.textContent = `Later reports change ${diff.differences.length} of these positions (${stance} in stance): marked ●. The chart below compares the two.`;
}

// -- developments, explanation --------------------------------------------------

async function refreshAxis(refetch) {
  try {
    if (refetch) {
      const answer = await getJson("developments", "api/developments", { known_at: knownIso(), limit: AXIS_MOST });
      story.known = answer.developments; story.knownMore = answer.next !== null;
    }
    drawAxis($("axis"), { developments: story.known, first: story.first, last: story.last, day: state.day, selected: state.dev, onSelect: selectDevelopment });
    $("axis").dataset.known = knownIso() ?? "now";
    const note = $("axis-note");
    note.hidden = story.known.length > 0 && !story.knownMore;
    if (story.knownMore) note.textContent = `Showing the first ${story.known.length.toLocaleString("en")} developments in story order.`;
    else note.textContent = state.known === null ? "No developments recorded." : `Nothing had been reported by ${fmtDay(knownIso())}.`;
  } catch (error) {
    if (!isAbort(error)) $("axis-note").textContent = `Could not load developments: ${error.message}`;
  }
}

function closePanel() {
  state.selected = null; state.dev = null;
  clearPanel($("explain"));
  document.querySelectorAll(".chip.selected, .dev.selected").forEach((n) => n.classList.remove("selected"));
}

function bringIntoView(panel) {
  // Side by side the panel is already in view; stacked (a phone) it is below the grid.
  const box = panel.getBoundingClientRect();
  if (box.top < 0 || box.top > window.innerHeight * 0.6) panel.scrollIntoView({ block: "start" });
}

function select(actor, topic) {
  state.selected = `${actor}|${topic}`; state.dev = null; state.reveal = true;
  document.querySelectorAll(".chip.selected").forEach((n) => n.classList.remove("selected"));
  document.querySelector(`td[data-actor="${actor}"][data-topic="${topic}"] .chip`)?.classList.add("selected");
  if (state.topic !== topic) { state.topic = topic; drawTabs(); drawCharts(); }
  refreshExplain();
}

function selectDevelopment(d) {
  state.dev = d.id; state.selected = null;
  showDevelopment($("explain"), d, story.names, closePanel);
  bringIntoView($("explain"));
  refreshAxis(false);
}

async function refreshExplain() {
  if (!state.selected) return;
  const [actor, topic] = state.selected.split("|");
  try {
    const asked = { actor, topic, day: toIso(state.day), known_at: knownIso(), possible: state.possible };
    const answer = await getJson("explain", "api/explain", asked);
    const earlier = (skip) => getJson("explain-earlier", "api/explain", { ...asked, skip });
    showExplanation($("explain"), answer, story.names, closePanel, earlier);
    if (state.reveal) { state.reveal = false; bringIntoView($("explain")); }
  } catch (error) {
    if (!isAbort(error)) showError($("explain"), error.message);
  }
}

// -- charts -----------------------------------------------------------------------

function links(box, path, params) {
  box.replaceChildren(
    el("a", { href: `${path}?${query({ ...params, format: "png" })}`, download: `${params.topic ?? "relations"}.png` }, "PNG"),
    el("a", { href: `${path}?${query({ ...params, format: "svg" })}`, download: `${params.topic ?? "relations"}.svg` }, "SVG"),
  );
}

function image(img, path, params) {
  const src = `${path}?${query({ ...params, format: "svg" })}`;
  if (img.getAttribute("src") === src) return;
  img.closest("figure").classList.add("loading");
  img.onload = () => img.closest("figure").classList.remove("loading");
  img.setAttribute("src", src);
}

function drawTabs() {
  const { topics } = claimed();
  $("topics").replaceChildren(...topics.map((t) =>
    el("button", { type: "button", "aria-pressed": String(t.id === state.topic), title: t.description,
      onclick: () => { state.topic = t.id; writeHash(); drawTabs(); drawCharts(); } }, t.id)));
}

function drawCharts() {
  if (!state.topic) return;
  const params = { topic: state.topic, known_at: knownIso(), day: toIso(state.day) };
  image($("chart-topic"), "api/charts/topic", params);
  links($("chart-topic-links"), "api/charts/topic", params);
  const topic = story.topics.find((t) => t.id === state.topic);
  $("chart-topic-caption").textContent = topic ? topic.description : "";
  $("compare-figure").hidden = state.known === null;
  if (state.known !== null) {
    image($("chart-compare"), "api/charts/compare", params);
    links($("chart-compare-links"), "api/charts/compare", params);
  }
  drawRelations();
}

function drawRelations() {
  if (!state.a || !state.b || state.a === state.b) return;
  const params = { a: state.a, b: state.b, by: state.by, known_at: knownIso() };
  image($("chart-relations"), "api/charts/relations", params);
  links($("chart-relations-links"), "api/charts/relations", params);
}

const chartsLater = debounce(drawCharts, 300);

// -- wiring -----------------------------------------------------------------------

let lastKnown;

function changed() {
  showControls();
  writeHash();
  refreshPositions();
  refreshAxis(lastKnown !== state.known);
  lastKnown = state.known;
  refreshExplain();
  chartsLater();
}

function busiestPair(actors) {
  // The two countries (top-level actors) that appear together in the most developments.
  const known = new Set(actors.map((a) => a.id.split(".")[0]));
  const counts = new Map();
  for (const d of story.all) {
    const ids = [...d.actors, ...d.targets, ...d.claims.map((c) => c.actor)].map((id) => id.split(".")[0]);
    const tops = [...new Set(ids)].filter((id) => known.has(id)).sort();
    for (let i = 0; i < tops.length; i += 1) {
      for (let j = i + 1; j < tops.length; j += 1) {
        const key = `${tops[i]}|${tops[j]}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
    }
  }
  const best = [...counts].sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]))[0];
  if (best) return best[0].split("|");
  return [story.actors[0]?.id ?? null, story.actors[1]?.id ?? null];
}

async function start() {
  const info = await getJson("story", "api/story");
  document.title = `${info.title} — timeline`;
  $("title").textContent = info.title;
  $("dek").textContent = `${info.developments} developments · ${info.actors.length} actors · ${info.topics.length} topics. Each actor's position on each topic, as of a day, as known on a day.`;
  story.actors = info.actors; story.topics = info.topics;
  story.names = new Map(info.actors.map((a) => [a.id, a.name]));
  // A page, not the whole story: a store of a million developments would send hundreds of MB.
  const listed = await getJson("all", "api/developments", { limit: AXIS_MOST });
  story.all = listed.developments; story.knownMore = listed.next !== null;
  story.known = story.all;
  const today = toNumber(new Date().toISOString().slice(0, 10));
  story.first = info.first_day ? toNumber(info.first_day) : null;
  story.last = info.last_day ? toNumber(info.last_day) : null;
  const first = story.first ?? today - 365;
  const last = story.last ?? today;
  const pad = Math.max(31, Math.round((last - first) / 20));
  story.lo = first - pad; story.hi = last + pad;
  story.firstReported = info.first_reported ? toNumber(info.first_reported) : null;
  const kFirst = story.firstReported ?? today - 30;
  const kLast = info.last_reported ? toNumber(info.last_reported) : today;
  story.kLo = Math.min(kFirst - 60, story.lo); story.kHi = Math.max(kLast + 1, kFirst + 1);
  Object.assign($("day"), { min: story.lo, max: story.hi });
  Object.assign($("known"), { min: story.kLo, max: story.kHi });
  setTicks($("day-ticks"), info.story_days);
  setTicks($("known-ticks"), info.knowledge_days);
  state.day = story.last ?? today;
  readHash();
  state.day = Math.max(story.lo, Math.min(story.hi, state.day));
  const { actors, topics } = claimed();
  state.topic = topics.some((t) => t.id === state.topic) ? state.topic : topics[0]?.id ?? null;
  for (const select of ["rel-a", "rel-b"]) {
    $(select).replaceChildren(...story.actors.map((a) => el("option", { value: a.id }, a.name)));
  }
  const [a, b] = busiestPair(actors);
  state.a = state.a ?? a; state.b = state.b ?? b;
  if (state.a) $("rel-a").value = state.a;
  if (state.b) $("rel-b").value = state.b;
  $("rel-by").value = state.by;
  bindControls();
  window.addEventListener("resize", debounce(() => refreshAxis(false), 150));
  drawTabs();
  lastKnown = undefined;
  changed();
  drawCharts();
  document.body.dataset.ready = "1";
}

start().catch((error) => {
  $("summary").textContent = `Could not load the story: ${error.message}`;
});
