/**
What `pulumi up` would change to make the live routing match a routing file, computed from the file and the live
state alone (no Pulumi state): the resolved routing (resolve.ts, batched reads) compared with the same functions the
resources' diff uses (provider/changes.ts, provider/carrierx/fields.ts), and each change's request built by the same
client method that sends it. The DIDs' and memberships' changes are here; the declared trunks' and groups' in
plan-declarations.ts; the output in plan-format.ts.
*/
import type { CarrierxClient } from "../provider/carrierx/client";
import { didRoutingDiffers, membersDiffer, trunkGroupSidDiffers } from "../provider/changes";
import type { DidRouting, DidwwClient } from "../provider/didww/client";
import { idOf, namedTarget, onWire, waitsFor, type DidRoute, type EntryKind, type Plan, type PlanClients, type PlanContext } from "./plan-change";
import { CARRIERX_GROUP, CARRIERX_TRUNK, DIDWW_GROUP, DIDWW_TRUNK } from "./plan-declarations";
import type { ResolvedCarrierxDid, ResolvedDidwwDid, ResolvedDidwwGroup, ResolvedRouting } from "./resolve";

export type { Attributes, ChangeKind, DidRoute, Members, Named, Plan, PlanClients, PlannedChange } from "./plan-change";
export { formatPlan, type PlanFormat } from "./plan-format";

export function planRouting(routing: ResolvedRouting, clients: PlanClients, secrets: ReadonlyMap<string, string> = new Map()): Plan {
  const plan: Plan = { changes: [], unchanged: 0 };
  // Each client is asked for once, and only when its API has a change to show (settings are read on each call).
  let didwwClient: DidwwClient | undefined;
  let carrierxClient: CarrierxClient | undefined;
  const context: PlanContext = {
    clients: { didww: () => (didwwClient ??= clients.didww()), carrierx: () => (carrierxClient ??= clients.carrierx()) },
    routing,
    secrets,
  };
  const add = <R extends { entry: { at: { line: number } } }>(kind: EntryKind<R>, entries: readonly R[]) => {
    for (const resolved of entries) {
      const change = kind.change(resolved, context);
      if (change === undefined) plan.unchanged += 1;
      else plan.changes.push({ system: kind.system, kind: kind.kind, ...change, line: resolved.entry.at.line });
    }
  };
  add(DIDWW_TRUNK, routing.didww.trunks);
  add(DIDWW_GROUP, routing.didww.declaredGroups);
  add(DIDWW_MEMBERSHIP, routing.didww.trunkGroups);
  add(DIDWW_DID, routing.didww.dids);
  add(CARRIERX_GROUP, routing.carrierx.trunkGroups);
  for (const group of routing.carrierx.trunkGroups) add(CARRIERX_TRUNK, group.trunks.map((trunk) => ({ ...trunk, group })));
  add(CARRIERX_DID, routing.carrierx.dids);
  plan.changes.sort((a, b) => a.line - b.line);
  return plan;
}

const DIDWW_DID: EntryKind<ResolvedDidwwDid> = {
  system: "DIDWW",
  kind: "DidTrunkAssignment",
  change({ live, want }, { clients, routing }) {
    const what = want.kind === "trunk" ? "DIDWW trunk" : "DIDWW trunk group";
    const id = idOf(want.target, what);
    const routingWanted: DidRouting = want.kind === "trunk" ? { trunkId: id, trunkGroupId: null } : { trunkId: null, trunkGroupId: id };
    if (want.target.id !== null && !didRoutingDiffers(live, routingWanted)) return undefined;
    const names = want.kind === "trunk" ? routing.didww.trunkNames : routing.didww.groupNames;
    return {
      action: "update",
      target: { number: `+${live.number}`, id: live.id },
      from: didwwRoute(live, routing.didww),
      to: want.kind === "trunk" ? { trunk: namedTarget(want.target, names) } : { trunkGroup: namedTarget(want.target, names) },
      request: onWire(clients.didww(), (client) => client.didRoutingRequest(live.id, routingWanted)),
      ...waitsFor([want.target], what),
    };
  },
};

const DIDWW_MEMBERSHIP: EntryKind<ResolvedDidwwGroup> = {
  system: "DIDWW",
  kind: "TrunkGroupMembership",
  change({ live, want }, { clients, routing }) {
    const ids = want.map((target) => idOf(target, "DIDWW trunk"));
    if (want.every((target) => target.id !== null) && !membersDiffer(live.trunkIds, ids)) return undefined;
    const { trunkNames } = routing.didww;
    return {
      action: "update",
      target: { name: live.name, id: live.id },
      from: { trunks: live.trunkIds.map((id) => ({ id, name: trunkNames.get(id) ?? null })) },
      to: { trunks: want.map((target) => namedTarget(target, trunkNames)) },
      request: onWire(clients.didww(), (client) => client.trunkGroupTrunksRequest(live.id, ids)),
      ...waitsFor(want, "DIDWW trunk"),
    };
  },
};

const CARRIERX_DID: EntryKind<ResolvedCarrierxDid> = {
  system: "CarrierX",
  kind: "DidTrunkGroupAssignment",
  change({ live, want }, { clients, routing }) {
    const sid = idOf(want, "CarrierX trunk group");
    if (want.id !== null && !trunkGroupSidDiffers(live.trunkGroupSid, sid)) return undefined;
    const { groupNames } = routing.carrierx;
    return {
      action: "update",
      target: { number: `+${live.phonenumber}`, id: live.didSid },
      from: live.trunkGroupSid === null ? null : { trunkGroup: { id: live.trunkGroupSid, name: groupNames.get(live.trunkGroupSid) ?? null } },
      to: { trunkGroup: namedTarget(want, groupNames) },
      request: onWire(clients.carrierx(), (client) => client.didTrunkGroupRequest(live.didSid, sid)),
      ...waitsFor([want], "CarrierX trunk group"),
    };
  },
};

function didwwRoute(routing: DidRouting, { trunkNames, groupNames }: ResolvedRouting["didww"]): DidRoute {
  if (routing.trunkId !== null) return { trunk: { id: routing.trunkId, name: trunkNames.get(routing.trunkId) ?? null } };
  if (routing.trunkGroupId === null) return null;
  return { trunkGroup: { id: routing.trunkGroupId, name: groupNames.get(routing.trunkGroupId) ?? null } };
}

