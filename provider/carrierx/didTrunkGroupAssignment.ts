import { claims } from "../claims";
import { isNotFound } from "../errors";
import { notice, type ResourceOperations } from "../resource";
import { checkUuid, isUnknown, unknownProperties, type CheckFailure } from "../validate";
import { carrierxClient, type Did } from "./client";

/** Inputs as stored after check: sids lower-cased. */
export interface DidTrunkGroupAssignmentInputs {
  didSid: string;
  trunkGroupSid: string;
}

export interface DidTrunkGroupAssignmentOutputs {
  didSid: string;
  /** The DID's trunk group as CarrierX reports it; null only when a refresh found it cleared by hand. */
  trunkGroupSid: string | null;
  /** The DID's number as CarrierX reports it (E.164 digits without "+"). */
  phonenumber: string;
}

const RESOURCE = "DidTrunkGroupAssignment";
const PROPERTIES = ["didSid", "trunkGroupSid"] as const;
const CLAIM = "carrierx/did";

function outputsOf(didSid: string, did: Did): DidTrunkGroupAssignmentOutputs {
  return { didSid, trunkGroupSid: did.trunkGroupSid, phonenumber: did.phonenumber };
}

async function assign(inputs: DidTrunkGroupAssignmentInputs): Promise<DidTrunkGroupAssignmentOutputs> {
  const did = await carrierxClient().setDidTrunkGroup(inputs.didSid, inputs.trunkGroupSid);
  claims.claim(CLAIM, inputs.didSid);
  return outputsOf(inputs.didSid, did);
}

type Operations = ResourceOperations<DidTrunkGroupAssignmentInputs, DidTrunkGroupAssignmentOutputs>;

export const didTrunkGroupAssignment: Operations = {
  async check(_olds, news) {
    const failures: CheckFailure[] = unknownProperties(news, PROPERTIES, RESOURCE);
    const didSid = checkUuid(news["didSid"], "didSid", "CarrierX DID", failures, "sid");
    const trunkGroupSid = checkUuid(news["trunkGroupSid"], "trunkGroupSid", "CarrierX trunk group", failures, "sid");
    if (failures.length > 0 || didSid === undefined || trunkGroupSid === undefined) return { failures };
    return { inputs: { didSid, trunkGroupSid } };
  },

  async diff(_id, olds, news) {
    // `olds` are the last outputs (refreshed by read when the user refreshes), so live drift shows up here.
    if (isUnknown(news.didSid) || news.didSid !== olds.didSid) return { changes: true, replaces: ["didSid"] };
    return { changes: isUnknown(news.trunkGroupSid) || news.trunkGroupSid !== (olds.trunkGroupSid ?? null) };
  },

  async create(inputs) {
    // Adopts the DID whatever its trunk group was: dynamic resources cannot be imported, so create is the adoption.
    const outs = await assign(inputs);
    return { id: inputs.didSid, outs };
  },

  async update(_id, _olds, news) {
    return { outs: await assign(news) };
  },

  async read(id) {
    try {
      const did = await carrierxClient().getDid(id);
      // A DID with no trunk group yields no trunkGroupSid input, so the next diff shows the declared one as a change.
      const inputs = did.trunkGroupSid === null ? { didSid: id } : { didSid: id, trunkGroupSid: did.trunkGroupSid };
      return { id, props: outputsOf(id, did), inputs };
    } catch (error) {
      // The DID is no longer rented by this partner: an empty id tells the engine the resource is gone.
      if (isNotFound(error)) return {};
      throw error;
    }
  },

  async delete(id) {
    if (claims.isClaimed(CLAIM, id)) {
      notice(`DID ${id} was assigned by another resource in this deployment; leaving its trunk group as that resource set it`);
      return;
    }
    try {
      await carrierxClient().setDidTrunkGroup(id, null);
    } catch (error) {
      // Already gone: no trunk group is assigned any more, which is what delete wants.
      if (!isNotFound(error)) throw error;
    }
  },
};
