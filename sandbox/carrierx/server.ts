import { answerFailure, headerValue, isJsonObject, sendJson } from "../http";
import { LoopbackApi, type StandaloneApi } from "../loopback";
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";

// --- Public API ----------------------------------------------------------------------------------------------------

export interface CarrierxSeed {
  trunkGroups?: { sid: string; name: string }[];
  dids?: { sid: string; phonenumber: string; trunkGroupSid?: string | null }[];
}

export interface CarrierxSandboxOptions {
  /** The token every request must send as `Authorization: Bearer <token>`; when omitted any non-empty one works. */
  token?: string;
  /**
  Tokens that authenticate but whose scopes allow only reads (phonenumber.read without phonenumber.update, say):
  GET answers as for `token`; PATCH and PUT are refused with 403 `{"message": "Forbidden", "errors": []}`, changing
  nothing. Accepted whether or not `token` is set.
  */
  readOnlyTokens?: readonly string[];
  seed?: CarrierxSeed;
}

/** A DID object as CarrierX returns it (reference §3.7). */
export type CarrierxDid = Record<string, unknown> & {
  did_sid: string;
  phonenumber: string;
  trunk_group_sid: string | null;
};

/** The CarrierX sandbox on its own port: `url` includes /core/v2, e.g. http://127.0.0.1:54321/core/v2. */
export interface CarrierxSandbox extends StandaloneApi {
  /** A copy of the DID object, or undefined for an unknown DID. */
  did(sid: string): CarrierxDid | undefined;
  /** Copies of every DID object, ordered by `phonenumber` (the order the list endpoint serves). */
  dids(): CarrierxDid[];
  /** Every trunk group, ordered by name (the order the list endpoint serves). */
  trunkGroups(): { sid: string; name: string }[];
  /** A change made outside the API ("drift"); the group must exist. */
  setDidTrunkGroup(sid: string, trunkGroupSid: string | null): void;
  /** The DID leaves the partner's account (released): it answers 404 from then on. */
  removeDid(sid: string): void;
}

export function createCarrierxSandbox(options: CarrierxSandboxOptions = {}): CarrierxSandbox {
  return new CarrierxSandboxServer(options.token, seedState(options.seed ?? {}), options.readOnlyTokens ?? []);
}

// --- State ---------------------------------------------------------------------------------------------------------

const PARTNER_SID = "e00430c3-a7d0-4666-ab5c-f7202448382f";
/** Page sizes (reference §3.6). */
const DEFAULT_LIMIT = 10;
const MAX_LIMIT = 1000;

/** Fields a DID update may change (reference §3.2, "Writable on PATCH/PUT (expected)"), with PUT's reset values. */
const WRITABLE_DID_FIELDS: Readonly<Record<string, unknown>> = {
  attributes: {}, callback_url: null, did_group_sid: null, name: "N/A", string_key_1: null, string_key_2: null,
  transformations: [], trunk_group_sid: null,
};

interface State {
  dids: Map<string, CarrierxDid>;
  groups: Map<string, { sid: string; name: string }>;
}

function seedState(seed: CarrierxSeed): State {
  const state: State = { dids: new Map(), groups: new Map() };
  for (const group of seed.trunkGroups ?? []) state.groups.set(group.sid, { ...group });
  for (const did of seed.dids ?? []) {
    const group = did.trunkGroupSid ?? null;
    if (group !== null && !state.groups.has(group)) {
      throw new Error(`seed DID ${did.sid}: unknown trunk group ${group} in the CarrierX sandbox`);
    }
    state.dids.set(did.sid, didObject(did.sid, did.phonenumber, group));
  }
  return state;
}

/**
Every field of the documented sample. The sandbox models the sid, the number and the trunk group; the number's
formats are derived plainly, and every other field keeps the sample's (US DID) value.
*/
function didObject(sid: string, phonenumber: string, trunkGroupSid: string | null): CarrierxDid {
  return {
    active_capabilities: 4, attributes: {}, callback_url: null, campaign_sid: null, capabilities: 7,
    classification_sid: "17f4d954-d635-4cda-912b-c2a2fa3a6860", country_code: "USA", did_group_sid: null,
    did_sid: sid, in_country_format: phonenumber, international_format: `+${phonenumber}`, lata: null,
    locality: "NEW YORK", lrn_sid: null, name: "N/A", ocn: "251F", partner_sid: PARTNER_SID, phonenumber,
    porting_pin: null, price: "0.6", state: "NY", status: "assigned", string_key_1: null, string_key_2: null,
    transformations: [], trunk_group_sid: trunkGroupSid,
  };
}

/** Defaults from the trunk-group sample (reference §4.4). */
function groupObject(group: { sid: string; name: string }): Record<string, unknown> {
  return {
    acls: [], hard_failure_codes: "408;", hard_failure_cooldown: 120, hard_failure_interval: 60,
    hard_failure_last_resort: "first", hard_failure_threshold: 3, name: group.name, partner_sid: PARTNER_SID,
    routing_data: null, routing_type: "failover", sip_options_locations: [], sip_options_threshold: 3,
    soft_failure_codes: "408;", transformations: [], trunk_group_sid: group.sid,
  };
}

// --- Errors, in CarrierX's shape -----------------------------------------------------------------------------------

interface FieldError {
  field: string;
  message: string;
  reference_sid: string | null;
}

class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors: FieldError[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** CarrierX's error body (the shape the reference calls plausible). */
export const errorBody = (message: string, errors: readonly FieldError[] = []): object => ({ message, errors });

const validation = (errors: FieldError[]): ApiError => new ApiError(422, "object validation error", errors);

/** A bad query argument: `field` names the argument, so clients that print `errors[]` show what to fix. */
const badQuery = (field: string, message: string): ApiError =>
  new ApiError(400, "Bad Request", [{ field, message, reference_sid: null }]);

// --- Handlers ------------------------------------------------------------------------------------------------------

/** What a handler needs from the request, once authentication, route and body have been checked. */
interface HandlerInput {
  readonly state: State;
  /** The sid in the path; empty for collection paths. */
  readonly sid: string;
  readonly body: unknown;
  readonly query: URLSearchParams;
  /** The collection's absolute URL, e.g. http://127.0.0.1:54321/core/v2/phonenumber/dids (for `pagination.next`). */
  readonly collectionUrl: string;
}

type Handler = (input: HandlerInput) => object;

function requireDid(state: State, sid: string): CarrierxDid {
  const did = state.dids.get(sid);
  if (did === undefined) throw new ApiError(404, "Cannot find item by SID");
  return did;
}

/**
Checks every field of an update body, so a refused update changes nothing. Read-only fields may be sent unchanged
(a PUT must carry the whole object); changing one, or sending a field a DID does not have, is refused.
*/
function changesOf(state: State, did: CarrierxDid, body: unknown): Record<string, unknown> {
  if (!isJsonObject(body)) throw new ApiError(400, "No JSON object could be decoded");
  const errors: FieldError[] = [];
  const refuse = (field: string, message: string, reference_sid: string | null = null) =>
    errors.push({ field, message, reference_sid });
  for (const [field, value] of Object.entries(body)) {
    if (field === "trunk_group_sid") {
      if (value !== null && typeof value !== "string") refuse(field, "must be a string or null");
      else if (value !== null && !state.groups.has(value)) refuse(field, "trunk group not found", value);
    } else if (!(field in did)) {
      refuse(field, "unknown field");
    } else if (!(field in WRITABLE_DID_FIELDS) && JSON.stringify(value) !== JSON.stringify(did[field])) {
      refuse(field, "field is read only");
    }
  }
  if (errors.length > 0) throw validation(errors);
  return Object.fromEntries(Object.entries(body).filter(([field]) => field in WRITABLE_DID_FIELDS));
}

const getDid: Handler = ({ state, sid }) => requireDid(state, sid);

/** PATCH: only the fields sent change (nested `attributes` merge, as the reference infers for default PATCH). */
const patchDid: Handler = ({ state, sid, body }) => {
  const did = requireDid(state, sid);
  for (const [field, value] of Object.entries(changesOf(state, did, body))) {
    const current = did[field];
    const merge = field === "attributes" && isJsonObject(current) && isJsonObject(value);
    did[field] = merge ? { ...current, ...value } : value;
  }
  return did;
};

/** PUT: the whole writable object is replaced; a field left out falls back to its default (a route is lost). */
const putDid: Handler = ({ state, sid, body }) => {
  const did = requireDid(state, sid);
  const changes = changesOf(state, did, body);
  for (const [field, reset] of Object.entries(WRITABLE_DID_FIELDS)) {
    did[field] = field in changes ? changes[field] : reset;
  }
  return did;
};

const getGroup: Handler = ({ state, sid }) => {
  const group = state.groups.get(sid);
  if (group === undefined) throw new ApiError(404, "Cannot find item by SID");
  return groupObject(group);
};

/** The documented `trunk_group_sid` query argument narrows the DID list like the equivalent filter. */
const listDids: Handler = (input) => {
  const conditions = parseFilter(input.query.get("filter") ?? "", ["phonenumber", "did_sid", "trunk_group_sid"]);
  const group = input.query.get("trunk_group_sid");
  if (group !== null) conditions.push({ attribute: "trunk_group_sid", value: group });
  const items = sortedDids(input.state).filter((did) => matches(did, conditions));
  return page(items, input);
};

const listGroups: Handler = (input) => {
  const conditions = parseFilter(input.query.get("filter") ?? "", ["name", "trunk_group_sid"]);
  const items = sortedGroups(input.state).map(groupObject).filter((group) => matches(group, conditions));
  return page(items, input);
};

const ROUTES: { pattern: RegExp; handlers: Readonly<Record<string, Handler>> }[] = [
  { pattern: /^\/core\/v2\/phonenumber\/dids$/, handlers: { GET: listDids } },
  { pattern: /^\/core\/v2\/phonenumber\/dids\/([^/]+)$/, handlers: { GET: getDid, PATCH: patchDid, PUT: putDid } },
  { pattern: /^\/core\/v2\/trunk_groups$/, handlers: { GET: listGroups } },
  { pattern: /^\/core\/v2\/trunk_groups\/([^/]+)$/, handlers: { GET: getGroup } },
];

function sortedDids(state: State): CarrierxDid[] {
  return [...state.dids.values()].sort((a, b) => compare(a.phonenumber, b.phonenumber) || compare(a.did_sid, b.did_sid));
}

function sortedGroups(state: State): { sid: string; name: string }[] {
  return [...state.groups.values()].sort((a, b) => compare(a.name, b.name) || compare(a.sid, b.sid));
}

/** Code-unit order, so the order never depends on the machine's locale. */
const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

// --- Lists: filter and pagination (reference §3.5, §3.6) -----------------------------------------------------------

interface Condition {
  attribute: string;
  value: string;
}

/** One `<attr> <op> <value>`; the value is double-quoted, single-quoted or bare (no spaces, no quotes). */
const CONDITION = /\s*([A-Za-z_][\w.]*)\s+(\S+)\s+(?:"([^"]*)"|'([^']*)'|([^\s"']+))\s*/y;
const AND = /and\s+/y;

/** Parses `filter`; whatever the sandbox cannot evaluate exactly is refused (400) rather than ignored. */
function parseFilter(filter: string, attributes: readonly string[]): Condition[] {
  const conditions: Condition[] = [];
  let position = 0;
  while (filter.trim() !== "" && position < filter.length) {
    if (conditions.length > 0) {
      AND.lastIndex = position;
      if (!AND.test(filter)) throw malformedFilter(filter.slice(position));
      position = AND.lastIndex;
    }
    CONDITION.lastIndex = position;
    const match = CONDITION.exec(filter);
    if (match === null) throw malformedFilter(filter.slice(position));
    position = CONDITION.lastIndex;
    const [text, attribute = "", operator = ""] = match;
    if (!attributes.includes(attribute)) {
      const supported = attributes.join(", ");
      throw badQuery("filter", `unsupported filter attribute "${attribute}" (the sandbox filters on ${supported})`);
    }
    if (operator !== "eq") {
      throw badQuery("filter", `unsupported filter operator "${operator}" in "${text.trim()}" (the sandbox supports eq)`);
    }
    conditions.push({ attribute, value: match[3] ?? match[4] ?? match[5] ?? "" });
  }
  return conditions;
}

const malformedFilter = (rest: string): ApiError =>
  badQuery(
    "filter",
    `malformed filter near "${rest.trim()}" (expected <attr> <op> <value> conditions joined with " and ")`,
  );

function matches(item: Record<string, unknown>, conditions: readonly Condition[]): boolean {
  return conditions.every(({ attribute, value }) => item[attribute] === value);
}

/** Query arguments CarrierX documents that would change which items come back; the sandbox does not model them. */
const UNSUPPORTED_LIST_ARGUMENTS = ["order", "after", "before"];

function page(items: readonly object[], input: HandlerInput): object {
  for (const name of UNSUPPORTED_LIST_ARGUMENTS) {
    if (input.query.has(name)) throw badQuery(name, `${name} is not supported by the sandbox`);
  }
  const limit = integerArgument(input.query, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
  const offset = integerArgument(input.query, "offset", 0, 0, Number.MAX_SAFE_INTEGER);
  const pageItems = items.slice(offset, offset + limit);
  const hasMore = offset + pageItems.length < items.length;
  return {
    count: pageItems.length,
    has_more: hasMore,
    items: pageItems.map((item) => structuredClone(item)),
    limit,
    offset,
    pagination: hasMore ? { next: nextPageUrl(input, limit, offset + limit) } : {},
    total: items.length,
  };
}

/** Plain decimal digits only: `1e3`, `+5` or `2.0` are refused like any other non-integer. */
function integerArgument(query: URLSearchParams, name: string, fallback: number, min: number, max: number): number {
  const text = query.get(name);
  if (text === null) return fallback;
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= min && value <= max)) {
    const range = max === Number.MAX_SAFE_INTEGER ? `an integer of at least ${min}` : `an integer from ${min} to ${max}`;
    throw badQuery(name, `${name} must be ${range}, not "${text}"`);
  }
  return value;
}

/** Absolute, keeping the request's other arguments (the filter above all), as clients follow it verbatim. */
function nextPageUrl(input: HandlerInput, limit: number, offset: number): string {
  const query = new URLSearchParams(input.query);
  query.delete("limit");
  query.delete("offset");
  query.append("limit", String(limit));
  query.append("offset", String(offset));
  return `${input.collectionUrl}?${query.toString()}`;
}

function resolveRoute(method: string, path: string): { sid: string; handler: Handler } {
  // A collection pattern has no capture group, so `sid` is "" for it.
  for (const { pattern, handlers } of ROUTES) {
    const match = pattern.exec(path);
    if (!match) continue;
    const handler = handlers[method];
    const allow = Object.keys(handlers).join(", ");
    if (handler === undefined) throw new ApiError(405, "Method Not Allowed", [], { allow });
    try {
      return { sid: decodeURIComponent(match[1] ?? ""), handler };
    } catch {
      break; // a malformed %-escape names no object
    }
  }
  throw new ApiError(404, "Not Found");
}

// --- HTTP plumbing -------------------------------------------------------------------------------------------------

const JSON_MEDIA_TYPE = "application/json";

/**
The request's bearer token when the sandbox accepts it, and what it may do: "read" for a read-only token, "write" for
any other accepted one; undefined when it is missing or wrong. Also what the fault layer keys rate limits by.
*/
export function tokenAccess(
  headers: IncomingHttpHeaders,
  token: string | undefined,
  readOnlyTokens: readonly string[],
): { token: string; access: "read" | "write" } | undefined {
  const sent = /^Bearer (\S+)$/.exec(headerValue(headers, "authorization") ?? "")?.[1];
  if (sent === undefined) return undefined;
  if (readOnlyTokens.includes(sent)) return { token: sent, access: "read" };
  return token === undefined || sent === token ? { token: sent, access: "write" } : undefined;
}

function authorize(
  headers: IncomingHttpHeaders,
  token: string | undefined,
  readOnlyTokens: readonly string[],
): "read" | "write" {
  const accepted = tokenAccess(headers, token, readOnlyTokens);
  if (accepted === undefined) throw new ApiError(401, "Bad credentials");
  return accepted.access;
}

/** Media-type parameters (`; charset=utf-8`) are accepted; any other type is not. */
function checkContentType(headers: IncomingHttpHeaders): void {
  const type = headerValue(headers, "content-type")?.split(";")[0]?.trim().toLowerCase();
  if (type !== JSON_MEDIA_TYPE) throw new ApiError(415, "Unsupported media type");
}

class CarrierxSandboxServer extends LoopbackApi implements CarrierxSandbox {
  constructor(
    private readonly token: string | undefined,
    private readonly state: State,
    private readonly readOnlyTokens: readonly string[] = [],
  ) {
    super("CarrierX", "/core/v2");
  }

  did(sid: string): CarrierxDid | undefined {
    const did = this.state.dids.get(sid);
    return did && structuredClone(did);
  }

  setDidTrunkGroup(sid: string, trunkGroupSid: string | null): void {
    const did = this.state.dids.get(sid);
    if (did === undefined) throw new Error(`unknown DID ${sid} in the CarrierX sandbox`);
    if (trunkGroupSid !== null && !this.state.groups.has(trunkGroupSid)) {
      throw new Error(`unknown trunk group ${trunkGroupSid} in the CarrierX sandbox`);
    }
    did.trunk_group_sid = trunkGroupSid;
  }

  removeDid(sid: string): void {
    if (!this.state.dids.delete(sid)) throw new Error(`unknown DID ${sid} in the CarrierX sandbox`);
  }

  dids(): CarrierxDid[] {
    return sortedDids(this.state).map((did) => structuredClone(did));
  }

  trunkGroups(): { sid: string; name: string }[] {
    return sortedGroups(this.state).map((group) => ({ ...group }));
  }

  async handle(request: IncomingMessage, response: ServerResponse, baseUrl: string): Promise<void> {
    const { method, url, body, record } = await this.receive(request);
    try {
      const access = authorize(request.headers, this.token, this.readOnlyTokens);
      const route = resolveRoute(method, url.pathname);
      // A missing scope is refused before the body or the object is looked at, so it changes nothing.
      if (access === "read" && (method === "PATCH" || method === "PUT")) throw new ApiError(403, "Forbidden");
      if (method === "PATCH" || method === "PUT") {
        checkContentType(request.headers);
        if (body.kind !== "json") throw new ApiError(400, "No JSON object could be decoded");
      }
      // The path below /core/v2, appended to the base URL the request arrived on.
      const collectionUrl = `${baseUrl}${url.pathname.slice("/core/v2".length)}`;
      const input = { state: this.state, sid: route.sid, body: record.body, query: url.searchParams, collectionUrl };
      sendJson(response, 200, JSON_MEDIA_TYPE, route.handler(input));
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      sendJson(response, error.status, JSON_MEDIA_TYPE, errorBody(error.message, error.errors), error.headers);
    }
  }

  protected fail(response: ServerResponse, error: unknown): void {
    answerFailure(response, error, (detail) => sendJson(response, 500, JSON_MEDIA_TYPE, errorBody(detail)));
  }
}
