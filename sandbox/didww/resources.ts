/**
What each resource the sandbox models looks like: its attributes as DIDWW renders them and its relationships in the
order DIDWW's OpenAPI lists them, with the records each relationship points to. Rendering them into documents is
documents.ts's part; filters and sort read the attributes from here too, so a list compares what a client sees.
*/

import type { Kind, Naming } from "./naming";
import type { DidRecord, GroupRecord, SandboxState, TrunkRecord } from "./state";

/** A relationship as DIDWW names it; which records it points to is resolved by `relatedIds`. */
export interface RelationshipDef {
  readonly name: string;
  /** JSON:API type of the related resources. */
  readonly type: string;
  readonly toMany: boolean;
  /** The related kind when the sandbox models it; relationships it only names are always empty. */
  readonly target?: Kind;
}

/** Relationships the sandbox names (so links and includes look real) but never populates. */
const unmodelled = (name: string, type: string): RelationshipDef => ({ name, type, toMany: false });

/** Relationships in the order DIDWW's OpenAPI lists them. */
export function relationshipDefs(kind: Kind, naming: Naming): RelationshipDef[] {
  const trunk: RelationshipDef = { name: naming.trunk, type: naming.trunks, toMany: false, target: "trunks" };
  const trunkGroup: RelationshipDef = {
    name: naming.trunkGroup,
    type: naming.trunkGroups,
    toMany: false,
    target: "groups",
  };
  switch (kind) {
    case "dids":
      return [
        unmodelled("did_group", "did_groups"),
        unmodelled("order", "orders"),
        unmodelled("capacity_pool", "capacity_pools"),
        unmodelled("shared_capacity_group", "shared_capacity_groups"),
        unmodelled("address_verification", "address_verifications"),
        trunk,
        trunkGroup,
        unmodelled("emergency_calling_service", "emergency_calling_services"),
        unmodelled("emergency_verification", "emergency_verifications"),
        unmodelled("identity", "identities"),
      ];
    case "trunks":
      return [trunkGroup, unmodelled("pop", "pops")];
    case "groups":
      return [{ name: naming.trunks, type: naming.trunks, toMany: true, target: "trunks" }];
  }
}

export const asList = (id: string | null | undefined): string[] => (id == null ? [] : [id]);

/** Ids a relationship currently points to (at most one for a to-one relationship). */
export function relatedIds(kind: Kind, id: string, relationship: RelationshipDef, state: SandboxState): string[] {
  if (relationship.target === undefined) return [];
  if (kind === "dids") {
    const did = state.requireDid(id);
    return asList(relationship.target === "trunks" ? did.trunkId : did.trunkGroupId);
  }
  if (kind === "trunks") return asList(state.groupOfTrunk(id)?.id);
  return [...state.requireGroup(id).trunkIds];
}

export function attributesOf(kind: Kind, id: string, state: SandboxState): Record<string, unknown> {
  switch (kind) {
    case "dids":
      return didAttributes(state.requireDid(id));
    case "trunks":
      return trunkAttributes(state.requireTrunk(id));
    case "groups":
      return groupAttributes(state.requireGroup(id));
  }
}

function didAttributes(did: DidRecord): Record<string, unknown> {
  return {
    number: did.number,
    description: did.description,
    // DIDWW blocks a DID once it is terminated; nothing else blocks a sandbox DID.
    blocked: did.terminated,
    awaiting_registration: false,
    terminated: did.terminated,
    emergency_enabled: false,
    capacity_limit: did.capacityLimit,
    channels_included_count: 0,
    dedicated_channels_count: did.dedicatedChannelsCount,
    billing_cycles_count: did.billingCyclesCount,
    created_at: did.createdAt,
    expires_at: did.expiresAt,
  };
}

/** In the order of DIDWW's OpenAPI `VoiceInTrunk` schema. */
function trunkAttributes(trunk: TrunkRecord): Record<string, unknown> {
  return {
    name: trunk.name,
    ...trunk.attributes,
    created_at: trunk.createdAt,
    configuration: { type: trunk.configuration.type, attributes: { ...trunk.configuration.attributes } },
  };
}

function groupAttributes(group: GroupRecord): Record<string, unknown> {
  return {
    name: group.name,
    capacity_limit: group.capacityLimit,
    external_reference_id: group.externalReferenceId,
    created_at: group.createdAt,
  };
}
