/**
Trunk groups (`/trunk_groups`, `/trunk_groups/{trunk_group_sid}`): the list, reading one, create (POST answers 200,
as CarrierX documents), PATCH (only the fields sent change), PUT (the writable fields left out return to their
defaults) and DELETE (204). `with_trunks=true` embeds the group's trunks, and a create may carry `trunks` to make
with it (reference §4.1, §4.4).

Decided here where CarrierX is silent (README, Limitations): a group that DIDs are routed to or that holds trunks is
not deleted; the answer is 409 with an error per kind of user, its `reference_sid` naming the first one. Changing a
group's trunks through `trunks` on an update is refused (422): CarrierX has not said whether it replaces them.
*/

import { ApiError, itemNotFound, validation, type FieldError } from "./errors";
import type { Handler, HandlerInput } from "./handler";
import { matches, page, parseFilter } from "./lists";
import { applyBody, GROUP_FIELDS } from "./objects";
import { addGroup, addTrunk, groupObject, newSid, sortedGroups, usersOf, type GroupRecord, type State } from "./state";

function requireGroup(state: State, sid: string): GroupRecord {
  const group = state.groups.get(sid);
  if (group === undefined) throw itemNotFound();
  return group;
}

const withTrunks = (input: HandlerInput): boolean => input.query.get("with_trunks") === "true";

export const getGroup: Handler = (input) => groupObject(requireGroup(input.state, input.sid), withTrunks(input));

export const listGroups: Handler = (input) => {
  const conditions = parseFilter(input.query.get("filter") ?? "", ["name", "trunk_group_sid"]);
  const items = sortedGroups(input.state)
    .map((group) => groupObject(group, withTrunks(input)))
    .filter((group) => matches(group, conditions));
  return page(items, input);
};

/** The inline `trunks` of a create: a list of trunk bodies, checked before anything is made. */
function inlineTrunks(body: unknown): unknown[] {
  const trunks = (body as { trunks?: unknown } | null)?.trunks;
  if (trunks === undefined) return [];
  if (!Array.isArray(trunks)) throw validation([{ field: "trunks", message: "must be an array", reference_sid: null }]);
  return trunks;
}

export const createGroup: Handler = (input) => {
  const { state, body } = input;
  const trunks = inlineTrunks(body);
  // Checked on a scratch group first, so a bad trunk refuses the whole create and nothing is made.
  const scratch: State = { dids: new Map(), groups: new Map() };
  const probe = addGroup(scratch, "probe", body);
  trunks.forEach((trunk, i) => addTrunk(probe, `probe-${i}`, trunk));
  const group = addGroup(state, newSid(state), body);
  for (const trunk of trunks) addTrunk(group, newSid(state), trunk);
  return groupObject(group, withTrunks(input));
};

function update(input: HandlerInput, mode: "patch" | "put"): object {
  const group = requireGroup(input.state, input.sid);
  if ((input.body as { trunks?: unknown } | null)?.trunks !== undefined) {
    throw validation([{ field: "trunks", message: "the sandbox changes trunks only through /trunks", reference_sid: null }]);
  }
  applyBody(group.object, input.body, GROUP_FIELDS, mode);
  return groupObject(group);
}

export const patchGroup: Handler = (input) => update(input, "patch");
export const putGroup: Handler = (input) => update(input, "put");

const count = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? "" : "s"}`;

export const deleteGroup: Handler = ({ state, sid }) => {
  requireGroup(state, sid);
  const { dids, trunks } = usersOf(state, sid);
  const errors: FieldError[] = [];
  if (dids.length > 0) {
    errors.push({ field: "trunk_group_sid", message: `${count(dids.length, "DID")} assigned to the trunk group`, reference_sid: dids[0]!.did_sid });
  }
  if (trunks.length > 0) {
    errors.push({ field: "trunks", message: `the trunk group has ${count(trunks.length, "trunk")}`, reference_sid: trunks[0]!["trunk_sid"] as string });
  }
  if (errors.length > 0) throw new ApiError(409, "trunk group is in use", errors);
  state.groups.delete(sid);
  return undefined;
};
