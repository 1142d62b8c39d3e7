/**
The CarrierX sandbox's lists (reference §3.5, §3.6): the documented envelope (`count`, `has_more`, `items`, `limit`,
`offset`, `pagination.next`, `total`) and filter syntax (`<attr> <op> <value>` joined by ` and `), narrowed to `eq`
on the attributes a list names. Anything else the sandbox cannot answer faithfully (another operator or attribute,
`order`, cursor paging) is refused with 400 naming it, rather than ignored.
*/

import { ApiError, badQuery } from "./errors";
import type { HandlerInput } from "./handler";

/** Page sizes (reference §3.6). */
const DEFAULT_LIMIT = 10;
const MAX_LIMIT = 1000;

interface Condition {
  attribute: string;
  value: string;
}

/** One `<attr> <op> <value>`; the value is double-quoted, single-quoted or bare (no spaces, no quotes). */
const CONDITION = /\s*([A-Za-z_][\w.]*)\s+(\S+)\s+(?:"([^"]*)"|'([^']*)'|([^\s"']+))\s*/y;
const AND = /and\s+/y;

/** Parses `filter`; whatever the sandbox cannot evaluate exactly is refused (400) rather than ignored. */
export function parseFilter(filter: string, attributes: readonly string[]): Condition[] {
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

export function matches(item: Record<string, unknown>, conditions: readonly Condition[]): boolean {
  return conditions.every(({ attribute, value }) => item[attribute] === value);
}

/** Query arguments CarrierX documents that would change which items come back; the sandbox does not model them. */
const UNSUPPORTED_LIST_ARGUMENTS = ["order", "after", "before"];

export function page(items: readonly object[], input: HandlerInput): object {
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
