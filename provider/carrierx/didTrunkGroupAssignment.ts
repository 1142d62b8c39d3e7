import { trunkGroupSidDiffers } from "../changes";
import { claims } from "../claims";
import { DidrouteError, isNotFound } from "../errors";
import { adoptedAsDeclared, notice, type ResourceOperations } from "../resource";
import { checkNumber, checkUuid, digitsOf, E164_EXAMPLE, isUnknown, present, unknownProperties, type CheckFailure } from "../validate";
import { carrierxClient, type Did } from "./client";

/** Inputs as stored after check: sids lower-cased; exactly one of didSid / number. */
export interface DidTrunkGroupAssignmentInputs {
  didSid?: string;
  /** E.164 with "+", resolved to the DID's sid on create. */
  number?: string;
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
const PROPERTIES = ["didSid", "number", "trunkGroupSid"] as const;
const CLAIM = "carrierx/did";

function outputsOf(didSid: string, did: Did): DidTrunkGroupAssignmentOutputs {
  return { didSid, trunkGroupSid: did.trunkGroupSid, phonenumber: did.phonenumber };
}

async function assign(didSid: string, inputs: DidTrunkGroupAssignmentInputs): Promise<DidTrunkGroupAssignmentOutputs> {
  const did = await carrierxClient().setDidTrunkGroup(didSid, inputs.trunkGroupSid);
  claims.claim(CLAIM, didSid);
  return outputsOf(didSid, did);
}

/**
The DID as it is now, for a create: looked up by number (concurrent creates share the lookups), or read by sid with
the other operations' reads. A create by sid that is alone sends its PATCH at once instead (`wrote`): a read would
cost it a second request.
*/
async function liveDid(
  inputs: DidTrunkGroupAssignmentInputs,
): Promise<{ live: Did } | { wrote: DidTrunkGroupAssignmentOutputs }> {
  const client = carrierxClient();
  if (inputs.didSid !== undefined) {
    const sid = inputs.didSid;
    const shared = await client.readDidUnlessAlone(sid, () => assign(sid, inputs));
    if ("wrote" in shared) return shared;
    if (shared.live === undefined) {
      throw new DidrouteError(
        `CarrierX has no DID ${sid} rented by this partner (GET /core/v2/phonenumber/dids did not list it): ` +
          "check the sid and that the DID is rented by this partner",
        { system: "CarrierX", method: "GET", path: "/core/v2/phonenumber/dids" },
      );
    }
    return { live: shared.live };
  }
  if (inputs.number === undefined) throw new DidrouteError(`${RESOURCE} has neither didSid nor number`, { system: "CarrierX" });
  return { live: await client.findDidByNumber(digitsOf(inputs.number)) };
}

type Operations = ResourceOperations<DidTrunkGroupAssignmentInputs, DidTrunkGroupAssignmentOutputs>;

export const didTrunkGroupAssignment: Operations = {
  async check(_olds, news) {
    const failures: CheckFailure[] = unknownProperties(news, PROPERTIES, RESOURCE);
    let did: { didSid: string } | { number: string } | undefined;
    if (present(news["didSid"]) && present(news["number"])) {
      failures.push({ property: "number", reason: "set didSid or number, not both: both name the DID" });
    } else if (present(news["number"])) {
      const number = checkNumber(news["number"], "number", failures);
      if (number !== undefined) did = { number };
    } else if (present(news["didSid"])) {
      const didSid = checkUuid(news["didSid"], "didSid", "CarrierX DID", failures, "sid");
      if (didSid !== undefined) did = { didSid };
    } else {
      failures.push({
        property: "didSid",
        reason: `didSid is required: the CarrierX DID sid (a UUID); or set number instead (E.164, e.g. ${E164_EXAMPLE})`,
      });
    }
    const trunkGroupSid = checkUuid(news["trunkGroupSid"], "trunkGroupSid", "CarrierX trunk group", failures, "sid");
    if (failures.length > 0 || did === undefined || trunkGroupSid === undefined) return { failures };
    return { inputs: { ...did, trunkGroupSid } };
  },

  async diff(_id, olds, news) {
    // `olds` are the last outputs (refreshed by read when the user refreshes), so live drift shows up here.
    // Declared by number, the DID is the same while the number is: switching between didSid and number replaces nothing.
    if (news.number !== undefined) {
      if (isUnknown(news.number) || digitsOf(news.number) !== olds.phonenumber) return { changes: true, replaces: ["number"] };
    } else if (isUnknown(news.didSid) || news.didSid !== olds.didSid) {
      return { changes: true, replaces: ["didSid"] };
    }
    return { changes: isUnknown(news.trunkGroupSid) || trunkGroupSidDiffers(olds.trunkGroupSid, news.trunkGroupSid) };
  },

  async create(inputs) {
    // Adopts the DID whatever its trunk group was: dynamic resources cannot be imported, so create is the adoption. The
    // PATCH is sent only when the live trunk group differs; the outputs are the same either way.
    const found = await liveDid(inputs);
    if ("wrote" in found) return { id: found.wrote.didSid, outs: found.wrote };
    const { live } = found;
    if (trunkGroupSidDiffers(live.trunkGroupSid, inputs.trunkGroupSid)) {
      const outs = await assign(live.didSid, inputs);
      return { id: outs.didSid, outs };
    }
    // Set as declared, by this deployment as much as by a PATCH: a rename's delete must leave it (claims.ts).
    claims.claim(CLAIM, live.didSid);
    adoptedAsDeclared(`CarrierX DID +${live.phonenumber}`);
    return { id: live.didSid, outs: outputsOf(live.didSid, live) };
  },

  async update(id, _olds, news) {
    // The id is the DID's sid: diff replaces the resource whenever the declared DID changes.
    return { outs: await assign(id, news) };
  },

  async read(id) {
    // Read with the other operations' reads (the partner's DIDs listed 1,000 per request when many refresh at once).
    const did = await carrierxClient().readDid(id);
    // The DID is no longer rented by this partner: an empty id tells the engine the resource is gone.
    if (did === undefined) return {};
    // A DID with no trunk group yields no trunkGroupSid input, so the next diff shows the declared one as a change.
    const inputs = did.trunkGroupSid === null ? { didSid: id } : { didSid: id, trunkGroupSid: did.trunkGroupSid };
    return { id, props: outputsOf(id, did), inputs };
  },

  async delete(id) {
    if (claims.isClaimed(CLAIM, id)) {
      notice(`DID ${id} was assigned by another resource in this deployment; leaving its trunk group as that resource set it`);
      return;
    }
    const shared = await carrierxClient().readDidUnlessAlone(id, () => clear(id));
    // Gone, or without a trunk group already: nothing to clear.
    if ("wrote" in shared || shared.live === undefined || shared.live.trunkGroupSid === null) return;
    await clear(id);
  },
};

/** Clears the DID's trunk group; a DID already gone counts as done. */
async function clear(id: string): Promise<void> {
  try {
    await carrierxClient().setDidTrunkGroup(id, null);
  } catch (error) {
    // Already gone: no trunk group is assigned any more, which is what delete wants.
    if (!isNotFound(error)) throw error;
  }
}
