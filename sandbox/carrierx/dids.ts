/**
DIDs (`/phonenumber/dids`, `/phonenumber/dids/{did_sid}`): reading one, the list (with the documented
`trunk_group_sid` argument), and updates: PATCH changes only the fields sent, PUT replaces the whole writable object.
Every field of an update is checked before anything changes, so a refused update changes nothing.
*/

import { isJsonObject } from "../http";
import { ApiError, itemNotFound, validation, type FieldError } from "./errors";
import type { Handler } from "./handler";
import { matches, page, parseFilter } from "./lists";
import { sortedDids, type CarrierxDid, type State } from "./state";

/** Fields a DID update may change (reference §3.2, "Writable on PATCH/PUT (expected)"), with PUT's reset values. */
const WRITABLE_DID_FIELDS: Readonly<Record<string, unknown>> = {
  attributes: {}, callback_url: null, did_group_sid: null, name: "N/A", string_key_1: null, string_key_2: null,
  transformations: [], trunk_group_sid: null,
};

function requireDid(state: State, sid: string): CarrierxDid {
  const did = state.dids.get(sid);
  if (did === undefined) throw itemNotFound();
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

export const getDid: Handler = ({ state, sid }) => requireDid(state, sid);

/** PATCH: only the fields sent change (nested `attributes` merge, as the reference infers for default PATCH). */
export const patchDid: Handler = ({ state, sid, body }) => {
  const did = requireDid(state, sid);
  for (const [field, value] of Object.entries(changesOf(state, did, body))) {
    const current = did[field];
    const merge = field === "attributes" && isJsonObject(current) && isJsonObject(value);
    did[field] = merge ? { ...current, ...value } : value;
  }
  return did;
};

/** PUT: the whole writable object is replaced; a field left out falls back to its default (a route is lost). */
export const putDid: Handler = ({ state, sid, body }) => {
  const did = requireDid(state, sid);
  const changes = changesOf(state, did, body);
  for (const [field, reset] of Object.entries(WRITABLE_DID_FIELDS)) {
    did[field] = field in changes ? changes[field] : reset;
  }
  return did;
};

/** The documented `trunk_group_sid` query argument narrows the DID list like the equivalent filter. */
export const listDids: Handler = (input) => {
  const conditions = parseFilter(input.query.get("filter") ?? "", ["phonenumber", "did_sid", "trunk_group_sid"]);
  const group = input.query.get("trunk_group_sid");
  if (group !== null) conditions.push({ attribute: "trunk_group_sid", value: group });
  const items = sortedDids(input.state).filter((did) => matches(did, conditions));
  return page(items, input);
};
