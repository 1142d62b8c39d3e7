/**
What the CarrierX sandbox holds: trunk groups, and DIDs as the objects CarrierX returns, each routed to at most one
trunk group that exists (checked when seeding, on every write, and on hand changes).
*/

const PARTNER_SID = "e00430c3-a7d0-4666-ab5c-f7202448382f";

export interface CarrierxSeed {
  trunkGroups?: { sid: string; name: string }[];
  dids?: { sid: string; phonenumber: string; trunkGroupSid?: string | null }[];
}

/** A DID object as CarrierX returns it (reference §3.7). */
export type CarrierxDid = Record<string, unknown> & {
  did_sid: string;
  phonenumber: string;
  trunk_group_sid: string | null;
};

export interface State {
  dids: Map<string, CarrierxDid>;
  groups: Map<string, { sid: string; name: string }>;
}

export function seedState(seed: CarrierxSeed): State {
  const state: State = { dids: new Map(), groups: new Map() };
  for (const group of seed.trunkGroups ?? []) state.groups.set(group.sid, { ...group });
  for (const did of seed.dids ?? []) {
    const group = did.trunkGroupSid ?? null;
    if (group !== null && !state.groups.has(group)) {
      throw new Error(`seed DID ${did.sid}: unknown trunk group ${group} in the CarrierX sandbox`);
    }
    state.dids.set(did.sid, didObject(did.sid, did.phonenumber, group));
  }
  return state;
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

/** Defaults from the trunk-group sample (reference §4.4). */
export function groupObject(group: { sid: string; name: string }): Record<string, unknown> {
  return {
    acls: [], hard_failure_codes: "408;", hard_failure_cooldown: 120, hard_failure_interval: 60,
    hard_failure_last_resort: "first", hard_failure_threshold: 3, name: group.name, partner_sid: PARTNER_SID,
    routing_data: null, routing_type: "failover", sip_options_locations: [], sip_options_threshold: 3,
    soft_failure_codes: "408;", transformations: [], trunk_group_sid: group.sid,
  };
}

export function sortedDids(state: State): CarrierxDid[] {
  return [...state.dids.values()].sort((a, b) => compare(a.phonenumber, b.phonenumber) || compare(a.did_sid, b.did_sid));
}

export function sortedGroups(state: State): { sid: string; name: string }[] {
  return [...state.groups.values()].sort((a, b) => compare(a.name, b.name) || compare(a.sid, b.sid));
}

/** Code-unit order, so the order never depends on the machine's locale. */
const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
