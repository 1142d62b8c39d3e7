import { membersDiffer } from "../changes";
import { claims, membershipOwners } from "../claims";
import { DidrouteError, isNotFound } from "../errors";
import { adoptedAsDeclared, notice, type ResourceOperations } from "../resource";
import { checkUuid, isUnknown, unknownProperties, type CheckFailure } from "../validate";
import { didwwClient } from "./client";
import { checkTrunkIds } from "./trunkRules";

export interface TrunkGroupMembershipInputs {
  trunkGroupId: string;
  trunkIds: string[];
}

export interface TrunkGroupMembershipOutputs {
  trunkGroupId: string;
  trunkIds: string[];
}

const RESOURCE = "TrunkGroupMembership";
const PROPERTIES = ["trunkGroupId", "trunkIds"] as const;
const CLAIM = "didww/trunk-group";

/** Live members in the order state already has them, new ones after: refresh then shows only real changes. */
export function inStateOrder(live: readonly string[], previous: readonly string[] | undefined): string[] {
  const rank = new Map((previous ?? []).map((id, index) => [id, index] as const));
  return [...live].sort((a, b) => (rank.get(a) ?? Infinity) - (rank.get(b) ?? Infinity) || a.localeCompare(b));
}

async function setMembers(inputs: TrunkGroupMembershipInputs): Promise<TrunkGroupMembershipOutputs> {
  await didwwClient().setTrunkGroupTrunks(inputs.trunkGroupId, inputs.trunkIds);
  claims.claim(CLAIM, inputs.trunkGroupId);
  return { trunkGroupId: inputs.trunkGroupId, trunkIds: [...inputs.trunkIds] };
}

/** Why a group a VoiceInTrunkGroup of the same program declares cannot have a TrunkGroupMembership too. */
function ownedElsewhere(groupId: string): string {
  return (
    `trunk group ${groupId} is a VoiceInTrunkGroup of this program, which owns its trunks: list them in its ` +
    "trunkIds and remove this TrunkGroupMembership (TrunkGroupMembership is for groups made outside the program)"
  );
}

export const trunkGroupMembership: ResourceOperations<TrunkGroupMembershipInputs, TrunkGroupMembershipOutputs> = {
  async check(_olds, news) {
    const failures: CheckFailure[] = unknownProperties(news, PROPERTIES, RESOURCE);
    const trunkGroupId = checkUuid(news["trunkGroupId"], "trunkGroupId", "DIDWW voice in trunk group", failures);
    if (trunkGroupId !== undefined && !isUnknown(trunkGroupId) && membershipOwners.declare(trunkGroupId, RESOURCE)) {
      failures.push({ property: "trunkGroupId", reason: ownedElsewhere(trunkGroupId) });
    }
    const trunkIds = checkTrunkIds(news["trunkIds"], failures);
    return failures.length > 0 ? { failures } : { inputs: { trunkGroupId: trunkGroupId ?? "", trunkIds } };
  },

  async diff(_id, olds, news) {
    if (!isUnknown(news.trunkGroupId) && membershipOwners.declare(news.trunkGroupId, RESOURCE)) {
      throw new DidrouteError(ownedElsewhere(news.trunkGroupId), { system: "DIDWW" });
    }
    if (isUnknown(news.trunkGroupId) || news.trunkGroupId !== olds.trunkGroupId) {
      return { changes: true, replaces: ["trunkGroupId"] };
    }
    const unknown = news.trunkIds.some(isUnknown);
    return { changes: unknown || membersDiffer(olds.trunkIds ?? [], news.trunkIds) };
  },

  async create(inputs) {
    // Authoritative from the first apply: whatever trunks the group had are replaced by the declared set, with a
    // PATCH only when they differ (read with other operations' reads; alone, the PATCH is sent at once instead).
    const id = inputs.trunkGroupId;
    const shared = await didwwClient().readTrunkGroupUnlessAlone(id, () => setMembers(inputs));
    if ("wrote" in shared) return { id, outs: shared.wrote };
    if (shared.live === undefined) {
      throw new DidrouteError(
        `DIDWW has no trunk group ${id} in this account (GET /v3/voice_in_trunk_groups?filter[id]=${id}): ` +
          "check the id and that it belongs to this account",
        { system: "DIDWW", method: "GET" },
      );
    }
    if (membersDiffer(shared.live.trunkIds, inputs.trunkIds)) return { id, outs: await setMembers(inputs) };
    claims.claim(CLAIM, id);
    adoptedAsDeclared(`DIDWW trunk group ${id}`);
    return { id, outs: { trunkGroupId: id, trunkIds: [...inputs.trunkIds] } };
  },

  async update(_id, _olds, news) {
    return { outs: await setMembers(news) };
  },

  async read(id, props) {
    const group = await didwwClient().readTrunkGroup(id);
    if (group === undefined) return {};
    const trunkIds = inStateOrder(group.trunkIds, props.trunkIds);
    return { id: group.id, props: { trunkGroupId: group.id, trunkIds }, inputs: { trunkGroupId: group.id, trunkIds } };
  },

  async delete(id) {
    if (claims.isClaimed(CLAIM, id)) {
      notice(`trunk group ${id} was set by another resource in this deployment; leaving its trunks as that resource set them`);
      return;
    }
    const shared = await didwwClient().readTrunkGroupUnlessAlone(id, () => empty(id));
    // Gone, or empty already: nothing to clear.
    if ("wrote" in shared || shared.live === undefined || shared.live.trunkIds.length === 0) return;
    await empty(id);
  },
};

/** Removes every trunk from the group; a group already gone counts as done. */
async function empty(id: string): Promise<void> {
  try {
    await didwwClient().setTrunkGroupTrunks(id, []);
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}
