/**
The rules a declared DIDWW voice in trunk or trunk group must follow, checked before any request: types, ranges,
enumerations, ids, the SIP settings DIDWW refuses together (SIP registration with a host, reference §6.3), and unknown
keys with the likely meant one.

Pure functions of a plain value: the resources' `check` runs them on a program's inputs, and the routing file's
validator can run them on a YAML entry and map each failure's `property` (a path such as `sip.codecIds[2]`) back to
the entry's lines. A value may be the engine's "unknown" sentinel anywhere during a preview; it passes, and rules
that need it wait for the real value.

A secret (`sip.authPassword`) is never quoted in a message.
*/

import { closest } from "../suggest";
import { checkAdopt, describe, isUnknown, isUuid, present, UNKNOWN, type CheckFailure } from "../validate";
import { GROUP_FIELDS, isSecret, PSTN_FIELDS, SIP_FIELDS, TRUNK_FIELDS, type Field, type FieldRule } from "./trunkFields";

/** A trunk's SIP settings as declared: input names (camelCase) to values, secrets included. */
export type SipInputs = Record<string, unknown>;

export interface VoiceInTrunkInputs {
  name: string;
  description?: string | null;
  externalReferenceId?: string | null;
  priority?: number;
  weight?: number;
  capacityLimit?: number | null;
  cliFormat?: string;
  cliPrefix?: string | null;
  ringingTimeout?: number | null;
  sip?: SipInputs;
  /** `dst` as DIDWW stores it: E.164 digits without "+". */
  pstn?: { dst: string };
  /** Create takes over an existing trunk of the same name instead of refusing. */
  adopt?: boolean;
}

export interface VoiceInTrunkGroupInputs {
  name: string;
  capacityLimit?: number | null;
  externalReferenceId?: string | null;
  /** Every member; lower-cased ids. */
  trunkIds: string[];
  adopt?: boolean;
}

export type Checked<T> = { inputs: T; failures?: undefined } | { inputs?: undefined; failures: CheckFailure[] };

/** What a VoiceInTrunk takes; also the keys of a trunk the routing file declares. */
export const TRUNK_KEYS = ["name", ...TRUNK_FIELDS.map((f) => f.input), "sip", "pstn", "adopt"];
const GROUP_KEYS = ["name", ...GROUP_FIELDS.map((f) => f.input), "trunkIds", "adopt"];

export function checkVoiceInTrunk(news: Record<string, unknown>): Checked<VoiceInTrunkInputs> {
  const failures = unknownKeys(news, TRUNK_KEYS, "VoiceInTrunk", "");
  const inputs: Record<string, unknown> = { name: checkName(news["name"], "voice in trunk", failures) };
  copyFields(news, TRUNK_FIELDS, "", inputs, failures);
  const hasSip = present(news["sip"]);
  const hasPstn = present(news["pstn"]);
  if (hasSip && hasPstn) {
    failures.push({
      property: "pstn",
      reason: "set exactly one of sip or pstn: a trunk delivers calls to a SIP host or forwards them to a phone number",
    });
  } else if (hasSip) {
    const sip = checkSettings(news["sip"], "sip", SIP_FIELDS, failures);
    if (sip !== undefined) {
      if (sip !== UNKNOWN) checkSipCombinations(sip, failures);
      inputs["sip"] = sip;
    }
  } else if (hasPstn) {
    const pstn = checkSettings(news["pstn"], "pstn", PSTN_FIELDS, failures);
    if (pstn !== undefined && pstn !== UNKNOWN && !("dst" in pstn)) {
      failures.push({ property: "pstn.dst", reason: 'pstn.dst is required: the number calls are forwarded to, e.g. "4930123456789"' });
    } else if (pstn !== undefined) {
      inputs["pstn"] = pstn === UNKNOWN ? pstn : { ...pstn, dst: typeof pstn["dst"] === "string" ? pstn["dst"].replace(/^\+/, "") : pstn["dst"] };
    }
  } else {
    failures.push({
      property: "sip",
      reason: "one of sip or pstn is required: the SIP host calls are delivered to ({ host, … }) or the number they are forwarded to ({ dst })",
    });
  }
  adoptInto(news, inputs, failures);
  return failures.length > 0 ? { failures } : { inputs: inputs as unknown as VoiceInTrunkInputs };
}

export function checkVoiceInTrunkGroup(news: Record<string, unknown>): Checked<VoiceInTrunkGroupInputs> {
  const failures = unknownKeys(news, GROUP_KEYS, "VoiceInTrunkGroup", "");
  const inputs: Record<string, unknown> = { name: checkName(news["name"], "voice in trunk group", failures) };
  copyFields(news, GROUP_FIELDS, "", inputs, failures);
  inputs["trunkIds"] = checkTrunkIds(news["trunkIds"], failures);
  adoptInto(news, inputs, failures);
  return failures.length > 0 ? { failures } : { inputs: inputs as unknown as VoiceInTrunkGroupInputs };
}

/**
A group's members: a list of trunk ids (UUIDs, lower-cased), none twice; `[]` is a valid, empty group. Also what
TrunkGroupMembership checks its `trunkIds` with.
*/
export function checkTrunkIds(value: unknown, failures: CheckFailure[]): string[] {
  if (isUnknown(value)) return [UNKNOWN];
  if (!Array.isArray(value)) {
    failures.push({
      property: "trunkIds",
      reason:
        value === undefined || value === null
          ? "trunkIds is required: the list of voice in trunk ids of the group ([] removes every trunk)"
          : `trunkIds must be a list of voice in trunk ids, got ${describe(value)}`,
    });
    return [];
  }
  const ids: string[] = [];
  const firstSeen = new Map<string, number>();
  value.forEach((item, index) => {
    const property = `trunkIds[${index}]`;
    if (isUnknown(item)) {
      ids.push(UNKNOWN);
      return;
    }
    if (!isUuid(item)) {
      failures.push({
        property,
        reason:
          item === undefined || item === null || item === ""
            ? `${property} is required: the DIDWW voice in trunk id (a UUID)`
            : `${property} must be a DIDWW voice in trunk id (a UUID), got ${describe(item)}`,
      });
      return;
    }
    const id = item.toLowerCase();
    const earlier = firstSeen.get(id);
    if (earlier !== undefined) {
      failures.push({ property, reason: `trunk ${id} is listed twice (also at trunkIds[${earlier}])` });
      return;
    }
    firstSeen.set(id, index);
    ids.push(id);
  });
  return ids;
}

/** Keys a resource (or one of its objects) does not take; a typo is otherwise silently ignored. */
function unknownKeys(value: Record<string, unknown>, allowed: readonly string[], what: string, prefix: string): CheckFailure[] {
  return Object.keys(value)
    .filter((key) => key !== "__provider" && !allowed.includes(key))
    .map((key) => {
      const suggestion = closest(key, allowed);
      const hint = suggestion === undefined ? "" : ` (did you mean "${suggestion}"?)`;
      return { property: `${prefix}${key}`, reason: `${what} has no property "${prefix}${key}"${hint}; it takes ${allowed.join(", ")}` };
    });
}

function checkName(value: unknown, what: string, failures: CheckFailure[]): unknown {
  if (isUnknown(value)) return value;
  if (typeof value !== "string" || value.trim() === "") {
    const got = value === undefined || value === null || value === "" ? "" : `, got ${describe(value)}`;
    failures.push({ property: "name", reason: `name is required: the ${what}'s name in DIDWW, unique in the account${got}` });
  } else if (value.trim() !== value) {
    failures.push({ property: "name", reason: `name must not start or end with white space, got ${describe(value)}` });
  }
  return value;
}


/** `sip` or `pstn`: an object of the fields in `fields`, each checked; UNKNOWN when the whole object is unknown. */
function checkSettings(
  value: unknown,
  path: string,
  fields: readonly Field[],
  failures: CheckFailure[],
): Record<string, unknown> | typeof UNKNOWN | undefined {
  if (isUnknown(value)) return UNKNOWN;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    failures.push({ property: path, reason: `${path} must be an object of settings, got ${describe(value)}` });
    return undefined;
  }
  const settings = value as Record<string, unknown>;
  const before = failures.length;
  failures.push(...unknownKeys(settings, fields.map((f) => f.input), "VoiceInTrunk", `${path}.`));
  const checked: Record<string, unknown> = {};
  copyFields(settings, fields, `${path}.`, checked, failures);
  return failures.length > before ? undefined : checked;
}

/** Copies every declared field of `fields` that passes its rule; null is kept when the field takes null. */
function copyFields(
  from: Record<string, unknown>,
  fields: readonly Field[],
  prefix: string,
  into: Record<string, unknown>,
  failures: CheckFailure[],
): void {
  for (const field of fields) {
    const value = from[field.input];
    if (value === undefined) continue;
    const problem = isUnknown(value) ? undefined : ruleProblem(field, value, `${prefix}${field.input}`);
    if (problem !== undefined) failures.push({ property: `${prefix}${field.input}`, reason: problem });
    else into[field.input] = value;
  }
}

/** What is wrong with `value` under the field's rule, or undefined. */
function ruleProblem(field: Field, value: unknown, path: string): string | undefined {
  const { rule } = field;
  const got = isSecret(field) ? "" : `, got ${describeValue(value)}`;
  if (value === null) {
    return rule.nullable ? undefined : `${path} cannot be null: leave it out to keep DIDWW's value, or set one (${wants(rule)})`;
  }
  switch (rule.kind) {
    case "string":
      if (typeof value !== "string") return `${path} must be a string${got}`;
      if (value === "") return `${path} must not be empty: ${rule.nullable ? "set null to clear it, or leave it out" : wants(rule)}`;
      if (rule.maxLength !== undefined && value.length > rule.maxLength) return `${path} must be at most ${rule.maxLength} characters${got}`;
      if (rule.pattern !== undefined && !rule.pattern.test(value)) return `${path} must be ${rule.patternHint}${got}`;
      return undefined;
    case "integer":
      if (!Number.isInteger(value) || (value as number) < rule.min || (value as number) > rule.max) return `${path} must be ${wants(rule)}${got}`;
      return undefined;
    case "boolean":
      return typeof value === "boolean" ? undefined : `${path} must be true or false${got}`;
    case "enum":
      return rule.values.includes(value as string | number) ? undefined : `${path} must be ${wants(rule)}${got}`;
    case "integerList":
      return listProblem(value, path, got, (item) => Number.isInteger(item) && rule.allowed(item as number), rule.allowedHint, rule.minItems);
    case "stringList": {
      if (Array.isArray(value) && value.length > rule.maxItems) return `${path} takes at most ${rule.maxItems} entries, got ${value.length}`;
      // Null is "no restriction"; an empty list could be read as "none allowed", so it is not sent.
      if (Array.isArray(value) && value.length === 0) return `${path} must list at least one entry (null: no restriction)`;
      return listProblem(value, path, got, (item) => typeof item === "string" && rule.item(item), rule.itemHint, 0);
    }
  }
}

function listProblem(
  value: unknown,
  path: string,
  got: string,
  valid: (item: unknown) => boolean,
  hint: string,
  minItems: number,
): string | undefined {
  if (!Array.isArray(value)) return `${path} must be a list${got}`;
  if (value.length < minItems) return `${path} must list at least ${minItems === 1 ? "one entry" : `${minItems} entries`}`;
  const seen = new Map<unknown, number>();
  for (const [index, item] of value.entries()) {
    if (isUnknown(item)) continue;
    if (!valid(item)) return `${path}[${index}] must be ${hint}, got ${describeValue(item)}`;
    const earlier = seen.get(item);
    if (earlier !== undefined) return `${path}[${index}] repeats ${describeValue(item)} (also at ${path}[${earlier}])`;
    seen.set(item, index);
  }
  return undefined;
}

/** What a rule takes, in words: "an integer from 0 to 65535 (lower wins)", "one of "raw", "e164", "local"". */
function wants(rule: FieldRule): string {
  switch (rule.kind) {
    case "string":
      return rule.patternHint ?? "a string";
    case "integer":
      return `an integer from ${rule.min} to ${rule.max}${rule.hint ? ` (${rule.hint})` : ""}`;
    case "boolean":
      return "true or false";
    case "enum":
      return `one of ${rule.values.map((v) => (rule.labels?.[String(v)] ? `${JSON.stringify(v)} (${rule.labels[String(v)]})` : JSON.stringify(v))).join(", ")}`;
    case "integerList":
      return `a list of ${rule.allowedHint}`;
    case "stringList":
      return `a list of ${rule.itemHint}`;
  }
}

function describeValue(value: unknown): string {
  return typeof value === "number" || typeof value === "boolean" ? String(value) : describe(value);
}

/** Settings DIDWW refuses together (reference §6.3), checked once each value is known. */
function checkSipCombinations(sip: SipInputs, failures: CheckFailure[]): void {
  const known = (key: string) => sip[key] !== undefined && !isUnknown(sip[key]);
  const set = (key: string) => known(key) && sip[key] !== null;
  const registration = sip["enabledSipRegistration"];
  if (registration === true) {
    for (const key of ["host", "port"]) {
      if (set(key)) {
        failures.push({
          property: `sip.${key}`,
          reason:
            `sip.${key} must be left out when sip.enabledSipRegistration is true: the PBX registers with DIDWW instead ` +
            "of receiving calls at a fixed host, and DIDWW refuses both",
        });
      }
    }
  } else if (!isUnknown(registration) && !isUnknown(sip["host"]) && !set("host")) {
    failures.push({
      property: "sip.host",
      reason:
        "sip.host is required: the hostname or IP address DIDWW sends calls to (or set sip.enabledSipRegistration: true " +
        "to have the PBX register with DIDWW instead)",
    });
  }
  if (sip["useDidInRuri"] === true && registration !== true && !isUnknown(registration)) {
    failures.push({ property: "sip.useDidInRuri", reason: "sip.useDidInRuri requires sip.enabledSipRegistration: true" });
  }
  if (sip["authEnabled"] === true) {
    for (const key of ["authUser", "authPassword"]) {
      if (!set(key) && !isUnknown(sip[key])) {
        failures.push({ property: `sip.${key}`, reason: `sip.${key} is required when sip.authEnabled is true` });
      }
    }
  }
  const min = sip["sstMinTimer"];
  const max = sip["sstMaxTimer"];
  if (typeof min === "number" && typeof max === "number" && min > max) {
    failures.push({ property: "sip.sstMinTimer", reason: `sip.sstMinTimer (${min}) must not exceed sip.sstMaxTimer (${max})` });
  }
}

function adoptInto(news: Record<string, unknown>, inputs: Record<string, unknown>, failures: CheckFailure[]): void {
  const adopt = checkAdopt(news["adopt"], failures);
  if (adopt !== undefined) inputs["adopt"] = adopt;
}
