/**
The stable entry point the serialized provider in Pulumi state loads at run time (`pulumi-didroute/provider`).

Its two exports are a compatibility contract with every state file ever written: `configure(config)` and
`resource(kind)`. Renaming them, or a kind, would break refresh and destroy of existing stacks (see README, Upgrades).
*/
import { DidrouteError } from "./errors";
import { preloadModules } from "./http";
import { inOperation } from "./operation";
import type { ResourceOperations } from "./resource";
import { didTrunkAssignment } from "./didww/didTrunkAssignment";
import { trunkGroupMembership } from "./didww/trunkGroupMembership";
import { voiceInTrunk } from "./didww/voiceInTrunk";
import { voiceInTrunkGroup } from "./didww/voiceInTrunkGroup";
import { didTrunkGroupAssignment } from "./carrierx/didTrunkGroupAssignment";
import { trunkGroup as carrierxTrunkGroup } from "./carrierx/trunkGroup";
import { trunk as carrierxTrunk } from "./carrierx/trunk";

import { configure as captureConfig, type ConfigSource } from "./settings";
export { DidrouteError } from "./errors";

/** Called by the host once per provider text, before the first operation (see settings.ts). */
export function configure(config: ConfigSource | undefined): void {
  captureConfig(config);
  preloadModules();
}

/** Each operation that makes requests runs as one operation: its retries share one time budget (see http.ts). */
function asOperations<I, O>(operations: ResourceOperations<I, O>): ResourceOperations<I, O> {
  return {
    check: (olds, news) => operations.check(olds, news),
    diff: (id, olds, news) => operations.diff(id, olds, news),
    create: (inputs) => inOperation(() => operations.create(inputs), "create"),
    read: (id, props) => inOperation(() => operations.read(id, props), "read"),
    update: (id, olds, news) => inOperation(() => operations.update(id, olds, news), "update"),
    delete: (id, props) => inOperation(() => operations.delete(id, props), "delete"),
  };
}

const KINDS: Record<string, ResourceOperations<any, any>> = {
  "didww:DidTrunkAssignment": asOperations(didTrunkAssignment),
  "didww:TrunkGroupMembership": asOperations(trunkGroupMembership),
  "didww:VoiceInTrunk": asOperations(voiceInTrunk),
  "didww:VoiceInTrunkGroup": asOperations(voiceInTrunkGroup),
  "carrierx:DidTrunkGroupAssignment": asOperations(didTrunkGroupAssignment),
  "carrierx:TrunkGroup": asOperations(carrierxTrunkGroup),
  "carrierx:Trunk": asOperations(carrierxTrunk),
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
