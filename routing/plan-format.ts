/** A plan as `didroute plan` prints it: for a terminal, for a pull-request comment (Markdown), or as JSON. */
import type { Attributes, DidRoute, Members, Named, Plan, PlannedChange } from "./plan-change";

export type PlanFormat = "text" | "markdown" | "json";

/** The plan as `didroute plan` prints it; `fileName` is the routing file as the user named it. */
export function formatPlan(plan: Plan, fileName: string, format: PlanFormat): string {
  switch (format) {
    case "json":
      return `${JSON.stringify({ file: fileName, inSync: plan.changes.length === 0, unchanged: plan.unchanged, changes: plan.changes }, null, 2)}\n`;
    case "markdown":
      return markdown(plan, fileName);
    case "text":
      return text(plan, fileName);
  }
}

function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function summary(plan: Plan): string {
  return plan.changes.length === 0
    ? `in sync (${count(plan.unchanged, "entry", "entries")} match the live routing)`
    : `${count(plan.changes.length, "change")}, ${plan.unchanged} in sync`;
}

const NOUNS: Record<PlannedChange["kind"], string> = {
  DidTrunkAssignment: "DID",
  DidTrunkGroupAssignment: "DID",
  TrunkGroupMembership: "trunk group",
  VoiceInTrunkGroup: "trunk group",
  TrunkGroup: "trunk group",
  VoiceInTrunk: "trunk",
  Trunk: "trunk",
};

/** What a change is about, its name in `quote`: "DIDWW DID +1609…", "DIDWW trunk group eu-primary", "CarrierX trunk a in trunk group b". */
function subject(change: PlannedChange, quote: (name: string) => string = (name) => name): string {
  const { target } = change;
  const name = "number" in target ? target.number : target.name;
  const group = "trunkGroup" in target && target.trunkGroup !== undefined ? ` in trunk group ${quote(nameOf(target.trunkGroup))}` : "";
  return `${change.system} ${NOUNS[change.kind]} ${quote(name)}${group}`;
}

/** How a change reads at the start of its text block, as in Terraform's plans. */
const SIGNS: Record<PlannedChange["action"], string> = { create: "+", update: "~", replace: "-/+" };

function nameOf(item: Named): string {
  return item.name ?? item.id ?? "?";
}

/**
`sip.port=5060, sip.authPassword=[secret]`: attributes as a person reads them, each one in `quote` (code in Markdown,
which also keeps a "|" in a value out of the table's cells); a group's members by name, the mask unquoted.
*/
function describeAttributes({ attributes }: Attributes, quote: (name: string) => string): string {
  const value = (item: unknown): string => {
    if (Array.isArray(item) && item.every((member) => typeof member === "object" && member !== null && "id" in member)) {
      return `[${(item as Named[]).map(nameOf).join(", ")}]`;
    }
    return item === "[secret]" ? item : JSON.stringify(item);
  };
  return Object.entries(attributes).map(([path, item]) => quote(`${path}=${value(item)}`)).join(", ");
}

/** A route, a member list or attributes as a person reads them; `quote` marks names (backticks in Markdown). */
function describe(state: DidRoute | Members | Attributes | null, quote: (name: string) => string = (name) => name): string {
  if (state === null) return "nothing";
  if ("attributes" in state) return describeAttributes(state, quote);
  if ("trunks" in state) return state.trunks.length === 0 ? "no trunks" : state.trunks.map((t) => quote(nameOf(t))).join(", ");
  return "trunk" in state ? `trunk ${quote(nameOf(state.trunk))}` : `trunk group ${quote(nameOf(state.trunkGroup))}`;
}

/** `PATCH /v3/dids/… {…}`, or for a replacement the DELETE first. */
function requests(change: PlannedChange): string {
  const { request, deletes } = change;
  const sent = `${request.method} ${request.path} ${JSON.stringify(request.body)}`;
  return deletes === undefined ? sent : `${deletes.method} ${deletes.path}, then ${sent}`;
}

function text(plan: Plan, fileName: string): string {
  const lines = [`${fileName}: ${summary(plan)}`];
  for (const change of plan.changes) {
    lines.push(
      "",
      `${SIGNS[change.action]} ${subject(change)} (${fileName}:${change.line})`,
      `    now:   ${describe(change.from)}`,
      `    wants: ${describe(change.to)}`,
      ...(change.waitsFor === undefined ? [] : [`    after: ${change.waitsFor.join(", ")} (created first)`]),
      `    sends: ${requests(change)}`,
    );
  }
  return `${lines.join("\n")}\n`;
}

/** Inline code that survives any name: a fence longer than the longest backtick run inside, pipes escaped for tables. */
function code(value: string): string {
  const longest = Math.max(0, ...[...value.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  const padded = value.startsWith("`") || value.endsWith("`") ? ` ${value} ` : value;
  return `${fence}${padded}${fence}`.replaceAll("|", "\\|");
}

/**
GitHub refuses comments over 65,536 characters: past this many, the table and the requests stop, with a line that
says how many were left out. A thousand drifted numbers still give a comment that posts.
*/
const MARKDOWN_BUDGET = 60_000;

function markdown(plan: Plan, fileName: string): string {
  if (plan.changes.length === 0) {
    return `### didroute plan: in sync\n\n${code(fileName)}: all ${count(plan.unchanged, "entry", "entries")} match the live routing; \`pulumi up\` changes no routing.\n`;
  }
  const head = [
    `### didroute plan: ${count(plan.changes.length, "change")}`,
    "",
    `${code(fileName)}: ${summary(plan)}. \`pulumi up\` will send the requests below.`,
    "",
  ];
  const rows = plan.changes.map(
    (change) => `| ${subject(change, code)} | ${describe(change.from, code)} | ${describe(change.to, code)} | ${change.line} |`,
  );
  const requestBlocks = plan.changes.map((change) =>
    [
      `${subject(change)}: ${code(`${change.request.method} ${change.request.path}`)}` +
        (change.deletes === undefined ? "" : `, after ${code(`${change.deletes.method} ${change.deletes.path}`)}`),
      "```json",
      JSON.stringify(change.request.body),
      "```",
      "",
    ].join("\n"),
  );
  // Three quarters of the budget for the table, the rest for the requests, each cut at a whole entry.
  const shownRows = fit(rows, (MARKDOWN_BUDGET * 3) / 4);
  const shownRequests = fit(requestBlocks, MARKDOWN_BUDGET - shownRows.join("\n").length);
  const leftOut = (shown: number, what: string) =>
    shown < plan.changes.length
      ? [`${plan.changes.length - shown} more ${what} not shown: \`didroute plan --format json\` lists every one.`, ""]
      : [];
  return [
    ...head,
    "| Change | Now | Wants | Line |",
    "| --- | --- | --- | --- |",
    ...shownRows,
    "",
    ...leftOut(shownRows.length, "changes"),
    `<details><summary>${count(plan.changes.length, "request")}</summary>`,
    "",
    ...shownRequests,
    ...leftOut(shownRequests.length, "requests"),
    "</details>",
    "",
  ].join("\n");
}

/** The leading items whose total length stays within `budget` characters. */
function fit(items: readonly string[], budget: number): string[] {
  const shown: string[] = [];
  let used = 0;
  for (const item of items) {
    used += item.length + 1;
    if (used > budget) break;
    shown.push(item);
  }
  return shown;
}
