/**
`POST /v3/voice_in_trunk_groups`, `PATCH` and `DELETE /v3/voice_in_trunk_groups/{id}` (`/v3/trunk_groups` before
2021-12-15; PUT is PATCH's alias): a group's name, capacity limit, external reference and members. A body is checked
against DIDWW's request schema (schemas.ts) and then its values; only a request that passes both changes anything.
Membership goes through `SandboxState.assignTrunks`, which keeps a trunk in one group; what a delete does is decided
in assumptions.ts.
*/

import { deleteTrunkGroup, nameTaken, trunkGroupInUse } from "./assumptions";
import { readAttributes, readCreateRequest, readToMany, readUpdateRequest, type FieldType, type JsonObject } from "./bodies";
import { resourceDocument, type RequestContext } from "./documents";
import { paramNotAllowed, recordNotFound, stillInUse, throwIfInvalid, validationError, type JsonApiError } from "./errors";
import type { Naming } from "./naming";
import { checkRequest } from "./schemas";
import type { GroupRecord, SandboxState } from "./state";
import { currentNames, range, tooLong, type Reply } from "./trunks";
import { randomUUID } from "node:crypto";

const GROUP_WRITABLE_ATTRIBUTES: Readonly<Record<string, FieldType>> = {
  name: "string",
  capacity_limit: "nullableInteger",
  external_reference_id: "nullableString",
};

const MAX_EXTERNAL_REFERENCE_ID_LENGTH = 100;

export function createGroup(body: unknown, includeParam: string | undefined, ctx: RequestContext): Reply {
  const naming = ctx.version.naming;
  const request = readCreateRequest(body, naming.trunkGroups);
  checkRequest("VoiceInTrunkGroupCreateRequest", currentNames(body, naming));
  const attributes = readAttributes(request.attributes, GROUP_WRITABLE_ATTRIBUTES);
  const members = readGroupMembers(request.relationships, naming) ?? [];
  const group: GroupRecord = {
    id: randomUUID(),
    name: attributes["name"] as string,
    capacityLimit: null,
    externalReferenceId: null,
    createdAt: new Date().toISOString(),
    trunkIds: [],
  };
  applyGroupAttributes(group, attributes);
  const errors = groupAttributeErrors(group, ctx.state);
  if (members.some((trunkId) => !ctx.state.trunks.has(trunkId))) errors.push(validationError("trunk_ids", "are invalid"));
  throwIfInvalid(errors);
  ctx.state.groups.set(group.id, group);
  ctx.state.assignTrunks(group.id, members);
  return { status: 201, document: resourceDocument("groups", group.id, includeParam, ctx) };
}

export function patchGroup(id: string, body: unknown, includeParam: string | undefined, ctx: RequestContext): Reply {
  const current = ctx.state.groups.get(id);
  if (current === undefined) throw recordNotFound(id);
  const naming = ctx.version.naming;
  const request = readUpdateRequest(body, naming.trunkGroups, id);
  checkRequest("VoiceInTrunkGroupUpdateRequest", currentNames(body, naming));
  const attributes = readAttributes(request.attributes, GROUP_WRITABLE_ATTRIBUTES);
  const members = readGroupMembers(request.relationships, naming);
  const group: GroupRecord = { ...current, trunkIds: [...current.trunkIds] };
  applyGroupAttributes(group, attributes);
  const errors = groupAttributeErrors(group, ctx.state);
  if (members !== undefined && members.some((trunkId) => !ctx.state.trunks.has(trunkId))) {
    errors.push(validationError("trunk_ids", "are invalid"));
  }
  throwIfInvalid(errors);
  applyGroupAttributes(current, attributes);
  if (members !== undefined) ctx.state.assignTrunks(id, members);
  return { status: 200, document: resourceDocument("groups", id, includeParam, ctx) };
}

export function deleteGroup(id: string, ctx: RequestContext): Reply {
  if (!ctx.state.groups.has(id)) throw recordNotFound(id);
  const reason = trunkGroupInUse(ctx.state, id);
  if (reason !== undefined) throw stillInUse(reason);
  deleteTrunkGroup(ctx.state, id);
  return { status: 204 };
}

/** The new membership, or undefined when the PATCH does not touch it. */
function readGroupMembers(relationships: JsonObject, naming: Naming): string[] | undefined {
  let members: string[] | undefined;
  for (const [name, relationship] of Object.entries(relationships)) {
    if (name !== naming.trunks) throw paramNotAllowed(name);
    members = readToMany(relationship, naming.trunks);
  }
  return members;
}

function groupAttributeErrors(group: GroupRecord, state: SandboxState): JsonApiError[] {
  const errors: JsonApiError[] = [];
  if (group.name.trim() === "") errors.push(validationError("name", "can't be blank"));
  else if (nameTaken(state, "groups", group.name, group.id)) errors.push(validationError("name", "has already been taken"));
  const values = { capacity_limit: group.capacityLimit, external_reference_id: group.externalReferenceId };
  range(values, "capacity_limit", 1, 32767, errors);
  tooLong(values, "external_reference_id", MAX_EXTERNAL_REFERENCE_ID_LENGTH, errors);
  return errors;
}

function applyGroupAttributes(group: GroupRecord, attributes: JsonObject): void {
  if ("name" in attributes) group.name = attributes["name"] as string;
  if ("capacity_limit" in attributes) group.capacityLimit = attributes["capacity_limit"] as number | null;
  if ("external_reference_id" in attributes) {
    group.externalReferenceId = attributes["external_reference_id"] as string | null;
  }
}
