/**
What the CarrierX sandbox holds: trunk groups with the trunks inside them, and DIDs as the objects CarrierX returns.
The rules between them hold after seeding, every write and every hand change: a DID is routed to at most one trunk
group, one that exists; a trunk lives in exactly one group (it is stored inside it, as CarrierX addresses it under
its group's URL), and its sid is unique across groups.
*/

import { randomUUID } from "node:crypto";
import { applyBody, defaults, GROUP_FIELDS, TRUNK_FIELDS, type CarrierxObject } from "./objects";

const PARTNER_SID = "e00430c3-a7d0-4666-ab5c-f7202448382f";

export interface CarrierxSeed {
  /** Groups, each with the trunks it starts with (by default none). */
  trunkGroups?: { sid: string; name: string; trunks?: { sid: string; name: string }[] }[];
  dids?: { sid: string; phonenumber: string; trunkGroupSid?: string | null }[];
}

/** A DID object as CarrierX returns it (reference §3.7). */
export type CarrierxDid = Record<string, unknown> & {
  did_sid: string;
  phonenumber: string;
  trunk_group_sid: string | null;
};

/** A trunk group: its object as CarrierX returns it (without `trunks`), and its trunks by sid. */
export interface GroupRecord {
  object: CarrierxObject & { trunk_group_sid: string; name: string };
  trunks: Map<string, CarrierxObject & { trunk_sid: string; name: string }>;
}

export interface State {
  dids: Map<string, CarrierxDid>;
  groups: Map<string, GroupRecord>;
}

export function seedState(seed: CarrierxSeed): State {
  const state: State = { dids: new Map(), groups: new Map() };
  for (const group of seed.trunkGroups ?? []) {
    if (state.groups.has(group.sid)) throw new Error(`seed trunk group ${group.sid} is listed twice in the CarrierX sandbox`);
    const record = addGroup(state, group.sid, { name: group.name });
    for (const trunk of group.trunks ?? []) {
      if (trunkRecord(state, trunk.sid) !== undefined) {
        throw new Error(`seed trunk ${trunk.sid} is listed twice in the CarrierX sandbox (a trunk is in one group)`);
      }
      addTrunk(record, trunk.sid, { name: trunk.name });
    }
  }
  for (const did of seed.dids ?? []) {
    const group = did.trunkGroupSid ?? null;
    if (group !== null && !state.groups.has(group)) {
      throw new Error(`seed DID ${did.sid}: unknown trunk group ${group} in the CarrierX sandbox`);
    }
    state.dids.set(did.sid, didObject(did.sid, did.phonenumber, group));
  }
  return state;
}

/** A new group with CarrierX's defaults and the fields of `body` (checked; see objects.ts). */
export function addGroup(state: State, sid: string, body: unknown): GroupRecord {
  const object = defaults(GROUP_FIELDS, { partner_sid: PARTNER_SID, trunk_group_sid: sid });
  applyBody(object, body, GROUP_FIELDS, "patch", ["trunks"]);
  const record = { object, trunks: new Map() } as GroupRecord;
  state.groups.set(sid, record);
  return record;
}

/** A new trunk inside `group`, with CarrierX's defaults and the fields of `body`. */
export function addTrunk(group: GroupRecord, sid: string, body: unknown): CarrierxObject {
  const trunk = defaults(TRUNK_FIELDS, { trunk_sid: sid }) as CarrierxObject & { trunk_sid: string; name: string };
  applyBody(trunk, body, TRUNK_FIELDS, "patch");
  group.trunks.set(sid, trunk);
  return trunk;
}

/** A sid no trunk group or trunk has yet. */
export function newSid(state: State): string {
  for (;;) {
    const sid = randomUUID();
    if (!state.groups.has(sid) && trunkRecord(state, sid) === undefined) return sid;
  }
}

/** The trunk with this sid and the group it lives in, wherever it is. */
export function trunkRecord(state: State, sid: string): { group: GroupRecord; trunk: CarrierxObject } | undefined {
  for (const group of state.groups.values()) {
    const trunk = group.trunks.get(sid);
    if (trunk !== undefined) return { group, trunk };
  }
  return undefined;
}

/** The DIDs routed to a group, in list order. */
export function didsOfGroup(state: State, groupSid: string): CarrierxDid[] {
  return sortedDids(state).filter((did) => did.trunk_group_sid === groupSid);
}

/** A routing change made outside the API ("drift"); the DID and the group must exist. */
export function routeDid(state: State, sid: string, trunkGroupSid: string | null): void {
  const did = state.dids.get(sid);
  if (did === undefined) throw new Error(`unknown DID ${sid} in the CarrierX sandbox`);
  if (trunkGroupSid !== null && !state.groups.has(trunkGroupSid)) {
    throw new Error(`unknown trunk group ${trunkGroupSid} in the CarrierX sandbox`);
  }
  did.trunk_group_sid = trunkGroupSid;
}

export function removeDid(state: State, sid: string): void {
  if (!state.dids.delete(sid)) throw new Error(`unknown DID ${sid} in the CarrierX sandbox`);
}

/** A group's fields changed by hand in the portal ("drift"), checked as CarrierX checks an update. */
export function editGroup(state: State, sid: string, fields: CarrierxObject): void {
  applyBody(requireGroup(state, sid).object, fields, GROUP_FIELDS, "patch");
}

/** A trunk's fields changed by hand in the portal ("drift"). */
export function editTrunk(state: State, sid: string, fields: CarrierxObject): void {
  const found = trunkRecord(state, sid);
  if (found === undefined) throw new Error(`unknown trunk ${sid} in the CarrierX sandbox`);
  applyBody(found.trunk, fields, TRUNK_FIELDS, "patch");
}

/** What still uses a group, so that it cannot be deleted: the DIDs routed to it and the trunks inside it. */
export function usersOf(state: State, sid: string): { dids: CarrierxDid[]; trunks: CarrierxObject[] } {
  return { dids: didsOfGroup(state, sid), trunks: sortedTrunks(requireGroup(state, sid)) };
}

/** A group deleted by hand; refused, as the API refuses it, while DIDs or trunks use it. */
export function removeGroup(state: State, sid: string): void {
  const users = usersOf(state, sid);
  if (users.dids.length > 0 || users.trunks.length > 0) {
    throw new Error(`trunk group ${sid} is still used: DIDs ${users.dids.length}, trunks ${users.trunks.length}`);
  }
  state.groups.delete(sid);
}

export function removeTrunk(state: State, sid: string): void {
  const found = trunkRecord(state, sid);
  if (found === undefined) throw new Error(`unknown trunk ${sid} in the CarrierX sandbox`);
  found.group.trunks.delete(sid);
}

export function requireGroup(state: State, sid: string): GroupRecord {
  const group = state.groups.get(sid);
  if (group === undefined) throw new Error(`unknown trunk group ${sid} in the CarrierX sandbox`);
  return group;
}

/**
Every field of the documented sample. The sandbox models the sid, the number and the trunk group; the number's
formats are derived plainly, and every other field keeps the sample's (US DID) value.
*/
function didObject(sid: string, phonenumber: string, trunkGroupSid: string | null): CarrierxDid {
  return {
    active_capabilities: 4, attributes: {}, callback_url: null, campaign_sid: null, capabilities: 7,
    classification_sid: "17f4d954-d635-4cda-912b-c2a2fa3a6860", country_code: "USA", did_group_sid: null,
    did_sid: sid, in_country_format: phonenumber, international_format: `+${phonenumber}`, lata: null,
    locality: "NEW YORK", lrn_sid: null, name: "N/A", ocn: "251F", partner_sid: PARTNER_SID, phonenumber,
    porting_pin: null, price: "0.6", state: "NY", status: "assigned", string_key_1: null, string_key_2: null,
    transformations: [], trunk_group_sid: trunkGroupSid,
  };
}

/** The group as CarrierX answers it: `trunks` only when asked for (`with_trunks=true`). */
export function groupObject(group: GroupRecord, withTrunks = false): CarrierxObject {
  const object = structuredClone(group.object);
  return withTrunks ? { ...object, trunks: sortedTrunks(group).map((trunk) => structuredClone(trunk)) } : object;
}

export function sortedDids(state: State): CarrierxDid[] {
  return [...state.dids.values()].sort((a, b) => compare(a.phonenumber, b.phonenumber) || compare(a.did_sid, b.did_sid));
}

export function sortedGroups(state: State): GroupRecord[] {
  const key = (group: GroupRecord) => group.object;
  return [...state.groups.values()].sort(
    (a, b) => compare(key(a).name, key(b).name) || compare(key(a).trunk_group_sid, key(b).trunk_group_sid),
  );
}

export function sortedTrunks(group: GroupRecord): CarrierxObject[] {
  return [...group.trunks.values()].sort((a, b) => compare(a.name, b.name) || compare(a.trunk_sid, b.trunk_sid));
}

/** Code-unit order, so the order never depends on the machine's locale. */
const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
