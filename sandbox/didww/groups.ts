/**
`PATCH /v3/voice_in_trunk_groups/{id}` (`/v3/trunk_groups/{id}` before 2021-12-15; PUT is its alias): a group's
name, capacity limit, external reference and members. The whole request is checked before anything changes, so a
refused PATCH changes nothing; membership goes through `SandboxState.assignTrunks`, which keeps a trunk in one group.
*/

import { readAttributes, readToMany, readUpdateRequest, type FieldType, type JsonObject } from "./bodies";
import { resourceDocument, type RequestContext } from "./documents";
import { paramNotAllowed, recordNotFound, throwIfInvalid, validationError, type JsonApiError } from "./errors";
import type { Naming } from "./naming";
import type { GroupRecord, SandboxState } from "./state";

const GROUP_WRITABLE_ATTRIBUTES: Readonly<Record<string, FieldType>> = {
  name: "string",
  capacity_limit: "nullableInteger",
  external_reference_id: "nullableString",
};

const MAX_EXTERNAL_REFERENCE_ID_LENGTH = 100;

export function patchGroup(id: string, body: unknown, includeParam: string | undefined, ctx: RequestContext): object {
  const group = ctx.state.groups.get(id);
  if (group === undefined) throw recordNotFound(id);
  const naming = ctx.version.naming;
  const request = readUpdateRequest(body, naming.trunkGroups, id);
  const attributes = readAttributes(request.attributes, GROUP_WRITABLE_ATTRIBUTES);
  const members = readGroupMembers(request.relationships, naming);
  const errors = groupAttributeErrors(group, attributes, ctx.state);
  if (members !== undefined && members.some((trunkId) => !ctx.state.trunks.has(trunkId))) {
    errors.push(validationError("trunk_ids", "are invalid"));
  }
  throwIfInvalid(errors);
  if (members !== undefined) ctx.state.assignTrunks(id, members);
  applyGroupAttributes(group, attributes);
  return resourceDocument("groups", id, includeParam, ctx);
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

function groupAttributeErrors(group: GroupRecord, attributes: JsonObject, state: SandboxState): JsonApiError[] {
  const errors: JsonApiError[] = [];
  const name = attributes["name"];
  if (typeof name === "string") {
    if (name.trim() === "") errors.push(validationError("name", "can't be blank"));
    const taken = [...state.groups.values()].some((other) => other.id !== group.id && other.name === name);
    if (taken) errors.push(validationError("name", "has already been taken"));
  }
  const reference = attributes["external_reference_id"];
  if (typeof reference === "string" && reference.length > MAX_EXTERNAL_REFERENCE_ID_LENGTH) {
    const message = `is too long (maximum is ${MAX_EXTERNAL_REFERENCE_ID_LENGTH} characters)`;
    errors.push(validationError("external_reference_id", message));
  }
  return errors;
}

function applyGroupAttributes(group: GroupRecord, attributes: JsonObject): void {
  if ("name" in attributes) group.name = attributes["name"] as string;
  if ("capacity_limit" in attributes) group.capacityLimit = attributes["capacity_limit"] as number | null;
  if ("external_reference_id" in attributes) {
    group.externalReferenceId = attributes["external_reference_id"] as string | null;
  }
}
