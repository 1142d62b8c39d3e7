/**
The DIDWW sandbox's lists (`GET /v3/dids`, `/v3/voice_in_trunks`, `/v3/voice_in_trunk_groups`): include, filter,
sort and `page[number]`/`page[size]` checked in jsonapi-resources' order, and the collection document with
`meta.total_records` and absolute pagination links.
*/

import { includedResources, parseInclude, renderResource, validateInclude, type RequestContext } from "./documents";
import { invalidPageObject, invalidPageValue, invalidSortCriteria, pageParamNotAllowed } from "./errors";
import { bracketedName, matchesFilters, readFilters } from "./filters";
import { typeOf, type Kind, type Naming } from "./naming";
import { attributesOf } from "./resources";
import type { SandboxState } from "./state";

/** Lists answer this many records when the client sends no `page[size]` (reference §8). */
const DEFAULT_PAGE_SIZE = 50;
/**
DIDWW's OpenAPI says 1000, its pagination page and Postman text say 100 (reference §8, open question 4). The sandbox
enforces 100: a client that pages within it works against either limit, the other way round it might not.
*/
const MAX_PAGE_SIZE = 100;

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
export function compareText(a: string, b: string): number {
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

/** Parameters are checked in jsonapi-resources' order: include, filter, sort, page. */
export function collectionDocument(kind: Kind, query: Readonly<Record<string, string>>, ctx: RequestContext): object {
  const naming = ctx.version.naming;
  const tree = parseInclude(query["include"]);
  validateInclude(tree, kind, naming);
  const filters = readFilters(query, kind, naming);
  const criteria = readSort(query["sort"], kind, naming);
  const page = readPage(query);
  const matching = [...ctx.state.recordsOf(kind).keys()].filter((id) => matchesFilters(id, filters, ctx.state));
  const start = (page.number - 1) * page.size;
  const pageIds = orderIds(kind, matching, criteria, ctx.state).slice(start, start + page.size);
  const withLinkage = new Set(tree.keys());
  const data = pageIds.map((id) => renderResource(kind, id, withLinkage, ctx));
  const meta = { api_version: ctx.version.served, total_records: matching.length };
  const links = paginationLinks(kind, page, matching.length, query, ctx);
  if (tree.size === 0) return { data, meta, links };
  return { data, included: includedResources(kind, pageIds, tree, ctx), meta, links };
}
