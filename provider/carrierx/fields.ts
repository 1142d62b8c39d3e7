/**
The fields of CarrierX trunk groups and trunks that the resources manage (reference §4.3, §4.5): each input, named
after the API's field in camelCase, with the API's name and the values it takes. One table per object drives the
check of the inputs, the request bodies, the outputs and the diff, so the four cannot disagree.

Only fields the reference documents with a type or values are here. Arrays whose element shape the reference does
not give (`acls`, `transformations`, `sip_options_locations`, `relay_sip_headers`, `external_handlers`) and fields of
unknown type (`routing_data`) are left out: neither sent nor compared, so CarrierX keeps whatever they hold.
*/
import { describe, isUnknown, isUuid, UNKNOWN, type CheckFailure } from "../validate";

type FieldType =
  /** A non-empty string whose values CarrierX has not fully documented; CarrierX itself judges the value. */
  | { kind: "string" }
  | { kind: "enum"; values: readonly string[]; nullable?: true }
  /** A whole number from `min` up to 2^31 - 1. */
  | { kind: "integer"; min: number }
  | { kind: "boolean" }
  /** Another CarrierX object's sid (a UUID), or null for none. */
  | { kind: "sid" }
  /** SIP status codes each followed by ";" as CarrierX writes them ("408;"); compared as a set. */
  | { kind: "sipCodes" };

export interface Field {
  /** The input and output name: the API's name in camelCase. */
  input: string;
  /** The API's name. */
  api: string;
  type: FieldType;
  /** What it is, for messages. */
  what: string;
  /** For a field every resource must declare: why, for the message when it is missing. */
  required?: string;
}

const INT_MAX = 2 ** 31 - 1;
const SIP_CODES = /^(?:[1-6]\d\d;)*(?:[1-6]\d\d;?)?$/;

/**
Required by the resources, not by CarrierX (which names an object "N/A" without one): create finds an existing object
by its name (see adoption.ts).
*/
const NAME_REQUIRED = "by it create finds an existing one";

/** Trunk group fields (reference §4.3). */
export const TRUNK_GROUP_FIELDS: readonly Field[] = [
  { input: "name", api: "name", type: { kind: "string" }, what: "the trunk group's name", required: NAME_REQUIRED },
  { input: "routingType", api: "routing_type", type: { kind: "string" }, what: 'how calls are spread over the trunks, e.g. "failover"' },
  { input: "hardFailureCodes", api: "hard_failure_codes", type: { kind: "sipCodes" }, what: "SIP codes that count as a hard failure" },
  { input: "hardFailureCooldown", api: "hard_failure_cooldown", type: { kind: "integer", min: 0 }, what: "seconds" },
  { input: "hardFailureInterval", api: "hard_failure_interval", type: { kind: "integer", min: 0 }, what: "seconds" },
  {
    input: "hardFailureLastResort",
    api: "hard_failure_last_resort",
    type: { kind: "enum", values: ["first", "reject502", "reject503"] },
    what: "what happens when every trunk has failed",
  },
  { input: "hardFailureThreshold", api: "hard_failure_threshold", type: { kind: "integer", min: 0 }, what: "failures" },
  { input: "sipOptionsThreshold", api: "sip_options_threshold", type: { kind: "integer", min: 0 }, what: "failed SIP OPTIONS" },
  { input: "softFailureCodes", api: "soft_failure_codes", type: { kind: "sipCodes" }, what: "SIP codes that count as a soft failure" },
];

/** Trunk fields (reference §4.5). */
export const TRUNK_FIELDS: readonly Field[] = [
  { input: "name", api: "name", type: { kind: "string" }, what: "the trunk's name", required: NAME_REQUIRED },
  {
    input: "allowForward",
    api: "allow_forward",
    type: { kind: "enum", values: ["direct", "direct_uri", "disabled", "protected", "reroute"] },
    what: "call forwarding",
  },
  // A boolean in every sample; the newest attribute table calls it an enum without listing values.
  { input: "allowTransfer", api: "allow_transfer", type: { kind: "boolean" }, what: "call transfer" },
  { input: "asnMode", api: "asn_mode", type: { kind: "enum", values: ["disable", "read", "write", "read_write"] }, what: "ASN mode" },
  { input: "callType", api: "call_type", type: { kind: "string" }, what: 'the call type, e.g. "regular"' },
  {
    input: "codec",
    api: "codec",
    type: {
      kind: "enum",
      values: ["alaw", "g722", "g723", "g729", "gsm", "opus8", "opus12", "opus16", "opus24", "opus48", "ulaw"],
      nullable: true,
    },
    what: "the legacy codec, null for none",
  },
  { input: "endpointSid", api: "endpoint_sid", type: { kind: "sid" }, what: "endpoint" },
  { input: "inCapacity", api: "in_capacity", type: { kind: "integer", min: -1 }, what: "inbound calls at once; 0 unlimited, -1 none" },
  { input: "inIdentityFormat", api: "in_identity_format", type: { kind: "string" }, what: 'e.g. "passthrough"' },
  { input: "inIdentityMode", api: "in_identity_mode", type: { kind: "string" }, what: 'e.g. "passthrough"' },
  { input: "inRfc4694Mode", api: "in_rfc_4694_mode", type: { kind: "string" }, what: 'e.g. "cut_all"' },
  { input: "locationSid", api: "location_sid", type: { kind: "sid" }, what: "location" },
  { input: "outCapacity", api: "out_capacity", type: { kind: "integer", min: -1 }, what: "outbound calls at once" },
  { input: "outIdentityMode", api: "out_identity_mode", type: { kind: "string" }, what: 'e.g. "passthrough"' },
  { input: "outRfc4694Mode", api: "out_rfc_4694_mode", type: { kind: "string" }, what: 'e.g. "cut_all"' },
  { input: "priority", api: "priority", type: { kind: "integer", min: 0 }, what: "the trunk's priority in its group" },
  { input: "weight", api: "weight", type: { kind: "integer", min: 0 }, what: "the trunk's weight in its group" },
];

export const inputNames = (fields: readonly Field[]): string[] => fields.map((field) => field.input);

/** Why `value` is not valid for `field`, or undefined when it is. Unknown values (preview) are valid. */
function problem(field: Field, value: unknown): string | undefined {
  if (isUnknown(value)) return undefined;
  const { input, type, what } = field;
  const got = `got ${describe(value)}`;
  switch (type.kind) {
    case "string":
      return typeof value === "string" && value.trim() !== "" ? undefined : `${input} must be a non-empty string (${what}), ${got}`;
    case "enum":
      if (value === null && type.nullable) return undefined;
      return typeof value === "string" && type.values.includes(value)
        ? undefined
        : `${input} must be one of ${type.values.join(", ")}${type.nullable ? " or null" : ""} (${what}), ${got}`;
    case "integer":
      return Number.isInteger(value) && (value as number) >= type.min && (value as number) <= INT_MAX
        ? undefined
        : `${input} must be a whole number from ${type.min} to ${INT_MAX} (${what}), ${got}`;
    case "boolean":
      return typeof value === "boolean" ? undefined : `${input} must be true or false (${what}), ${got}`;
    case "sid":
      return value === null || isUuid(value) ? undefined : `${input} must be a CarrierX ${what} sid (a UUID) or null, ${got}`;
    case "sipCodes":
      return typeof value === "string" && SIP_CODES.test(value)
        ? undefined
        : `${input} must be SIP status codes each followed by ";" (e.g. "408;503;") (${what}), ${got}`;
  }
}

/**
The declared fields of `news`, checked: a failure per bad value or missing required field, naming the input (a value
left out, or undefined, is not declared). Sids are lower-cased, as CarrierX answers them. A null for a field that has
no "none" is refused rather than read as "not declared": leaving the field out is how to let CarrierX keep its value.
*/
export function checkFields(news: Record<string, unknown>, fields: readonly Field[], failures: CheckFailure[]): Record<string, unknown> {
  const declared: Record<string, unknown> = {};
  for (const field of fields) {
    const value = news[field.input];
    if (field.required !== undefined && (value === undefined || value === null)) {
      failures.push({ property: field.input, reason: `${field.input} is required: ${field.what}; ${field.required}` });
      continue;
    }
    if (value === undefined) continue;
    const reason = problem(field, value);
    if (reason !== undefined) {
      failures.push({ property: field.input, reason: value === null ? `${reason} (leave it out to keep CarrierX's value)` : reason });
      continue;
    }
    declared[field.input] = field.type.kind === "sid" && typeof value === "string" && value !== UNKNOWN ? value.toLowerCase() : value;
  }
  return declared;
}

/** The request body for the declared fields: every one of them, under the API's names. */
export function apiBody(inputs: Record<string, unknown>, fields: readonly Field[]): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const field of fields) if (inputs[field.input] !== undefined) body[field.api] = inputs[field.input];
  return body;
}

/** Every field as CarrierX holds it, under the input names; null where the answer has none. */
export function fieldOutputs(object: Record<string, unknown>, fields: readonly Field[]): Record<string, unknown> {
  const outputs: Record<string, unknown> = {};
  for (const field of fields) {
    const value = object[field.api] ?? null;
    outputs[field.input] = field.type.kind === "sid" && typeof value === "string" ? value.toLowerCase() : value;
  }
  return outputs;
}

const codes = (value: string): string => [...new Set(value.split(";").filter((code) => code !== ""))].sort().join(";");

function same(field: Field, current: unknown, want: unknown): boolean {
  if (field.type.kind === "sipCodes" && typeof current === "string" && typeof want === "string") return codes(current) === codes(want);
  return (current ?? null) === want;
}

/**
The declared fields whose value differs from `current` (outputs: the last recorded or refreshed state). Only what the
program declares is compared, so CarrierX's defaults and fields the program leaves out never show as changes; an
unknown value (preview) counts as a change.
*/
export function changedFields(current: Record<string, unknown>, inputs: Record<string, unknown>, fields: readonly Field[]): string[] {
  return fields
    .filter((field) => inputs[field.input] !== undefined)
    .filter((field) => isUnknown(inputs[field.input]) || !same(field, current[field.input], inputs[field.input]))
    .map((field) => field.input);
}
