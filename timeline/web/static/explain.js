// The side panel: why a position holds (the rule, the claims and how each fared),
// or what one development says.
import { el, fmtDay, fmtWhen } from "./util.js";

const STATUS = {
  winner: "Sets the position",
  supporting: "Same stance, earlier in the run",
  beaten: "Overtaken",
  outranked: "Outranked by a preferred claim",
  deprecated: "Ranked deprecated",
  uncertain: "Only possibly occurred",
  unknown: "Not yet reported",
  retracted: "Retracted",
};

function source(s) {
  const parts = [s.publisher, s.reliability, s.attribution].filter(Boolean).join(" · ");
  return el("p", { class: "source" }, "Source: ", parts,
    s.url ? [" · ", el("a", { href: s.url, rel: "noopener noreferrer", target: "_blank" }, "link")] : null);
}

/** A development's further reports, each with its day and whether it repeats another outlet. */
function reports(d) {
  if (!d.reports || !d.reports.length) return null;
  return d.reports.map((r) => el("p", { class: "source" }, "Also reported: ",
    [r.publisher, r.published ? fmtWhen({ text: r.published, earliest: r.published, latest: r.published }) : null, r.repeats ? `repeating ${r.repeats}` : null]
      .filter(Boolean).join(" · "),
    r.url ? [" · ", el("a", { href: r.url, rel: "noopener noreferrer", target: "_blank" }, "link")] : null));
}

function dates(d) {
  const written = d.occurred_as_written ? ` (“${d.occurred_as_written}”)` : "";
  return el("p", { class: "dates" },
    `Occurred ${fmtWhen(d.occurred)}${written} · reported ${fmtWhen(d.reported)} · ${d.kind}`);
}

function closeButton(onClose) {
  return el("button", { type: "button", class: "link close", onclick: onClose }, "close");
}

function claimItem(c) {
  return el("li", { class: `claim ${c.status}`, "data-status": c.status, "data-development": c.development.id },
    el("div", { class: "status" }, `${STATUS[c.status] ?? c.status} · ${c.stance}`),
    el("p", { class: "summary-text" }, c.development.summary),
    c.quote ? el("blockquote", {}, `“${c.quote}”`) : null,
    source(c.development.source),
    reports(c.development),
    dates(c.development),
    el("p", { class: "reason" }, `${c.development.id}: ${c.reason}`));
}

/** A button that fetches the page of claims before those shown (`earlier` is its `skip`)
 * with `fetchEarlier(skip)` and puts them at the top of `list`, until the first is shown. */
function earlierButton(list, answer, fetchEarlier) {
  const button = el("button", { type: "button", class: "link more" });
  let earlier = answer.earlier;
  const label = () => { button.textContent = `Show earlier claims (${answer.total - earlier} of ${answer.total} not shown)`; };
  label();
  button.onclick = async () => {
    button.disabled = true;
    try {
      const page = await fetchEarlier(earlier);
      list.prepend(...page.claims.map(claimItem));
      earlier = page.earlier;
      if (earlier === null || earlier === undefined) button.remove(); else label();
    } finally {
      button.disabled = false;
    }
  };
  return button;
}

/** Shows an explanation (the JSON of /api/explain): one page of its claims, the latest,
 * and a button for earlier ones when there are more (fetched by `fetchEarlier(skip)`). */
export function showExplanation(panel, explanation, names, onClose, fetchEarlier) {
  const { position } = explanation;
  const known = explanation.known_at ? `as known at ${fmtDay(explanation.known_at)}` : "as known now";
  panel.dataset.actor = explanation.actor;
  panel.dataset.topic = explanation.topic;
  panel.dataset.kind = "explanation";
  const verdict = position
    ? el("div", { class: "verdict" },
      el("span", { class: `chip-mini s-${position.stance}` }, position.stance),
      el("span", {}, `since ${fmtWhen(position.since)}`),
      position.tentative ? el("span", { class: "chip-mini tentative" }, "tentative") : null)
    : el("div", { class: "verdict" }, el("span", { class: "muted" }, "No position"));
  const claims = explanation.claims.map(claimItem);
  const list = claims.length ? el("ol", {}, claims) : null;
  const more = list && explanation.earlier != null && fetchEarlier
    ? earlierButton(list, explanation, fetchEarlier) : null;
  panel.replaceChildren(
    closeButton(onClose),
    el("h3", {}, `${names.get(explanation.actor) ?? explanation.actor} on ${explanation.topic}`),
    el("p", { class: "when" }, `As of ${fmtDay(explanation.day)}, ${known}`),
    verdict,
    el("p", { class: "rule" }, explanation.rule),
    more,
    list ?? el("p", { class: "muted" }, "No claims bear on this day."),
  );
}

/** Shows one development (a record of /api/developments). */
export function showDevelopment(panel, d, names, onClose) {
  panel.dataset.actor = "";
  panel.dataset.topic = "";
  panel.dataset.kind = "development";
  const who = (ids) => ids.map((id) => names.get(id) ?? id).join(", ");
  panel.replaceChildren(
    closeButton(onClose),
    el("h3", {}, d.id),
    dates(d),
    el("p", {}, d.summary),
    source(d.source),
    reports(d),
    el("p", { class: "dates" }, `Actors: ${who(d.actors)}${d.targets.length ? ` → ${who(d.targets)}` : ""}`),
    d.claims.length
      ? el("ol", {}, d.claims.map((c) =>
        el("li", { class: "claim" },
          el("div", { class: "status" }, `${names.get(c.actor) ?? c.actor} ${c.stance} ${c.topic}`),
          c.quote ? el("blockquote", {}, `“${c.quote}”`) : null)))
      : el("p", { class: "muted" }, "No stance claims."),
  );
}

/** Shows the placeholder. */
export function clearPanel(panel) {
  panel.dataset.actor = "";
  panel.dataset.topic = "";
  panel.dataset.kind = "";
  panel.replaceChildren(el("p", { class: "placeholder" },
    "Click a position to see the developments behind it, their sources and quotes, and the claims it beat."));
}

/** Shows an error in the panel. */
export function showError(panel, message) {
  panel.replaceChildren(el("p", { class: "placeholder" }, `Could not load: ${message}`));
}
