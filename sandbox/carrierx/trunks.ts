/**
Trunks (`/trunk_groups/{trunk_group_sid}/trunks` and `/{trunk_sid}`): a trunk is addressed only under the group it
lives in, so a trunk sid under another group's path is 404, as is any path under a group the partner does not have.
Create (an empty body `{}` is valid) answers 200 with CarrierX's defaults; PATCH changes the fields sent, PUT resets
the others; DELETE answers 204.
*/

import { itemNotFound } from "./errors";
import type { Handler, HandlerInput } from "./handler";
import { matches, page, parseFilter } from "./lists";
import { applyBody, TRUNK_FIELDS } from "./objects";
import { addTrunk, newSid, sortedTrunks, type GroupRecord } from "./state";

function requireGroup(input: HandlerInput): GroupRecord {
  const group = input.state.groups.get(input.sid);
  if (group === undefined) throw itemNotFound();
  return group;
}

function requireTrunk(input: HandlerInput): Record<string, unknown> {
  const trunk = requireGroup(input).trunks.get(input.trunkSid);
  if (trunk === undefined) throw itemNotFound();
  return trunk;
}

export const listTrunks: Handler = (input) => {
  const conditions = parseFilter(input.query.get("filter") ?? "", ["name", "trunk_sid"]);
  const items = sortedTrunks(requireGroup(input)).filter((trunk) => matches(trunk, conditions));
  return page(items, input);
};

export const getTrunk: Handler = (input) => structuredClone(requireTrunk(input));

export const createTrunk: Handler = (input) => structuredClone(addTrunk(requireGroup(input), newSid(input.state), input.body));

export const patchTrunk: Handler = (input) => {
  const trunk = requireTrunk(input);
  applyBody(trunk, input.body, TRUNK_FIELDS, "patch");
  return structuredClone(trunk);
};

export const putTrunk: Handler = (input) => {
  const trunk = requireTrunk(input);
  applyBody(trunk, input.body, TRUNK_FIELDS, "put");
  return structuredClone(trunk);
};

export const deleteTrunk: Handler = (input) => {
  requireTrunk(input);
  requireGroup(input).trunks.delete(input.trunkSid);
  return undefined;
};
