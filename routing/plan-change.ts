/**
A planned change and what every kind of entry is planned with: the shapes plan.ts (routing) and plan-declarations.ts
(declared trunks and groups) fill in, and the helpers both build requests and names with.
*/
import type { CarrierxClient } from "../provider/carrierx/client";
import type { DidwwClient } from "../provider/didww/client";
import type { HttpRequest } from "../provider/http";
import type { ResolvedRouting, Target } from "./resolve";

/** A trunk or trunk group: its id (null: declared in the file and not created yet), and its name when known. */
export interface Named {
  id: string | null;
  name: string | null;
}

/** Where a DID rings: a DIDWW DID routes to a trunk or a trunk group, a CarrierX DID to a trunk group; null: nowhere. */
export type DidRoute = { trunk: Named } | { trunkGroup: Named } | null;

export interface Members {
  trunks: Named[];
}

/**
A declared trunk's or group's attributes by path (`priority`, `sip.port`; a DIDWW group's members as `trunks`): every
one it declares for a create, the differing ones for an update. Secrets are "[secret]".
*/
export interface Attributes {
  attributes: Record<string, unknown>;
}

export type ChangeKind =
  | "DidTrunkAssignment"
  | "TrunkGroupMembership"
  | "DidTrunkGroupAssignment"
  | "VoiceInTrunk"
  | "VoiceInTrunkGroup"
  | "TrunkGroup"
  | "Trunk";

export interface PlannedChange {
  system: "DIDWW" | "CarrierX";
  /** The resource type `routing.fromFile` declares for the entry. */
  kind: ChangeKind;
  /** A replacement (a DIDWW trunk turned from SIP to PSTN or back) deletes the object, then creates it. */
  action: "create" | "update" | "replace";
  /**
  A DID by number (E.164 with "+") and id (DIDWW id, CarrierX sid), or a trunk or group by name and id (null: not
  created yet); a CarrierX trunk also names its group.
  */
  target: { number: string; id: string } | { name: string; id: string | null; trunkGroup?: Named };
  /** What it is now: a route, a group's members, or the attributes that differ; null for nothing (a create). */
  from: DidRoute | Members | Attributes | null;
  to: DidRoute | Members | Attributes;
  /** The request `pulumi up` sends, path as on the wire (with the endpoint's path, e.g. /v3/dids/…). */
  request: { method: "POST" | "PATCH"; path: string; body: unknown };
  /** Sent first by a replacement. */
  deletes?: { method: "DELETE"; path: string };
  /**
  Declared objects that do not exist yet, whose ids the request holds once `pulumi up` has created them (shown as
  "(id of … once created)"): `pulumi up` creates them first.
  */
  waitsFor?: string[];
  /** The routing file's line that declares the entry. */
  line: number;
}

export interface Plan {
  /** In file order. */
  changes: PlannedChange[];
  /** Entries whose live state already matches the file. */
  unchanged: number;
}

export interface PlanClients {
  didww: () => DidwwClient;
  carrierx: () => CarrierxClient;
}

/** What every kind of entry is planned with: the clients, the names the lookups returned, and the secrets' values. */
export interface PlanContext {
  clients: PlanClients;
  routing: ResolvedRouting;
  /** By config key (see secrets.ts); a key missing here compares as unknown, i.e. as a change. */
  secrets: ReadonlyMap<string, string>;
}

/** One kind of entry: its change, or undefined when the live state already matches it. */
export interface EntryKind<R extends { entry: { at: { line: number } } }> {
  system: PlannedChange["system"];
  kind: ChangeKind;
  change(resolved: R, context: PlanContext): Omit<PlannedChange, "system" | "kind" | "line"> | undefined;
}

/** Where an id not known yet goes in a request: what `pulumi up` puts there once it has created the object. */
export function pendingId(what: string): string {
  return `(id of ${what} once created)`;
}

/** A target's id, or the placeholder for a declared object not created yet. */
export function idOf(target: Target, what: string): string {
  return target.id ?? pendingId(`${what} ${target.declared}`);
}

export function namedTarget(target: Target, names: ReadonlyMap<string, string>): Named {
  return { id: target.id, name: target.declared ?? names.get(target.id) ?? null };
}

/** The declared objects among `targets` that do not exist yet, as `waitsFor` names them; absent when none. */
export function waitsFor(targets: readonly Target[], what: string): { waitsFor?: string[] } {
  const pending = targets.filter((target) => target.id === null).map((target) => `${what} ${target.declared}`);
  return pending.length === 0 ? {} : { waitsFor: pending };
}

/** The request as it leaves: the endpoint's own path (e.g. /v3) in front of the client's path. */
export function onWire<C extends { basePath: string }>(
  client: C,
  build: (client: C) => HttpRequest & { method: "POST" | "PATCH" },
): PlannedChange["request"] {
  const request = build(client);
  return { method: request.method, path: pathOnWire(client, request), body: request.body };
}

/** A request's path as sent, its query included (DIDWW's group requests ask for `include=voice_in_trunks`). */
export function pathOnWire(client: { basePath: string }, request: HttpRequest): string {
  const query = new URLSearchParams(request.searchParams ?? {}).toString();
  return `${client.basePath}/${request.path}${query === "" ? "" : `?${query}`}`;
}
