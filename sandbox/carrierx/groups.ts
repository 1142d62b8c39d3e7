/** Trunk groups (`/trunk_groups`, `/trunk_groups/{trunk_group_sid}`): reading one, and the list. */

import { itemNotFound } from "./errors";
import type { Handler } from "./handler";
import { matches, page, parseFilter } from "./lists";
import { groupObject, sortedGroups } from "./state";

export const getGroup: Handler = ({ state, sid }) => {
  const group = state.groups.get(sid);
  if (group === undefined) throw itemNotFound();
  return groupObject(group);
};

export const listGroups: Handler = (input) => {
  const conditions = parseFilter(input.query.get("filter") ?? "", ["name", "trunk_group_sid"]);
  const items = sortedGroups(input.state).map(groupObject).filter((group) => matches(group, conditions));
  return page(items, input);
};
