/**
`PATCH /v3/dids/{id}` (and PUT, its alias): a DID's routing (trunk or trunk group) and its writable attributes. The
whole request is checked before anything changes, so a refused PATCH changes nothing.
*/

import { readAttributes, readToOne, readUpdateRequest, type FieldType, type JsonObject } from "./bodies";
import { resourceDocument, type RequestContext } from "./documents";
import { paramNotAllowed, recordNotFound, throwIfInvalid, validationError, type JsonApiError } from "./errors";
import type { Naming } from "./naming";
import type { DidRecord } from "./state";

/** DIDWW refuses larger per-DID capacity limits (recorded 422 in the Ruby SDK fixtures). */
const MAX_CAPACITY_LIMIT = 32767;

const DID_WRITABLE_ATTRIBUTES: Readonly<Record<string, FieldType>> = {
  description: "nullableString",
  capacity_limit: "nullableInteger",
  terminated: "boolean",
  billing_cycles_count: "nullableInteger",
  dedicated_channels_count: "integer",
};

/** Writable in DIDWW, but the sandbox has no such records: clearing is accepted, any id is invalid. */
const DID_UNMODELLED_WRITABLE_RELATIONSHIPS: Readonly<Record<string, string>> = {
  capacity_pool: "capacity_pools",
  shared_capacity_group: "shared_capacity_groups",
  address_verification: "address_verifications",
  emergency_calling_service: "emergency_calling_services",
};

interface DidRoutingChange {
  trunkId: string | null;
  trunkGroupId: string | null;
}

export function patchDid(id: string, body: unknown, includeParam: string | undefined, ctx: RequestContext): object {
  const did = ctx.state.dids.get(id);
  if (did === undefined) throw recordNotFound(id);
  const request = readUpdateRequest(body, "dids", id);
  const attributes = readAttributes(request.attributes, DID_WRITABLE_ATTRIBUTES);
  const errors: JsonApiError[] = [];
  const routing = readDidRouting(did, request.relationships, ctx, errors);
  errors.push(...didAttributeErrors(attributes));
  throwIfInvalid(errors);
  checkRoutingExclusive(routing, ctx.version.naming);
  // Validation is complete: apply everything at once, so a rejected PATCH changes nothing.
  did.trunkId = routing.trunkId;
  did.trunkGroupId = routing.trunkGroupId;
  applyDidAttributes(did, attributes);
  return resourceDocument("dids", id, includeParam, ctx);
}

/** The routing the DID would have after the PATCH; relationships not sent keep their current value. */
function readDidRouting(
  did: DidRecord,
  relationships: JsonObject,
  ctx: RequestContext,
  errors: JsonApiError[],
): DidRoutingChange {
  const { state } = ctx;
  const naming = ctx.version.naming;
  const routing: DidRoutingChange = { trunkId: did.trunkId, trunkGroupId: did.trunkGroupId };
  for (const [name, relationship] of Object.entries(relationships)) {
    if (name === naming.trunk) {
      const trunkId = readToOne(relationship, naming.trunks);
      if (trunkId !== null && !state.trunks.has(trunkId)) errors.push(invalidReference(name));
      routing.trunkId = trunkId;
    } else if (name === naming.trunkGroup) {
      const groupId = readToOne(relationship, naming.trunkGroups);
      if (groupId !== null && !state.groups.has(groupId)) errors.push(invalidReference(name));
      routing.trunkGroupId = groupId;
    } else {
      const type = DID_UNMODELLED_WRITABLE_RELATIONSHIPS[name];
      if (type === undefined) throw paramNotAllowed(name);
      if (readToOne(relationship, type) !== null) errors.push(invalidReference(name));
    }
  }
  return routing;
}

const invalidReference = (relationship: string): JsonApiError =>
  validationError(relationship, "is invalid", `${relationship}_id`);

/**
DIDWW documents "a trunk or a trunk group, never both" but not what happens when a PATCH sets one while the other
is set. The sandbox refuses rather than auto-clearing, so clients must null the other side explicitly.
*/
function checkRoutingExclusive(routing: DidRoutingChange, naming: Naming): void {
  if (routing.trunkId === null || routing.trunkGroupId === null) return;
  const message = `cannot be set together with ${naming.trunkGroup}`;
  throwIfInvalid([validationError(naming.trunk, message, `${naming.trunk}_id`)]);
}

function didAttributeErrors(attributes: JsonObject): JsonApiError[] {
  const limit = attributes["capacity_limit"];
  if (typeof limit === "number" && limit > MAX_CAPACITY_LIMIT) {
    return [validationError("capacity_limit", `must be less than or equal to ${MAX_CAPACITY_LIMIT}`)];
  }
  return [];
}

/** Types were checked by `readAttributes`; the casts only restate them. */
function applyDidAttributes(did: DidRecord, attributes: JsonObject): void {
  if ("description" in attributes) did.description = attributes["description"] as string | null;
  if ("capacity_limit" in attributes) did.capacityLimit = attributes["capacity_limit"] as number | null;
  if ("terminated" in attributes) did.terminated = attributes["terminated"] as boolean;
  if ("billing_cycles_count" in attributes) {
    did.billingCyclesCount = attributes["billing_cycles_count"] as number | null;
  }
  if ("dedicated_channels_count" in attributes) {
    did.dedicatedChannelsCount = attributes["dedicated_channels_count"] as number;
  }
}
