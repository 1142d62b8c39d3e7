/**
What `pulumi up` would change to make the live routing match a routing file, computed from the file and the live
state alone (no Pulumi state): the resolved routing (resolve.ts, batched reads) compared with the same functions the
resources' diff uses (provider/changes.ts), and each change's request built by the same client method that sends it.
*/
import type { CarrierxClient } from "../provider/carrierx/client";
import { didRoutingDiffers, membersDiffer, trunkGroupSidDiffers } from "../provider/changes";
import type { DidRouting, DidwwClient } from "../provider/didww/client";
import type { HttpRequest } from "../provider/http";
import type { ResolvedCarrierxDid, ResolvedDidwwDid, ResolvedDidwwGroup, ResolvedRouting } from "./resolve";

/** A trunk or trunk group: its id, and its name when a lookup of this run returned it. */
export interface Named {
  id: string;
  name: string | null;
}

/** Where a DID rings: a DIDWW DID routes to a trunk or a trunk group, a CarrierX DID to a trunk group; null: nowhere. */
export type DidRoute = { trunk: Named } | { trunkGroup: Named } | null;

export interface Members {
  trunks: Named[];
}

export interface PlannedChange {
  system: "DIDWW" | "CarrierX";
  /** The resource type `routing.fromFile` declares for the entry. */
  kind: "DidTrunkAssignment" | "TrunkGroupMembership" | "DidTrunkGroupAssignment";
  /** A DID by number (E.164 with "+") and id (DIDWW id, CarrierX sid), or a trunk group by name and id. */
  target: { number: string; id: string } | { name: string; id: string };
  from: DidRoute | Members;
  to: DidRoute | Members;
  /** The request `pulumi up` sends, path as on the wire (with the endpoint's path, e.g. /v3/dids/…). */
  request: { method: "PATCH"; path: string; body: unknown };
  /** The routing file's line that declares the entry. */
  line: number;
}

export interface Plan {
  /** In file order (DIDWW DIDs, DIDWW trunk groups, CarrierX DIDs). */
  changes: PlannedChange[];
  /** Entries whose live routing already matches the file. */
  unchanged: number;
}

export interface PlanClients {
  didww: () => DidwwClient;
  carrierx: () => CarrierxClient;
}

export function planRouting(routing: ResolvedRouting, clients: PlanClients): Plan {
  const plan: Plan = { changes: [], unchanged: 0 };
  // Each client is asked for once, and only when its API has a change to show (settings are read on each call).
  let didwwClient: DidwwClient | undefined;
  let carrierxClient: CarrierxClient | undefined;
  const once: PlanClients = {
    didww: () => (didwwClient ??= clients.didww()),
    carrierx: () => (carrierxClient ??= clients.carrierx()),
  };
  const add = <R extends Resolved>(kind: EntryKind<R>, entries: readonly R[]) => {
    for (const resolved of entries) {
      if (!kind.differs(resolved)) {
        plan.unchanged += 1;
        continue;
      }
      plan.changes.push({
        system: kind.system,
        kind: kind.kind,
        ...kind.show(resolved, routing),
        request: kind.request(resolved, once),
        line: resolved.entry.at.line,
      });
    }
  };
  add(DIDWW_DID, routing.didww.dids);
  add(DIDWW_GROUP, routing.didww.trunkGroups);
  add(CARRIERX_DID, routing.carrierx.dids);
  return plan;
}

type Resolved = { entry: { at: { line: number } } };

/** What sets one kind of entry apart; planRouting does the rest the same way for all three. */
interface EntryKind<R extends Resolved> {
  system: PlannedChange["system"];
  kind: PlannedChange["kind"];
  /** The comparison the resource's diff makes (provider/changes.ts). */
  differs(resolved: R): boolean;
  /** What is routed, how now and how the file wants it, with the names this run's lookups returned. */
  show(resolved: R, routing: ResolvedRouting): Pick<PlannedChange, "target" | "from" | "to">;
  /** Built by the client method that sends it. */
  request(resolved: R, clients: PlanClients): PlannedChange["request"];
}

const DIDWW_DID: EntryKind<ResolvedDidwwDid> = {
  system: "DIDWW",
  kind: "DidTrunkAssignment",
  differs: ({ live, want }) => didRoutingDiffers(live, want),
  show: ({ live, want }, { didww }) => ({
    target: { number: `+${live.number}`, id: live.id },
    from: didwwRoute(live, didww),
    to: didwwRoute(want, didww),
  }),
  request: ({ live, want }, clients) => onWire(clients.didww(), (client) => client.didRoutingRequest(live.id, want)),
};

const DIDWW_GROUP: EntryKind<ResolvedDidwwGroup> = {
  system: "DIDWW",
  kind: "TrunkGroupMembership",
  differs: ({ live, wantTrunkIds }) => membersDiffer(live.trunkIds, wantTrunkIds),
  show: ({ live, wantTrunkIds }, { didww }) => ({
    target: { name: live.name, id: live.id },
    from: { trunks: live.trunkIds.map((id) => named(didww.trunkNames, id)) },
    to: { trunks: wantTrunkIds.map((id) => named(didww.trunkNames, id)) },
  }),
  request: ({ live, wantTrunkIds }, clients) =>
    onWire(clients.didww(), (client) => client.trunkGroupTrunksRequest(live.id, wantTrunkIds)),
};

const CARRIERX_DID: EntryKind<ResolvedCarrierxDid> = {
  system: "CarrierX",
  kind: "DidTrunkGroupAssignment",
  differs: ({ live, wantTrunkGroupSid }) => trunkGroupSidDiffers(live.trunkGroupSid, wantTrunkGroupSid),
  show: ({ live, wantTrunkGroupSid }, { carrierx }) => ({
    target: { number: `+${live.phonenumber}`, id: live.didSid },
    from: carrierxRoute(live.trunkGroupSid, carrierx.groupNames),
    to: carrierxRoute(wantTrunkGroupSid, carrierx.groupNames),
  }),
  request: ({ live, wantTrunkGroupSid }, clients) =>
    onWire(clients.carrierx(), (client) => client.didTrunkGroupRequest(live.didSid, wantTrunkGroupSid)),
};

function named(names: ReadonlyMap<string, string>, id: string): Named {
  return { id, name: names.get(id) ?? null };
}

function didwwRoute(routing: DidRouting, { trunkNames, groupNames }: ResolvedRouting["didww"]): DidRoute {
  if (routing.trunkId !== null) return { trunk: named(trunkNames, routing.trunkId) };
  return routing.trunkGroupId !== null ? { trunkGroup: named(groupNames, routing.trunkGroupId) } : null;
}

function carrierxRoute(trunkGroupSid: string | null, groupNames: ReadonlyMap<string, string>): DidRoute {
  return trunkGroupSid === null ? null : { trunkGroup: named(groupNames, trunkGroupSid) };
}

/** The request as it leaves: the endpoint's own path (e.g. /v3) in front of the client's path. */
function onWire<C extends { basePath: string }>(
  client: C,
  build: (client: C) => HttpRequest & { method: "PATCH" },
): PlannedChange["request"] {
  const request = build(client);
  return { method: request.method, path: `${client.basePath}/${request.path}`, body: request.body };
}

// --- Output --------------------------------------------------------------------------------------------------------

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

/** "DIDWW DID +1609…", "DIDWW trunk group eu-primary", "CarrierX DID +1516…". */
function subject(change: PlannedChange): string {
  return "number" in change.target
    ? `${change.system} DID ${change.target.number}`
    : `${change.system} trunk group ${change.target.name}`;
}

function nameOf(item: Named): string {
  return item.name ?? item.id;
}

/** A route or a member list as a person reads it; `quote` marks names (backticks in Markdown). */
function describeRouting(routing: DidRoute | Members, quote: (name: string) => string = (name) => name): string {
  if (routing === null) return "nothing";
  if ("trunks" in routing) {
    return routing.trunks.length === 0 ? "no trunks" : routing.trunks.map((t) => quote(nameOf(t))).join(", ");
  }
  return "trunk" in routing ? `trunk ${quote(nameOf(routing.trunk))}` : `trunk group ${quote(nameOf(routing.trunkGroup))}`;
}

function text(plan: Plan, fileName: string): string {
  const lines = [`${fileName}: ${summary(plan)}`];
  for (const change of plan.changes) {
    lines.push(
      "",
      `~ ${subject(change)} (${fileName}:${change.line})`,
      `    now:   ${describeRouting(change.from)}`,
      `    wants: ${describeRouting(change.to)}`,
      `    sends: ${change.request.method} ${change.request.path} ${JSON.stringify(change.request.body)}`,
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
    `${code(fileName)}: ${summary(plan)}. \`pulumi up\` will send one request per change.`,
    "",
  ];
  const rows = plan.changes.map((change) => {
    const target = "number" in change.target ? change.target.number : change.target.name;
    const what = `${change.system} ${"number" in change.target ? "DID" : "trunk group"} ${code(target)}`;
    return `| ${what} | ${describeRouting(change.from, code)} | ${describeRouting(change.to, code)} | ${change.line} |`;
  });
  const requests = plan.changes.map((change) =>
    [
      `${subject(change)}: ${code(`${change.request.method} ${change.request.path}`)}`,
      "```json",
      JSON.stringify(change.request.body),
      "```",
      "",
    ].join("\n"),
  );
  // Three quarters of the budget for the table, the rest for the requests, each cut at a whole entry.
  const shownRows = fit(rows, (MARKDOWN_BUDGET * 3) / 4);
  const shownRequests = fit(requests, MARKDOWN_BUDGET - shownRows.join("\n").length);
  const leftOut = (shown: number, what: string) =>
    shown < plan.changes.length
      ? [`${plan.changes.length - shown} more ${what} not shown: \`didroute plan --format json\` lists every one.`, ""]
      : [];
  return [
    ...head,
    "| Routing of | Now | Wants | Line |",
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
