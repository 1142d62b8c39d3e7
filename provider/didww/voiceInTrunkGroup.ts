import { trunkGroupDifferences } from "../changes";
import { claims, membershipOwners } from "../claims";
import { DidrouteError, isNotFound } from "../errors";
import { notice, type ResourceOperations } from "../resource";
import { isUnknown } from "../validate";
import { didwwClient } from "./client";
import { createOrAdopt } from "./creation";
import { TrunkApi, type LiveTrunkGroup } from "./trunkApi";
import { inStateOrder } from "./trunkGroupMembership";
import { checkVoiceInTrunkGroup, type VoiceInTrunkGroupInputs } from "./trunkRules";
import { requireTrunkApiVersion } from "./voiceInTrunk";

/** The declared attributes with DIDWW's values (only those declared, as for VoiceInTrunk), and when it was created. */
export interface VoiceInTrunkGroupOutputs extends VoiceInTrunkGroupInputs {
  createdAt: string;
}

const RESOURCE = "VoiceInTrunkGroup";
/** Shared with TrunkGroupMembership: whichever of them set a group in this deployment, the other's delete leaves it. */
const CLAIM = "didww/trunk-group";

function trunkApi(): TrunkApi {
  requireTrunkApiVersion(RESOURCE);
  return new TrunkApi(didwwClient());
}

function described(name: unknown, id?: string): string {
  const named = typeof name === "string" && !isUnknown(name) ? ` ${JSON.stringify(name)}` : "";
  return `voice in trunk group${named}${id === undefined ? "" : ` (${id})`}`;
}

/** Refuses a group whose members a TrunkGroupMembership of the same program also declares (see claims.ts). */
function declareMembers(id: string, name: unknown): void {
  if (membershipOwners.declare(id, RESOURCE) === undefined) return;
  throw new DidrouteError(
    `${described(name, id)} also has a TrunkGroupMembership in this program. A VoiceInTrunkGroup owns its group's ` +
      "trunks (its trunkIds); two resources setting them would undo each other on every pulumi up. Remove the " +
      "TrunkGroupMembership and list its trunks in this resource's trunkIds.",
    { system: "DIDWW" },
  );
}

function groupOutputs(declared: VoiceInTrunkGroupInputs, live: LiveTrunkGroup, previous?: readonly string[]): VoiceInTrunkGroupOutputs {
  const outs: VoiceInTrunkGroupOutputs = {
    name: live.name,
    trunkIds: inStateOrder(live.trunkIds, previous ?? declared.trunkIds),
    createdAt: live.createdAt,
  };
  if (declared.capacityLimit !== undefined) outs.capacityLimit = live.capacityLimit;
  if (declared.externalReferenceId !== undefined) outs.externalReferenceId = live.externalReferenceId;
  if (declared.adopt !== undefined) outs.adopt = declared.adopt;
  return outs;
}

/**
A delete refused after the group was emptied: the members it had just before (read live, not taken from state, where a
trunk since moved to another group by hand would be taken back from that group) are put back, so the failure changes
nothing.
*/
async function restoreMembers(id: string, trunkIds: readonly string[], failure: unknown): Promise<unknown> {
  if (!(failure instanceof DidrouteError) || trunkIds.length === 0) return failure;
  try {
    await didwwClient().setTrunkGroupTrunks(id, trunkIds);
    return new DidrouteError(`${failure.message} (its trunks, moved out of it first, were put back)`, failure.details);
  } catch (restore) {
    return new DidrouteError(
      `${failure.message}; its trunks had been moved out of it first and could not be put back (${(restore as Error).message}): ` +
        "run pulumi up --refresh to restore them",
      failure.details,
    );
  }
}

export const voiceInTrunkGroup: ResourceOperations<VoiceInTrunkGroupInputs, VoiceInTrunkGroupOutputs> = {
  async check(_olds, news) {
    requireTrunkApiVersion(RESOURCE);
    return checkVoiceInTrunkGroup(news);
  },

  async diff(id, olds, news) {
    declareMembers(id, news.name);
    return { changes: trunkGroupDifferences(olds as unknown as Record<string, unknown>, news).length > 0 };
  },

  async create(inputs) {
    const api = trunkApi();
    const live = await createOrAdopt({
      what: described(inputs.name),
      resource: RESOURCE,
      adopt: inputs.adopt === true,
      find: () => api.trunkGroupsNamed(inputs.name),
      create: () => api.createTrunkGroup(inputs),
      update: (id) => {
        declareMembers(id, inputs.name);
        return api.updateTrunkGroup(id, inputs);
      },
      nameTakenHint:
        "No trunk group of that name was found, so a trunk may hold it: DIDWW documents one name space for trunks " +
        "and trunk groups from API version 2026-11-19",
      // A group declares no secret.
      shown: (error) => error,
    });
    declareMembers(live.id, inputs.name);
    claims.claim(CLAIM, live.id);
    return { id: live.id, outs: groupOutputs(inputs, live) };
  },

  async update(id, _olds, news) {
    declareMembers(id, news.name);
    const live = await trunkApi().updateTrunkGroup(id, news);
    claims.claim(CLAIM, id);
    return { outs: groupOutputs(news, live) };
  },

  async read(id, props) {
    try {
      const live = await trunkApi().getTrunkGroup(id);
      const declared = { ...props, trunkIds: props.trunkIds ?? [] } as VoiceInTrunkGroupInputs;
      const outs = groupOutputs(declared, live, props.trunkIds);
      const { createdAt: _created, ...inputs } = outs;
      return { id, props: outs, inputs };
    } catch (error) {
      if (isNotFound(error)) return {};
      throw error;
    }
  },

  async delete(id, props) {
    const what = described(props.name, id);
    if (claims.isClaimed(CLAIM, id)) {
      notice(`${what} was set by another resource in this deployment; leaving it in place`);
      return;
    }
    const api = trunkApi();
    await api.refuseWhileRouted("trunkGroup", id, what);
    let members: readonly string[];
    try {
      // First out of the group, so that deleting it cannot take trunks managed elsewhere with it: DIDWW's own
      // sources disagree on whether a group's delete keeps its trunks or deletes them (reference §7.4).
      members = (await api.getTrunkGroup(id)).trunkIds;
      if (members.length > 0) await api.emptyTrunkGroup(id);
    } catch (error) {
      if (isNotFound(error)) return;
      throw error;
    }
    try {
      await api.deleteTrunkGroup(id);
    } catch (error) {
      if (isNotFound(error)) return;
      throw await restoreMembers(id, members, error);
    }
  },
};
