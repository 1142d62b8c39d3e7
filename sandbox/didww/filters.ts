/**
`filter[…]` of the DIDWW sandbox's lists: the filters DIDWW documents for each resource, how their values are read
(comma-separated "any of", Rails' boolean cast) and matched against what a client would see rendered.
*/

import { filterNotAllowed, invalidFiltersSyntax } from "./errors";
import type { Kind, Naming } from "./naming";
import { asList, attributesOf } from "./resources";
import type { DidRecord, SandboxState } from "./state";

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
        ["configuration.type", { valuesOf: (id, state) => [state.requireTrunk(id).configuration.type] }],
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
export function bracketedName(param: string, key: string): string | undefined {
  return key.startsWith(`${param}[`) && key.endsWith("]") ? key.slice(param.length + 1, -1) : undefined;
}

/** Refuses the first unknown filter, as jsonapi-resources does. */
export function readFilters(query: Readonly<Record<string, string>>, kind: Kind, naming: Naming): Filter[] {
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

export function matchesFilters(id: string, filters: readonly Filter[], state: SandboxState): boolean {
  return filters.every((filter) => filter.def.valuesOf(id, state).some((value) => filter.values.has(value)));
}
