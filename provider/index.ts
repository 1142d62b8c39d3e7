/**
The stable entry point the serialized provider in Pulumi state loads at run time (`pulumi-didroute/provider`).

Its two exports are a compatibility contract with every state file ever written: `configure(config)` and
`resource(kind)`. Renaming them, or a kind, would break refresh and destroy of existing stacks (see README, Upgrades).
*/
import { DidrouteError } from "./errors";
import type { ResourceOperations } from "./resource";
import { didTrunkAssignment } from "./didww/didTrunkAssignment";
import { trunkGroupMembership } from "./didww/trunkGroupMembership";
import { didTrunkGroupAssignment } from "./carrierx/didTrunkGroupAssignment";

export { configure } from "./settings";
export { DidrouteError } from "./errors";

const KINDS: Record<string, ResourceOperations<any, any>> = {
  "didww:DidTrunkAssignment": didTrunkAssignment,
  "didww:TrunkGroupMembership": trunkGroupMembership,
  "carrierx:DidTrunkGroupAssignment": didTrunkGroupAssignment,
};

export function resource(kind: string): ResourceOperations<any, any> {
  const operations = KINDS[kind];
  if (!operations) {
    throw new DidrouteError(
      `pulumi-didroute does not know the resource kind "${kind}": the state was written by a newer version of ` +
        "the package; install that version (or newer) in this Pulumi project",
      { system: kind.startsWith("carrierx") ? "CarrierX" : "DIDWW" },
    );
  }
  return operations;
}
