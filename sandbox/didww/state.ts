/**
What the DIDWW sandbox holds: trunks, trunk groups and DIDs, and the invariants DIDWW keeps between them:

- a DID is routed to a trunk OR a trunk group, never both (`routeDid`);
- a trunk belongs to at most one group (`assignTrunks`);
- a DID, trunk or group referred to exists (`require…`).

The PATCH handlers (dids.ts, groups.ts) check a request completely and then write it at once, so a refused request
changes nothing; hand changes (seeds, tests simulating drift) go through the methods here, which refuse whatever would
break an invariant.
*/

import { PSTN_DEFAULTS, TRUNK_DEFAULTS } from "./assumptions";
import type { Kind } from "./naming";

/** Fixed timestamps keep documents deterministic, so tests can compare whole bodies. */
const SEEDED_CREATED_AT = "2026-01-05T09:30:00.000Z";
const DID_EXPIRES_AT = "2026-12-05T09:30:00.000Z";

export interface DidwwSeed {
  trunks?: { id: string; name: string }[];
  /** A trunk listed in several groups ends up in the last one, as a trunk belongs to at most one group. */
  trunkGroups?: { id: string; name: string; trunkIds?: string[] }[];
  /** `number` is E.164; a leading `+` is dropped, because DIDWW stores and returns numbers without it. */
  dids?: { id: string; number: string; trunkId?: string | null; trunkGroupId?: string | null }[];
}

export type ConfigurationType = "sip_configurations" | "pstn_configurations";

export interface TrunkRecord {
  readonly id: string;
  name: string;
  readonly createdAt: string;
  /** The other attributes as DIDWW renders them (`description` … `ringing_timeout`, snake_case). */
  attributes: Record<string, unknown>;
  /** Every attribute of the configuration as DIDWW renders it, generated credentials included. */
  configuration: { type: ConfigurationType; attributes: Record<string, unknown> };
}

/** Seeds carry no trunk configuration; a seeded trunk forwards to this example number (from DIDWW's OpenAPI). */
const SEEDED_PSTN_DESTINATION = "442037691880";

export interface GroupRecord {
  readonly id: string;
  name: string;
  capacityLimit: number | null;
  externalReferenceId: string | null;
  readonly createdAt: string;
  /**
  Membership, in the order it was assigned. DIDWW stores it as a foreign key on the trunk; keeping it on the
  group preserves the order clients sent, and `assignTrunks` keeps every trunk in at most one group.
  */
  trunkIds: string[];
}

export interface DidRecord {
  readonly id: string;
  readonly number: string;
  trunkId: string | null;
  trunkGroupId: string | null;
  description: string | null;
  capacityLimit: number | null;
  terminated: boolean;
  billingCyclesCount: number | null;
  dedicatedChannelsCount: number;
  readonly createdAt: string;
  readonly expiresAt: string | null;
}

export class SandboxState {
  readonly trunks = new Map<string, TrunkRecord>();
  readonly groups = new Map<string, GroupRecord>();
  readonly dids = new Map<string, DidRecord>();

  /** Seeds are written by hand in tests, so inconsistencies fail loudly instead of producing a confusing API. */
  static fromSeed(seed: DidwwSeed): SandboxState {
    const state = new SandboxState();
    for (const trunk of seed.trunks ?? []) {
      assertUnused(state.trunks, trunk.id, "trunk");
      state.trunks.set(trunk.id, {
        id: trunk.id,
        name: trunk.name,
        createdAt: SEEDED_CREATED_AT,
        attributes: { ...TRUNK_DEFAULTS },
        configuration: { type: "pstn_configurations", attributes: { ...PSTN_DEFAULTS, dst: SEEDED_PSTN_DESTINATION } },
      });
    }
    for (const group of seed.trunkGroups ?? []) {
      assertUnused(state.groups, group.id, "trunk group");
      state.groups.set(group.id, {
        id: group.id,
        name: group.name,
        capacityLimit: null,
        externalReferenceId: null,
        createdAt: SEEDED_CREATED_AT,
        trunkIds: [],
      });
      state.assignTrunks(group.id, group.trunkIds ?? []);
    }
    for (const did of seed.dids ?? []) {
      assertUnused(state.dids, did.id, "DID");
      state.dids.set(did.id, {
        id: did.id,
        number: did.number.replace(/^\+/, ""),
        trunkId: null,
        trunkGroupId: null,
        description: null,
        capacityLimit: null,
        terminated: false,
        billingCyclesCount: null,
        dedicatedChannelsCount: 0,
        createdAt: SEEDED_CREATED_AT,
        expiresAt: DID_EXPIRES_AT,
      });
      state.routeDid(did.id, { trunkId: did.trunkId ?? null, trunkGroupId: did.trunkGroupId ?? null });
    }
    return state;
  }

  /** The records of one kind by id, for what treats DIDs, trunks and groups alike (reads by id, lists). */
  recordsOf(kind: Kind): ReadonlyMap<string, DidRecord | TrunkRecord | GroupRecord> {
    if (kind === "dids") return this.dids;
    return kind === "trunks" ? this.trunks : this.groups;
  }

  groupOfTrunk(trunkId: string): GroupRecord | undefined {
    for (const group of this.groups.values()) {
      if (group.trunkIds.includes(trunkId)) return group;
    }
    return undefined;
  }

  /** Replaces a group's membership; listed trunks leave whatever group they were in. Duplicates count once. */
  assignTrunks(groupId: string, trunkIds: readonly string[]): void {
    const group = this.requireGroup(groupId);
    for (const trunkId of trunkIds) this.requireTrunk(trunkId);
    const members = [...new Set(trunkIds)];
    for (const other of this.groups.values()) {
      other.trunkIds = other.trunkIds.filter((id) => !members.includes(id));
    }
    group.trunkIds = members;
  }

  /** Applies a routing change made outside the API; keys left undefined keep their current value. */
  routeDid(didId: string, routing: { trunkId?: string | null; trunkGroupId?: string | null }): void {
    const did = this.requireDid(didId);
    const trunkId = routing.trunkId === undefined ? did.trunkId : routing.trunkId;
    const trunkGroupId = routing.trunkGroupId === undefined ? did.trunkGroupId : routing.trunkGroupId;
    if (trunkId !== null) this.requireTrunk(trunkId);
    if (trunkGroupId !== null) this.requireGroup(trunkGroupId);
    if (trunkId !== null && trunkGroupId !== null) {
      throw new Error(`DID ${didId} cannot be routed to trunk ${trunkId} and trunk group ${trunkGroupId} at once`);
    }
    did.trunkId = trunkId;
    did.trunkGroupId = trunkGroupId;
  }

  /** Deletes a trunk, and with it its place in a group. */
  removeTrunk(id: string): void {
    this.requireTrunk(id);
    this.trunks.delete(id);
    for (const group of this.groups.values()) group.trunkIds = group.trunkIds.filter((trunkId) => trunkId !== id);
  }

  /** Puts a trunk in a group (null: in none), leaving its old one; the trunk becomes the group's last member. */
  moveTrunk(trunkId: string, groupId: string | null): void {
    this.requireTrunk(trunkId);
    for (const group of this.groups.values()) group.trunkIds = group.trunkIds.filter((id) => id !== trunkId);
    if (groupId !== null) this.requireGroup(groupId).trunkIds.push(trunkId);
  }

  removeDid(id: string): void {
    this.requireDid(id);
    this.dids.delete(id);
  }

  requireDid(id: string): DidRecord {
    return requireRecord(this.dids, id, "DID");
  }

  requireTrunk(id: string): TrunkRecord {
    return requireRecord(this.trunks, id, "trunk");
  }

  requireGroup(id: string): GroupRecord {
    return requireRecord(this.groups, id, "trunk group");
  }
}

function assertUnused(records: Map<string, unknown>, id: string, what: string): void {
  if (records.has(id)) throw new Error(`duplicate ${what} id ${id} in the DIDWW sandbox seed`);
}

function requireRecord<T>(records: Map<string, T>, id: string, what: string): T {
  const record = records.get(id);
  if (record === undefined) throw new Error(`unknown ${what} ${id} in the DIDWW sandbox`);
  return record;
}
