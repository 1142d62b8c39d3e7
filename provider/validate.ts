/**
The value the engine sends for an input that is not known yet (an Output of a resource still to be created, during
preview). It arrives in place of a value of any type, so every check has to accept it first.
*/
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export function isUnknown(value: unknown): boolean {
  return value === UNKNOWN;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === "string" && UUID.test(value);
}

/** Describes a received value for an error message without echoing long or odd input verbatim. */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "string") return value.length > 60 ? `"${value.slice(0, 57)}..."` : JSON.stringify(value);
  if (Array.isArray(value)) return "a list";
  return typeof value === "object" ? "an object" : String(value);
}

export interface CheckFailure {
  property: string;
  reason: string;
}

/** Set: neither undefined nor null (null clears an optional input). */
export function present(value: unknown): boolean {
  return value !== undefined && value !== null;
}

/**
The `adopt` input of the resources that create an object by name (DIDWW trunks and groups, CarrierX groups and
trunks): a boolean, or not set (undefined, null); an unknown value during preview passes.
*/
export function checkAdopt(value: unknown, failures: CheckFailure[]): boolean | undefined {
  if (!present(value)) return undefined;
  if (typeof value === "boolean" || isUnknown(value)) return value as boolean | undefined;
  failures.push({ property: "adopt", reason: `adopt must be true or false, got ${describe(value)}` });
  return undefined;
}

/** Failures for properties a resource does not take (a typo in a JavaScript program is otherwise silently ignored). */
export function unknownProperties(
  news: Record<string, unknown>,
  allowed: readonly string[],
  resource: string,
): CheckFailure[] {
  return Object.keys(news)
    .filter((key) => key !== "__provider" && !allowed.includes(key))
    .map((key) => ({
      property: key,
      reason: `${resource} has no property "${key}"; it takes ${allowed.join(", ")}`,
    }));
}

/**
Checks one id input: a UUID, or unknown during preview. Returns the lower-cased id (DIDWW and CarrierX compare ids
case-insensitively and answer in lower case, so state and diffs stay stable), or undefined after recording a failure.
`term` is what the API calls its ids in messages: DIDWW says "id", CarrierX "sid".
*/
export function checkUuid(
  value: unknown,
  property: string,
  what: string,
  failures: CheckFailure[],
  term: "id" | "sid" = "id",
): string | undefined {
  if (isUnknown(value)) return UNKNOWN;
  if (value === undefined || value === null || value === "") {
    failures.push({ property, reason: `${property} is required: the ${what} ${term} (a UUID)` });
    return undefined;
  }
  if (!isUuid(value)) {
    failures.push({ property, reason: `${property} must be a ${what} ${term} (a UUID), got ${describe(value)}` });
    return undefined;
  }
  return value.toLowerCase();
}

/**
A phone number as people write it: "+", the country code and the number, digits only. Up to 17 digits, not E.164's
15, because DIDWW's own documented numbers (e.g. 16091609123456797) are that long.
*/
const E164 = /^\+[1-9]\d{5,16}$/;

export function isE164(value: unknown): value is string {
  return typeof value === "string" && E164.test(value);
}

/** "+16091609123456797" → "16091609123456797", the form both APIs store and answer with. */
export function digitsOf(number: string): string {
  return number.replace(/^\+/, "");
}

export const E164_EXAMPLE = '"+442037691880"';

/** Checks a `number` input: E.164 with "+", or unknown during preview. */
export function checkNumber(value: unknown, property: string, failures: CheckFailure[]): string | undefined {
  if (isUnknown(value)) return UNKNOWN;
  if (!isE164(value)) {
    failures.push({
      property,
      reason: `${property} must be in E.164 form: "+", the country code and the number, digits only (e.g. ${E164_EXAMPLE}), got ${describe(value)}`,
    });
    return undefined;
  }
  return value;
}
