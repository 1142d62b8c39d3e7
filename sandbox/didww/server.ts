import { readBody } from "../body";
import { LoopbackListener } from "../loopback";
import { patchDid } from "./dids";
import {
  includedResources,
  parseInclude,
  renderResource,
  resourceDocument,
  validateInclude,
  type RequestContext,
} from "./documents";
import {
  ApiError,
  filterNotAllowed,
  invalidFiltersSyntax,
  invalidPageObject,
  invalidPageValue,
  invalidSortCriteria,
  malformedJson,
  methodNotAllowed,
  notAcceptable,
  pageParamNotAllowed,
  payloadTooLarge,
  recordNotFound,
  routeNotFound,
  unauthorized,
  unsupportedMediaType,
} from "./errors";
import { patchGroup } from "./groups";
import { JSON_API_MEDIA_TYPE, kindOfCollection, negotiateVersion, typeOf, type Kind, type Naming } from "./naming";
import { asList, attributesOf, PLACEHOLDER_CONFIGURATION_TYPE } from "./resources";
import { SandboxState, type DidRecord, type DidwwSeed } from "./state";
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import { createHash, randomUUID } from "node:crypto";
import { URL } from "node:url";

// ---------------------------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------------------------

export interface RecordedRequest {
  method: string;
  /** Path without the query string, e.g. `/v3/dids/123`. */
  path: string;
  query: Record<string, string>;
  /** Header names lower-cased, values as sent (repeated headers joined with `, `). */
  headers: Record<string, string | undefined>;
  /** The parsed JSON body, or undefined when there was no body or it was not valid JSON. */
  body: unknown;
}

export interface DidwwSandboxOptions {
  /** The API key every request must send in `Api-Key`; when omitted any non-empty key is accepted. */
  apiKey?: string;
  seed?: DidwwSeed;
}

export interface DidRouting {
  id: string;
  number: string;
  trunkId: string | null;
  trunkGroupId: string | null;
}

export interface TrunkSummary {
  id: string;
  name: string;
  /** The group the trunk belongs to (at most one), or null. */
  trunkGroupId: string | null;
}

export interface TrunkGroupSummary {
  id: string;
  name: string;
  /** Members in membership order. */
  trunkIds: string[];
}

export interface DidwwSandbox {
  /** Base URL including /v3, e.g. http://127.0.0.1:54321/v3 (valid after listen). */
  readonly url: string;
  /** Binds 127.0.0.1; port 0 (the default) picks a free port. Resolves to `url`. */
  listen(port?: number): Promise<string>;
  close(): Promise<void>;
  /** Every request received, in order (for tests asserting the exact wire traffic). */
  readonly requests: RecordedRequest[];
  /** Direct access to state, to simulate hand changes ("drift") and to assert results. */
  did(id: string): DidRouting | undefined;
  setDidRouting(id: string, routing: { trunkId?: string | null; trunkGroupId?: string | null }): void;
  removeDid(id: string): void;
  /** Trunk ids currently in the group, in membership order; undefined for an unknown group. */
  trunkGroupMembers(groupId: string): string[] | undefined;
  setTrunkGroupMembers(groupId: string, trunkIds: string[]): void;
  /** Every DID ordered by number (as `sort=number` orders them, digit by digit), then id; for printing routing. */
  dids(): DidRouting[];
  /** Every trunk ordered by name, then id. */
  trunks(): TrunkSummary[];
  /** Every trunk group ordered by name, then id. */
  trunkGroups(): TrunkGroupSummary[];
  /** Answers one request as if it arrived at `baseUrl` (…/v3); lets one server carry several sandbox APIs. */
  handle(request: IncomingMessage, response: ServerResponse, baseUrl: string): Promise<void>;
}

export function createDidwwSandbox(options: DidwwSandboxOptions = {}): DidwwSandbox {
  return new DidwwSandboxServer(options.apiKey, SandboxState.fromSeed(options.seed ?? {}));
}

// ---------------------------------------------------------------------------------------------------------------
// Constants
// ---------------------------------------------------------------------------------------------------------------

/** Lists answer this many records when the client sends no `page[size]` (reference §8). */
const DEFAULT_PAGE_SIZE = 50;
/**
DIDWW's OpenAPI says 1000, its pagination page and Postman text say 100 (reference §8, open question 4). The sandbox
enforces 100: a client that pages within it works against either limit, the other way round it might not.
*/
const MAX_PAGE_SIZE = 100;

// ---------------------------------------------------------------------------------------------------------------
// Resources and their relationships
// ---------------------------------------------------------------------------------------------------------------

function recordExists(state: SandboxState, kind: Kind, id: string): boolean {
  if (kind === "dids") return state.dids.has(id);
  return kind === "trunks" ? state.trunks.has(id) : state.groups.has(id);
}

// ---------------------------------------------------------------------------------------------------------------
// GET /v3/dids, /v3/voice_in_trunks, /v3/voice_in_trunk_groups (lists)
// ---------------------------------------------------------------------------------------------------------------

/**
One `filter[name]`: the values a record has for it. A record matches when any of them is among the values the
client listed (a comma-separated list means "any of"); several filters must all match.
*/
interface FilterDef {
  readonly valuesOf: (id: string, state: SandboxState) => readonly string[];
  /** The filter is on a boolean column, so the client's values are cast the way Rails casts them. */
  readonly boolean?: true;
}

const byId: FilterDef = { valuesOf: (id) => [id] };

/** Compares with the attribute as rendered; a null attribute matches nothing, as SQL `IN` never matches NULL. */
function byAttribute(kind: Kind, name: string, boolean?: true): FilterDef {
  const valuesOf = (id: string, state: SandboxState): string[] => {
    const value = attributesOf(kind, id, state)[name];
    return value === null || value === undefined ? [] : [String(value)];
  };
  return boolean ? { valuesOf, boolean } : { valuesOf };
}

const isPendingRemoval = (did: DidRecord): boolean => did.billingCyclesCount === 0;

const byDidTrunk: FilterDef = { valuesOf: (id, state) => asList(state.requireDid(id).trunkId) };
const byDidTrunkGroup: FilterDef = { valuesOf: (id, state) => asList(state.requireDid(id).trunkGroupId) };

/** Filters on relationships the sandbox names but never populates: like their always-null linkage, they never match. */
const neverMatches: FilterDef = { valuesOf: () => [] };

/** Accepted because DIDWW documents them ([OAS] `DidFilter`); the sandbox has no such records. */
const DID_UNMODELLED_FILTERS = [
  "address_verification.id",
  "capacity_pool.id",
  "city.id",
  "country.id",
  "did_group.features",
  "did_group.id",
  "emergency_calling_service.id",
  "order.id",
  "order.reference",
  "region.id",
  "shared_capacity_group.id",
];

/**
The filters DIDWW documents for each list ([OAS] `DidFilter`, `VoiceInTrunkFilter`, `VoiceInTrunkGroupFilter`);
anything else is refused like jsonapi-resources does. Groups have no `name` filter at DIDWW, so neither here.
The lists are the 2026-04-16 ones for every version, except for the 2021-12-15 rename of the DID routing filters.
*/
function filterDefs(kind: Kind, naming: Naming): ReadonlyMap<string, FilterDef> {
  switch (kind) {
    case "dids":
      return didFilterDefs(naming);
    case "trunks":
      return new Map([
        ["id", byId],
        ["name", byAttribute("trunks", "name")],
        ["external_reference_id", byAttribute("trunks", "external_reference_id")],
        ["configuration.type", { valuesOf: () => [PLACEHOLDER_CONFIGURATION_TYPE] }],
      ]);
    case "groups":
      return new Map([
        ["id", byId],
        ["external_reference_id", byAttribute("groups", "external_reference_id")],
      ]);
  }
}

/**
2026-04-16 still accepts the pre-rename `trunk.id` / `trunk_group.id` ([OAS] `DidFilter`). The reverse is not
assumed: under a version before 2021-12-15 the DID has no `voice_in_trunk` relationship, so `voice_in_trunk.id`
is refused with 102, as the new relationship names are in PATCH bodies and the new paths are with 404. A client
that works here therefore sends the names its version defines.
*/
function didFilterDefs(naming: Naming): Map<string, FilterDef> {
  const filters = new Map<string, FilterDef>([
    ["id", byId],
    ["number", byAttribute("dids", "number")],
    ["description", byAttribute("dids", "description")],
    ["billing_cycles_count", byAttribute("dids", "billing_cycles_count")],
    ["blocked", byAttribute("dids", "blocked", true)],
    ["terminated", byAttribute("dids", "terminated", true)],
    ["awaiting_registration", byAttribute("dids", "awaiting_registration", true)],
    ["emergency_enabled", byAttribute("dids", "emergency_enabled", true)],
    // Replaced by billing_cycles_count = 0 in 2021-04-19 (reference §5.2), but still a documented filter.
    ["pending_removal", { valuesOf: (id, state) => [String(isPendingRemoval(state.requireDid(id)))], boolean: true }],
    ["trunk.id", byDidTrunk],
    ["trunk_group.id", byDidTrunkGroup],
    [`${naming.trunk}.id`, byDidTrunk],
    [`${naming.trunkGroup}.id`, byDidTrunkGroup],
  ]);
  for (const name of DID_UNMODELLED_FILTERS) filters.set(name, neverMatches);
  return filters;
}

interface Filter {
  readonly def: FilterDef;
  readonly values: ReadonlySet<string>;
}

/** `page[size]` → `size` for param "page"; undefined for any other key. */
function bracketedName(param: string, key: string): string | undefined {
  return key.startsWith(`${param}[`) && key.endsWith("]") ? key.slice(param.length + 1, -1) : undefined;
}

/** Refuses the first unknown filter, as jsonapi-resources does. */
function readFilters(query: Readonly<Record<string, string>>, kind: Kind, naming: Naming): Filter[] {
  const defs = filterDefs(kind, naming);
  const filters: Filter[] = [];
  for (const [key, raw] of Object.entries(query)) {
    if (key === "filter") throw invalidFiltersSyntax(raw);
    const name = bracketedName("filter", key);
    if (name === undefined) continue;
    const def = defs.get(name);
    if (def === undefined) throw filterNotAllowed(name);
    filters.push({ def, values: filterValues(raw, def) });
  }
  return filters;
}

/**
Values are compared exactly: no trimming, and no `+` stripping, since DIDWW's numbers never carry one. Empty items
are dropped, so `filter[id]=` matches nothing.
*/
function filterValues(raw: string, def: FilterDef): Set<string> {
  const items = raw.split(",").filter((item) => item !== "");
  return new Set(def.boolean ? items.map(castBoolean) : items);
}

/** ActiveModel's boolean cast, which DIDWW's `where` applies to filter values: these spell false, the rest true. */
const RAILS_FALSE_VALUES = new Set(["0", "f", "F", "false", "FALSE", "off", "OFF"]);
const castBoolean = (value: string): string => String(!RAILS_FALSE_VALUES.has(value));

function matchesFilters(id: string, filters: readonly Filter[], state: SandboxState): boolean {
  return filters.every((filter) => filter.def.valuesOf(id, state).some((value) => filter.values.has(value)));
}

/** The sort fields DIDWW documents ([OAS] `DidSort`, `VoiceInTrunkSort`, `VoiceInTrunkGroupSort`), all rendered. */
const SORTABLE_ATTRIBUTES: Readonly<Record<Kind, readonly string[]>> = {
  dids: [
    "awaiting_registration",
    "billing_cycles_count",
    "blocked",
    "capacity_limit",
    "channels_included_count",
    "created_at",
    "dedicated_channels_count",
    "description",
    "expires_at",
    "number",
    "terminated",
  ],
  trunks: [
    "capacity_limit",
    "cli_format",
    "cli_prefix",
    "created_at",
    "description",
    "external_reference_id",
    "name",
    "priority",
    "ringing_timeout",
    "weight",
  ],
  groups: ["capacity_limit", "created_at", "external_reference_id", "name"],
};

interface SortCriterion {
  readonly attribute: string;
  readonly descending: boolean;
}

/** `sort=a,-b`; a field DIDWW does not document is refused (114), never ignored. A blank `sort` means none. */
function readSort(param: string | undefined, kind: Kind, naming: Naming): SortCriterion[] {
  if (param === undefined || param.trim() === "") return [];
  return param.split(",").map((item) => {
    const descending = item.startsWith("-");
    const attribute = descending ? item.slice(1) : item;
    if (!SORTABLE_ATTRIBUTES[kind].includes(attribute)) throw invalidSortCriteria(attribute, typeOf(kind, naming));
    return { attribute, descending };
  });
}

/** Code-unit order, i.e. PostgreSQL's "C" collation (DIDWW's own collation may order mixed case differently). */
function compareText(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/** PostgreSQL's default NULL placement: after every value ascending, hence before them descending. */
function compareAttributeValues(a: unknown, b: unknown): number {
  const aMissing = a === null || a === undefined;
  const bMissing = b === null || b === undefined;
  if (aMissing || bMissing) return Number(aMissing) - Number(bMissing);
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "boolean" && typeof b === "boolean") return Number(a) - Number(b);
  return compareText(String(a), String(b));
}

/**
DIDWW orders lists by id unless told otherwise. Under explicit criteria the id still breaks ties, so consecutive
pages neither repeat nor skip records.
*/
function orderIds(kind: Kind, ids: string[], criteria: readonly SortCriterion[], state: SandboxState): string[] {
  if (criteria.length === 0) return ids.sort(compareText);
  const keyed = ids.map((id) => ({ id, attributes: attributesOf(kind, id, state) }));
  keyed.sort((a, b) => {
    for (const { attribute, descending } of criteria) {
      const order = compareAttributeValues(a.attributes[attribute], b.attributes[attribute]);
      if (order !== 0) return descending ? -order : order;
    }
    return compareText(a.id, b.id);
  });
  return keyed.map((entry) => entry.id);
}

interface Page {
  readonly number: number;
  readonly size: number;
}

/**
jsonapi-resources' PagedPaginator: only `page[number]` and `page[size]`, and, like it, a bare `page=N` as the page
number. Unlike its `to_i`, a value that is not a whole number is refused instead of being read as 0 or truncated.
*/
function readPage(query: Readonly<Record<string, string>>): Page {
  let number: string | undefined;
  let size: string | undefined;
  for (const [key, value] of Object.entries(query)) {
    const name = bracketedName("page", key);
    if (name === "number") number = value;
    else if (name === "size") size = value;
    else if (name !== undefined) throw pageParamNotAllowed(name);
  }
  const bare = query["page"];
  if (bare !== undefined) {
    // Rails cannot parse `page=N` together with `page[…]`; DIDWW would not get as far as paginating.
    if (number !== undefined || size !== undefined) throw invalidPageObject();
    number = bare;
  }
  const page = {
    size: size === undefined ? DEFAULT_PAGE_SIZE : pageInteger("size", size),
    number: number === undefined ? 1 : pageInteger("number", number),
  };
  if (page.size < 1) throw invalidPageValue("size", String(page.size));
  if (page.size > MAX_PAGE_SIZE) {
    throw invalidPageValue("size", String(page.size), `size exceeds maximum page size of ${MAX_PAGE_SIZE}.`);
  }
  if (page.number < 1) throw invalidPageValue("number", String(page.number));
  return page;
}

function pageInteger(name: "number" | "size", value: string): number {
  const parsed = Number(value);
  if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(parsed)) throw invalidPageValue(name, value);
  return parsed;
}

interface PaginationLinks {
  first: string;
  last: string;
  prev?: string;
  next?: string;
}

/**
Absolute links as jsonapi-resources builds them for paged lists: `prev` whenever the page is past the first (even
past the end), `next` until the last page, `last` at least page 1. Every other query parameter is kept, so
following `next` continues the same filtered, sorted and included list.
*/
function paginationLinks(
  kind: Kind,
  page: Page,
  total: number,
  query: Readonly<Record<string, string>>,
  ctx: RequestContext,
): PaginationLinks {
  const kept = Object.entries(query).filter(([key]) => key !== "page" && bracketedName("page", key) === undefined);
  const href = (number: number): string => {
    const params = new URLSearchParams(kept);
    params.append("page[number]", String(number));
    params.append("page[size]", String(page.size));
    return `${ctx.baseUrl}/${typeOf(kind, ctx.version.naming)}?${params}`;
  };
  const pageCount = Math.ceil(total / page.size);
  const links: PaginationLinks = { first: href(1), last: href(Math.max(pageCount, 1)) };
  if (page.number > 1) links.prev = href(page.number - 1);
  if (page.number < pageCount) links.next = href(page.number + 1);
  return links;
}

function allIds(kind: Kind, state: SandboxState): string[] {
  if (kind === "dids") return [...state.dids.keys()];
  return kind === "trunks" ? [...state.trunks.keys()] : [...state.groups.keys()];
}

/** Parameters are checked in jsonapi-resources' order: include, filter, sort, page. */
function collectionDocument(kind: Kind, query: Readonly<Record<string, string>>, ctx: RequestContext): object {
  const naming = ctx.version.naming;
  const tree = parseInclude(query["include"]);
  validateInclude(tree, kind, naming);
  const filters = readFilters(query, kind, naming);
  const criteria = readSort(query["sort"], kind, naming);
  const page = readPage(query);
  const matching = allIds(kind, ctx.state).filter((id) => matchesFilters(id, filters, ctx.state));
  const start = (page.number - 1) * page.size;
  const pageIds = orderIds(kind, matching, criteria, ctx.state).slice(start, start + page.size);
  const withLinkage = new Set(tree.keys());
  const data = pageIds.map((id) => renderResource(kind, id, withLinkage, ctx));
  const meta = { api_version: ctx.version.served, total_records: matching.length };
  const links = paginationLinks(kind, page, matching.length, query, ctx);
  if (tree.size === 0) return { data, meta, links };
  return { data, included: includedResources(kind, pageIds, tree, ctx), meta, links };
}

// ---------------------------------------------------------------------------------------------------------------
// Routing
// ---------------------------------------------------------------------------------------------------------------

/** What a handler needs from the request, once headers, route and body have been checked. */
interface HandlerInput {
  readonly include: string | undefined;
  readonly body: unknown;
  /** The query string, one value per name (the last one when a name repeats, as Rails keeps it). */
  readonly query: Readonly<Record<string, string>>;
}

type Handler = (input: HandlerInput, ctx: RequestContext) => object;
type MemberHandler = (id: string, input: HandlerInput, ctx: RequestContext) => object;

const getHandler =
  (kind: Kind): MemberHandler =>
  (id, input, ctx) => {
    if (!recordExists(ctx.state, kind, id)) throw recordNotFound(id);
    return resourceDocument(kind, id, input.include, ctx);
  };

const patchDidHandler: MemberHandler = (id, input, ctx) => patchDid(id, input.body, input.include, ctx);
const patchGroupHandler: MemberHandler = (id, input, ctx) => patchGroup(id, input.body, input.include, ctx);

/** DIDWW accepts PUT as an alias of PATCH. Trunks are read-only here: the sandbox manages routing, not trunks. */
const MEMBER_HANDLERS: Readonly<Record<Kind, Readonly<Record<string, MemberHandler>>>> = {
  dids: { GET: getHandler("dids"), PATCH: patchDidHandler, PUT: patchDidHandler },
  trunks: { GET: getHandler("trunks") },
  groups: { GET: getHandler("groups"), PATCH: patchGroupHandler, PUT: patchGroupHandler },
};

const listHandler =
  (kind: Kind): Handler =>
  (input, ctx) =>
    collectionDocument(kind, input.query, ctx);

/** Lists only: DIDs are bought through orders, and the sandbox creates no trunks or groups (POST answers 405). */
const COLLECTION_HANDLERS: Readonly<Record<Kind, Readonly<Record<string, Handler>>>> = {
  dids: { GET: listHandler("dids") },
  trunks: { GET: listHandler("trunks") },
  groups: { GET: listHandler("groups") },
};

const BODY_METHODS = new Set(["POST", "PATCH", "PUT"]);

/**
`/v3/{collection}` and `/v3/{collection}/{id}` of the generation the request's version selects; the other
generation's paths 404.
*/
function resolveRoute(method: string, path: string, naming: Naming): Handler {
  const match = /^\/v3\/([^/]+)(?:\/([^/]+))?$/.exec(path);
  const kind = match ? kindOfCollection(match[1] ?? "", naming) : undefined;
  if (match === null || kind === undefined) throw routeNotFound(method, path);
  const segment = match[2];
  if (segment === undefined) return handlerFor(COLLECTION_HANDLERS[kind], method, path);
  const id = safeDecode(segment);
  if (id === undefined) throw routeNotFound(method, path);
  const handler = handlerFor(MEMBER_HANDLERS[kind], method, path);
  return (input, ctx) => handler(id, input, ctx);
}

function handlerFor<T>(handlers: Readonly<Record<string, T>>, method: string, path: string): T {
  // Own keys only, so a method named like an Object.prototype member cannot resolve to one.
  const handler = Object.hasOwn(handlers, method) ? handlers[method] : undefined;
  if (handler === undefined) throw methodNotAllowed(method, path, Object.keys(handlers));
  return handler;
}

function safeDecode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Headers
// ---------------------------------------------------------------------------------------------------------------

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(", ") : value;
}

function authorize(headers: IncomingHttpHeaders, apiKey: string | undefined): void {
  const sent = headerValue(headers, "api-key");
  if (sent === undefined || sent === "" || (apiKey !== undefined && sent !== apiKey)) throw unauthorized();
}

/** JSON:API: 406 only when every JSON:API entry of Accept carries media-type parameters. */
function checkAccept(headers: IncomingHttpHeaders): void {
  const accept = headerValue(headers, "accept");
  if (accept === undefined) return;
  const jsonApiEntries = accept
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry.toLowerCase().split(";")[0]?.trim() === JSON_API_MEDIA_TYPE);
  if (jsonApiEntries.length > 0 && jsonApiEntries.every((entry) => entry.includes(";"))) throw notAcceptable();
}

/** JSON:API: the media type must be sent without parameters (not even `charset`), otherwise 415. */
function checkContentType(headers: IncomingHttpHeaders): void {
  const contentType = headerValue(headers, "content-type");
  if (contentType?.trim().toLowerCase() !== JSON_API_MEDIA_TYPE) throw unsupportedMediaType(contentType);
}

function recordedHeaders(headers: IncomingHttpHeaders): Record<string, string | undefined> {
  const recorded: Record<string, string | undefined> = {};
  for (const name of Object.keys(headers)) recorded[name] = headerValue(headers, name);
  return recorded;
}

// ---------------------------------------------------------------------------------------------------------------
// HTTP plumbing
// ---------------------------------------------------------------------------------------------------------------

type RawBody = { readonly kind: "complete"; readonly text: string } | { readonly kind: "tooLarge" };

async function readRawBody(request: IncomingMessage): Promise<RawBody> {
  const text = await readBody(request);
  return text === undefined ? { kind: "tooLarge" } : { kind: "complete", text };
}

type ParsedBody = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly reason: string };

function parseBody(text: string): ParsedBody {
  if (text.trim() === "") return { ok: false, reason: "the body is empty" };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
}

function queryOf(url: URL): Record<string, string> {
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams) query[name] = value;
  return query;
}

function send(
  response: ServerResponse,
  status: number,
  document: object,
  extraHeaders: Record<string, string> = {},
): void {
  const body = JSON.stringify(document);
  const headers: Record<string, string> = {
    "content-type": JSON_API_MEDIA_TYPE,
    "content-length": String(Buffer.byteLength(body)),
    "x-request-id": randomUUID(),
    ...extraHeaders,
  };
  // DIDWW (Rails) sends a weak ETag digest of the body and revalidation headers on success, no-cache otherwise.
  if (status === 200) {
    headers["etag"] = `W/"${createHash("md5").update(body).digest("hex")}"`;
    headers["cache-control"] = "max-age=0, private, must-revalidate";
  } else {
    headers["cache-control"] = "no-cache";
  }
  response.writeHead(status, headers);
  response.end(body);
}

class DidwwSandboxServer implements DidwwSandbox {
  readonly requests: RecordedRequest[] = [];
  private readonly listener = new LoopbackListener(
    "DIDWW",
    "/v3",
    (request, response, baseUrl) => this.handle(request, response, baseUrl),
    failInternally,
  );

  constructor(
    private readonly apiKey: string | undefined,
    private readonly state: SandboxState,
  ) {}

  get url(): string {
    return this.listener.url;
  }

  listen(port = 0): Promise<string> {
    return this.listener.listen(port);
  }

  close(): Promise<void> {
    return this.listener.close();
  }

  did(id: string): DidRouting | undefined {
    const did = this.state.dids.get(id);
    return did && routingOf(did);
  }

  dids(): DidRouting[] {
    const dids = [...this.state.dids.values()];
    dids.sort((a, b) => compareText(a.number, b.number) || compareText(a.id, b.id));
    return dids.map(routingOf);
  }

  trunks(): TrunkSummary[] {
    return byName([...this.state.trunks.values()]).map((trunk) => ({
      id: trunk.id,
      name: trunk.name,
      trunkGroupId: this.state.groupOfTrunk(trunk.id)?.id ?? null,
    }));
  }

  trunkGroups(): TrunkGroupSummary[] {
    return byName([...this.state.groups.values()]).map((group) => ({
      id: group.id,
      name: group.name,
      trunkIds: [...group.trunkIds],
    }));
  }

  setDidRouting(id: string, routing: { trunkId?: string | null; trunkGroupId?: string | null }): void {
    this.state.routeDid(id, routing);
  }

  removeDid(id: string): void {
    this.state.removeDid(id);
  }

  trunkGroupMembers(groupId: string): string[] | undefined {
    const group = this.state.groups.get(groupId);
    return group && [...group.trunkIds];
  }

  setTrunkGroupMembers(groupId: string, trunkIds: string[]): void {
    this.state.assignTrunks(groupId, trunkIds);
  }

  async handle(request: IncomingMessage, response: ServerResponse, baseUrl: string): Promise<void> {
    const method = request.method ?? "GET";
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const query = queryOf(url);
    const raw = await readRawBody(request);
    const parsed = raw.kind === "complete" ? parseBody(raw.text) : undefined;
    const body = parsed?.ok ? parsed.value : undefined;
    // Recorded before any check, so tests can also assert on requests the sandbox rejects.
    this.requests.push({ method, path: url.pathname, query, headers: recordedHeaders(request.headers), body });
    try {
      authorize(request.headers, this.apiKey);
      const version = negotiateVersion(headerValue(request.headers, "x-didww-api-version"));
      const handler = resolveRoute(method, url.pathname, version.naming);
      checkAccept(request.headers);
      if (BODY_METHODS.has(method)) {
        checkContentType(request.headers);
        if (parsed === undefined) throw payloadTooLarge();
        if (!parsed.ok) throw malformedJson(parsed.reason);
      }
      const input: HandlerInput = { include: query["include"], body, query };
      send(response, 200, handler(input, { state: this.state, version, baseUrl }));
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      send(response, error.status, { errors: error.errors }, error.headers);
    }
  }
}

function routingOf(did: DidRecord): DidRouting {
  return { id: did.id, number: did.number, trunkId: did.trunkId, trunkGroupId: did.trunkGroupId };
}

/** Sorts in place by name, then id (names of trunks need not be unique). */
function byName<T extends { readonly id: string; readonly name: string }>(records: T[]): T[] {
  return records.sort((a, b) => compareText(a.name, b.name) || compareText(a.id, b.id));
}

/** A bug in the sandbox must surface as a 500 the client can see, not as a hung request. */
function failInternally(response: ServerResponse, error: unknown): void {
  const detail = error instanceof Error ? error.message : String(error);
  if (response.headersSent) {
    response.destroy();
    return;
  }
  send(response, 500, { errors: [{ title: "Internal server error", detail, code: "500", status: "500" }] });
}
