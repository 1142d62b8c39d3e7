/**
Trunk group and trunk objects as the sandbox keeps them: their fields with CarrierX's defaults (the documented
samples, reference §4.4), which fields a client may write and the values each takes, and the one function that
applies a create or update body. Every field of a body is checked before anything changes, so a refused request
changes nothing.

Written apart from the provider's field table on purpose: the sandbox stands in for CarrierX, so a mistake in the
provider's idea of a field shows up against it instead of being mirrored.
*/

import { ApiError, validation, type FieldError } from "./errors";

export type CarrierxObject = Record<string, unknown>;

type Rule = (value: unknown) => string | undefined;

const string: Rule = (v) => (typeof v === "string" && v.trim() !== "" ? undefined : "must be a non-empty string");
const integer = (min: number): Rule => (v) =>
  Number.isInteger(v) && (v as number) >= min && (v as number) <= 2 ** 31 - 1 ? undefined : `must be an integer of at least ${min}`;
const oneOf = (values: readonly unknown[]): Rule => (v) =>
  values.includes(v) ? undefined : `must be one of ${values.map((x) => JSON.stringify(x)).join(", ")}`;
const boolean: Rule = (v) => (typeof v === "boolean" ? undefined : "must be a boolean");
const sidOrNull: Rule = (v) =>
  v === null || (typeof v === "string" && /^[0-9a-f-]{36}$/i.test(v)) ? undefined : "must be a sid or null";
const codes: Rule = (v) =>
  typeof v === "string" && /^(?:[1-6]\d\d;)*(?:[1-6]\d\d;?)?$/.test(v) ? undefined : 'must be SIP codes separated by ";"';
const array: Rule = (v) => (Array.isArray(v) ? undefined : "must be an array");
const anything: Rule = () => undefined;

interface Writable {
  default: unknown;
  rule: Rule;
}

/** A trunk group's writable fields (reference §4.3, §4.4); `trunk_group_sid` and `partner_sid` are read only. */
export const GROUP_FIELDS: Readonly<Record<string, Writable>> = {
  acls: { default: [], rule: array },
  hard_failure_codes: { default: "408;", rule: codes },
  hard_failure_cooldown: { default: 120, rule: integer(0) },
  hard_failure_interval: { default: 60, rule: integer(0) },
  hard_failure_last_resort: { default: "first", rule: oneOf(["first", "reject502", "reject503"]) },
  hard_failure_threshold: { default: 3, rule: integer(0) },
  name: { default: "N/A", rule: string },
  routing_data: { default: null, rule: anything },
  routing_type: { default: "failover", rule: string },
  sip_options_locations: { default: [], rule: array },
  sip_options_threshold: { default: 3, rule: integer(0) },
  soft_failure_codes: { default: "408;", rule: codes },
  transformations: { default: [], rule: array },
};

/** A trunk's writable fields (reference §4.4, §4.5); `trunk_sid` is read only. */
export const TRUNK_FIELDS: Readonly<Record<string, Writable>> = {
  acls: { default: [], rule: array },
  allow_forward: { default: "disabled", rule: oneOf(["direct", "direct_uri", "disabled", "protected", "reroute"]) },
  allow_transfer: { default: false, rule: boolean },
  asn_mode: { default: "disable", rule: oneOf(["disable", "read", "write", "read_write"]) },
  call_type: { default: "regular", rule: string },
  codec: {
    default: null,
    rule: oneOf([null, "alaw", "g722", "g723", "g729", "gsm", "opus8", "opus12", "opus16", "opus24", "opus48", "ulaw"]),
  },
  endpoint_sid: { default: null, rule: sidOrNull },
  in_capacity: { default: 0, rule: integer(-1) },
  in_identity_format: { default: "passthrough", rule: string },
  in_identity_mode: { default: "passthrough", rule: string },
  in_rfc_4694_mode: { default: "cut_all", rule: string },
  location_sid: { default: null, rule: sidOrNull },
  name: { default: "N/A", rule: string },
  out_capacity: { default: 0, rule: integer(-1) },
  out_identity_mode: { default: "passthrough", rule: string },
  out_rfc_4694_mode: { default: "cut_all", rule: string },
  priority: { default: 0, rule: integer(0) },
  relay_sip_headers: { default: [], rule: array },
  transformations: { default: [], rule: array },
  weight: { default: 0, rule: integer(0) },
};

/** A new object: every writable field at its default, then its read-only fields (the sid), in the samples' order. */
export function defaults(fields: Readonly<Record<string, Writable>>, readOnly: CarrierxObject): CarrierxObject {
  const object: CarrierxObject = { ...readOnly };
  for (const [name, field] of Object.entries(fields)) object[name] = structuredClone(field.default);
  return Object.fromEntries(Object.entries(object).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
Applies `body` to `object`: PATCH (and create, on a new object) changes the fields sent; PUT also resets every
writable field left out to its default. `allowed` names body keys the caller handles itself (a group's `trunks`).
Read-only fields may be sent unchanged; changing one, an unknown field, or a bad value is refused with 422 and
nothing changes.
*/
export function applyBody(
  object: CarrierxObject,
  body: unknown,
  fields: Readonly<Record<string, Writable>>,
  mode: "patch" | "put",
  allowed: readonly string[] = [],
): void {
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new ApiError(400, "No JSON object could be decoded");
  const errors: FieldError[] = [];
  const refuse = (field: string, message: string) => errors.push({ field, message, reference_sid: null });
  const sent = body as CarrierxObject;
  for (const [name, value] of Object.entries(sent)) {
    if (allowed.includes(name)) continue;
    const field = fields[name];
    if (field === undefined) {
      if (!(name in object)) refuse(name, "unknown field");
      else if (JSON.stringify(value) !== JSON.stringify(object[name])) refuse(name, "field is read only");
      continue;
    }
    const problem = field.rule(value);
    if (problem !== undefined) refuse(name, problem);
  }
  if (errors.length > 0) throw validation(errors);
  for (const [name, field] of Object.entries(fields)) {
    if (name in sent) object[name] = structuredClone(sent[name]);
    else if (mode === "put") object[name] = structuredClone(field.default);
  }
}
