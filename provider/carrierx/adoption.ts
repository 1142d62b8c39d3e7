/**
How a TrunkGroup or Trunk comes to exist: by its name. CarrierX does not keep names unique (every group made without
one is "N/A"), so the resources do: create looks the name up first, and an object that already has it is an error
unless the program says `adopt: true`, because a duplicate, or someone else's group taken over by accident, are both
worse than stopping.
*/
import { DidrouteError } from "../errors";
import type { CarrierxObject } from "./client";

/** What the resource is, for messages: `{ resource: "TrunkGroup", noun: "trunk group", sidField: "trunk_group_sid" }`. */
export interface Kind {
  resource: string;
  noun: string;
  sidField: string;
}

/**
The one object named `name` among `objects` (`where` says where, for a trunk: `in trunk group …`), or undefined.
Several of one name are an error: a name must pick one object to create or adopt.
*/
export function findByName(objects: CarrierxObject[], name: string, kind: Kind, where = ""): CarrierxObject | undefined {
  const found = objects.filter((object) => object["name"] === name);
  if (found.length <= 1) return found[0];
  const sids = found.map((object) => object[kind.sidField]).join(", ");
  throw new DidrouteError(
    `CarrierX has ${found.length} ${kind.noun}s named ${JSON.stringify(name)}${where} (${sids}): ${kind.resource} cannot ` +
      `tell which to manage; rename all but one in CarrierX, or give this resource another name`,
    { system: "CarrierX" },
  );
}

/** The error for an existing object that the program did not ask to adopt, with the ways forward. */
export function refusal(existing: CarrierxObject, name: string, kind: Kind, where = ""): DidrouteError {
  return new DidrouteError(
    `CarrierX already has a ${kind.noun} named ${JSON.stringify(name)}${where} (${kind.sidField} ${existing[kind.sidField]}), ` +
      `and ${kind.resource} does not take over an existing ${kind.noun} unasked: set adopt: true to manage it with ` +
      "this resource (the same up then sets the fields it declares), or choose another name. A resource renamed in " +
      `the program keeps its ${kind.noun} with the aliases resource option instead; one left behind by a create ` +
      "that failed midway is adopted the same way.",
    { system: "CarrierX" },
  );
}

/**
A POST that got no answer, or a 5xx, may still have created the object (a POST is never retried then; see
provider/http.ts), so the error says what the next `pulumi up` will find.
*/
export function mayExist(error: unknown, kind: Kind): unknown {
  if (!(error instanceof DidrouteError) || (error.status !== undefined && error.status < 500)) return error;
  return new DidrouteError(
    `${error.message}. CarrierX may have created the ${kind.noun} all the same: if so, the next pulumi up finds it by ` +
      "its name and stops, and adopt: true takes it over",
    error.details,
  );
}
