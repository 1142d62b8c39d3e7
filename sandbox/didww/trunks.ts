/**
`POST /v3/voice_in_trunks`, `PATCH` and `DELETE /v3/voice_in_trunks/{id}` (`/v3/trunks` before 2021-12-15): a
trunk's attributes and its SIP or PSTN configuration. A body is checked against DIDWW's request schema (schemas.ts),
then against the rules DIDWW applies to the values (422, one error per problem, as DIDWW lists them); only a request
that passes both changes anything. What DIDWW leaves undocumented (PATCH merging, delete while routed, defaults) is
decided in assumptions.ts.
*/

import {
  mergeConfiguration,
  nameTaken,
  PSTN_DEFAULTS,
  registrationCredentials,
  SIP_DEFAULTS,
  TRUNK_DEFAULTS,
  trunkInUse,
} from "./assumptions";
import { readCreateRequest, readToOne, readUpdateRequest, type JsonObject } from "./bodies";
import { resourceDocument, type RequestContext } from "./documents";
import { ApiError, recordNotFound, stillInUse, throwIfInvalid, validationError, type JsonApiError } from "./errors";
import type { Naming } from "./naming";
import { checkRequest } from "./schemas";
import type { ConfigurationType, SandboxState, TrunkRecord } from "./state";
import { randomUUID } from "node:crypto";

export interface Reply {
  status: 200 | 201 | 204;
  document?: object;
}

const CODEC_IDS = new Set([6, 7, 8, 9, 10, 12, 13, 14, 15, 16, 17, 18, 19]);
const isDisconnectCode = (id: unknown): boolean => Number.isInteger(id) && (((id as number) >= 56 && (id as number) <= 108) || id === 1505);

export function createTrunk(body: unknown, include: string | undefined, ctx: RequestContext): Reply {
  const naming = ctx.version.naming;
  const request = readCreateRequest(body, naming.trunks);
  checkRequest("VoiceInTrunkCreateRequest", currentNames(body, naming));
  const sent = request.attributes;
  const sentConfiguration = sent["configuration"] as { type: ConfigurationType; attributes?: JsonObject };
  const defaults = sentConfiguration.type === "sip_configurations" ? SIP_DEFAULTS : PSTN_DEFAULTS;
  const configuration = { ...defaults, ...(sentConfiguration.attributes ?? {}) };
  const { name, configuration: _sent, ...attributes } = sent;
  const trunk: TrunkRecord = {
    id: randomUUID(),
    name: name as string,
    createdAt: new Date().toISOString(),
    attributes: { ...TRUNK_DEFAULTS, ...attributes },
    configuration: { type: sentConfiguration.type, attributes: configuration },
  };
  const groupId = readTrunkRelationships(request.relationships, naming, ctx.state);
  throwIfInvalid(trunkErrors(trunk, ctx.state));
  store(trunk, false, ctx.state);
  if (groupId !== undefined) ctx.state.moveTrunk(trunk.id, groupId);
  return { status: 201, document: resourceDocument("trunks", trunk.id, include, ctx) };
}

export function patchTrunk(id: string, body: unknown, include: string | undefined, ctx: RequestContext): Reply {
  const current = ctx.state.trunks.get(id);
  if (current === undefined) throw recordNotFound(id);
  const naming = ctx.version.naming;
  const request = readUpdateRequest(body, naming.trunks, id);
  checkRequest("VoiceInTrunkUpdateRequest", currentNames(body, naming));
  const { name, configuration: sentConfiguration, ...attributes } = request.attributes as JsonObject & {
    configuration?: { type: ConfigurationType; attributes?: JsonObject };
  };
  if (sentConfiguration !== undefined && sentConfiguration.type !== current.configuration.type) {
    const message = `type cannot be changed from ${current.configuration.type} to ${sentConfiguration.type}`;
    throwIfInvalid([validationError("configuration", message)]);
  }
  const trunk: TrunkRecord = {
    ...current,
    name: name === undefined ? current.name : (name as string),
    attributes: { ...current.attributes, ...attributes },
    configuration: {
      type: current.configuration.type,
      attributes: mergeConfiguration(current.configuration.attributes, sentConfiguration?.attributes ?? {}),
    },
  };
  const groupId = readTrunkRelationships(request.relationships, naming, ctx.state);
  throwIfInvalid(trunkErrors(trunk, ctx.state));
  store(trunk, current.configuration.attributes["enabled_sip_registration"] === true, ctx.state);
  if (groupId !== undefined) ctx.state.moveTrunk(id, groupId);
  return { status: 200, document: resourceDocument("trunks", id, include, ctx) };
}

export function deleteTrunk(id: string, ctx: RequestContext): Reply {
  if (!ctx.state.trunks.has(id)) throw recordNotFound(id);
  const reason = trunkInUse(ctx.state, id);
  if (reason !== undefined) throw stillInUse(reason);
  ctx.state.removeTrunk(id);
  return { status: 204 };
}

/** Writes a checked trunk: a blank cli_format is stored as e164, and the registration credentials follow the switch. */
function store(trunk: TrunkRecord, wasRegistering: boolean, state: SandboxState): void {
  if (trunk.attributes["cli_format"] === null) trunk.attributes["cli_format"] = "e164";
  const settings = trunk.configuration.attributes;
  if (trunk.configuration.type === "sip_configurations") {
    const credentials = registrationCredentials(wasRegistering, settings["enabled_sip_registration"] === true, {
      incoming_auth_username: settings["incoming_auth_username"],
      incoming_auth_password: settings["incoming_auth_password"],
    });
    Object.assign(settings, credentials);
  }
  state.trunks.set(trunk.id, trunk);
}

/**
The trunk's relationships in a request: its group (joined, or left with null) and its point of presence, which the
sandbox does not model (null is accepted, any id is invalid). Returns the group to move the trunk to, if one is sent.
*/
function readTrunkRelationships(relationships: JsonObject, naming: Naming, state: SandboxState): string | null | undefined {
  let groupId: string | null | undefined;
  const errors: JsonApiError[] = [];
  for (const [name, relationship] of Object.entries(relationships)) {
    if (name === naming.trunkGroup) {
      groupId = readToOne(relationship, naming.trunkGroups);
      if (groupId !== null && !state.groups.has(groupId)) errors.push(validationError(name, "is invalid", `${name}_id`));
    } else if (readToOne(relationship, "pops") !== null) {
      errors.push(validationError("pop", "is invalid", "pop_id"));
    }
  }
  if (errors.length > 0) throw new ApiError(422, errors);
  return groupId;
}

/**
The schemas use the current names; a request of a pre-2021-12-15 version is checked under them: its resource types
and relationship names renamed, nothing else.
*/
export function currentNames(body: unknown, naming: Naming): JsonObject {
  const data = (body as { data: JsonObject }).data;
  if (naming.trunks === "voice_in_trunks") return body as JsonObject;
  const rename = (name: unknown): unknown =>
    name === naming.trunks ? "voice_in_trunks" : name === naming.trunkGroups ? "voice_in_trunk_groups" : name === naming.trunkGroup ? "voice_in_trunk_group" : name;
  const identifier = (item: unknown): unknown =>
    typeof item === "object" && item !== null && !Array.isArray(item) ? { ...item, type: rename((item as JsonObject)["type"]) } : item;
  const relationships = data["relationships"];
  const renamed =
    typeof relationships === "object" && relationships !== null && !Array.isArray(relationships)
      ? Object.fromEntries(
          Object.entries(relationships).map(([name, relationship]) => {
            const linkage = (relationship as { data?: unknown } | null)?.data;
            const value = Array.isArray(linkage) ? { ...(relationship as JsonObject), data: linkage.map(identifier) } : { ...(relationship as JsonObject), data: identifier(linkage) };
            return [String(rename(name)), value];
          }),
        )
      : relationships;
  return { ...(body as JsonObject), data: { ...data, type: rename(data["type"]), ...(renamed === undefined ? {} : { relationships: renamed }) } };
}

/** The rules DIDWW applies to a trunk's values once the body is well-formed (reference §6.2–6.3). */
function trunkErrors(trunk: TrunkRecord, state: SandboxState): JsonApiError[] {
  const errors: JsonApiError[] = [];
  const a = trunk.attributes;
  if (trunk.name.trim() === "") errors.push(validationError("name", "can't be blank"));
  else if (nameTaken(state, "trunks", trunk.name, trunk.id)) errors.push(validationError("name", "has already been taken"));
  range(a, "priority", 0, 65535, errors);
  range(a, "weight", 0, 65535, errors);
  range(a, "capacity_limit", 1, 32767, errors);
  range(a, "ringing_timeout", 1, 32, errors);
  tooLong(a, "external_reference_id", 100, errors);
  if (a["cli_format"] !== null && !["raw", "e164", "local"].includes(a["cli_format"] as string)) {
    errors.push(validationError("cli_format", "is not included in the list"));
  }
  if (typeof a["cli_prefix"] === "string" && !/^[A-Za-z0-9+#]{1,7}$/.test(a["cli_prefix"])) errors.push(validationError("cli_prefix", "is invalid"));
  const c = trunk.configuration.attributes;
  if (trunk.configuration.type === "pstn_configurations") {
    if (c["dst"] === null || c["dst"] === "") errors.push(validationError("dst", "can't be blank"));
    else if (!/^[1-9]\d{5,16}$/.test(String(c["dst"]))) errors.push(validationError("dst", "is invalid"));
    return errors;
  }
  range(c, "port", 1, 65535, errors);
  for (const [key, values] of [
    ["transport_protocol_id", [1, 2, 3]],
    ["rx_dtmf_format_id", [1, 2, 3, null]],
    ["tx_dtmf_format_id", [1, 2, 3, 4, null]],
    ["sst_refresh_method_id", [1, 2, 3]],
  ] as const) {
    if (!(values as readonly unknown[]).includes(c[key])) errors.push(validationError(key, "is not included in the list"));
  }
  const codecs = c["codec_ids"] as number[];
  if (codecs.length === 0) errors.push(validationError("codec_ids", "can't be blank"));
  else if (codecs.some((id) => !CODEC_IDS.has(id))) errors.push(validationError("codec_ids", "are invalid"));
  const rerouting = c["rerouting_disconnect_code_ids"] as unknown[] | null;
  if (rerouting !== null && !rerouting.every(isDisconnectCode)) errors.push(validationError("rerouting_disconnect_code_ids", "are invalid"));
  const ips = c["allowed_rtp_ips"] as unknown[] | null;
  if (ips !== null && ips.length > 10) errors.push(validationError("allowed_rtp_ips", "is too long (maximum is 10)"));
  const registering = c["enabled_sip_registration"] === true;
  if (registering) {
    for (const key of ["host", "port"]) {
      if (c[key] !== null && c[key] !== "") errors.push(validationError(key, "must be blank when SIP registration is enabled"));
    }
  } else {
    if (c["host"] === null || c["host"] === "") errors.push(validationError("host", "can't be blank"));
    if (c["use_did_in_ruri"] === true) errors.push(validationError("use_did_in_ruri", "requires SIP registration"));
  }
  if (c["auth_enabled"] === true) {
    for (const key of ["auth_user", "auth_password"]) {
      if (c[key] === null || c[key] === "") errors.push(validationError(key, "can't be blank"));
    }
  }
  return errors;
}

export function range(values: JsonObject, key: string, min: number, max: number, errors: JsonApiError[]): void {
  const value = values[key];
  if (typeof value !== "number") return;
  if (value < min) errors.push(validationError(key, `must be greater than or equal to ${min}`));
  else if (value > max) errors.push(validationError(key, `must be less than or equal to ${max}`));
}

export function tooLong(values: JsonObject, key: string, max: number, errors: JsonApiError[]): void {
  const value = values[key];
  if (typeof value === "string" && value.length > max) errors.push(validationError(key, `is too long (maximum is ${max} characters)`));
}
