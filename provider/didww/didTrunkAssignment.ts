import { didRoutingDiffers } from "../changes";
import { claims } from "../claims";
import { DidrouteError, isNotFound } from "../errors";
import { adoptedAsDeclared, notice, type ResourceOperations } from "../resource";
import { checkNumber, checkUuid, digitsOf, E164_EXAMPLE, isUnknown, present, unknownProperties, type CheckFailure } from "../validate";
import { didwwClient, type Did, type DidRouting } from "./client";

/** Inputs as stored after check: ids lower-cased; exactly one of didId / number and of trunkId / trunkGroupId. */
export interface DidTrunkAssignmentInputs {
  didId?: string;
  /** E.164 with "+", resolved to the DID's id on create. */
  number?: string;
  trunkId?: string;
  trunkGroupId?: string;
}

export interface DidTrunkAssignmentOutputs {
  didId: string;
  trunkId: string | null;
  trunkGroupId: string | null;
  /** The DID's number as DIDWW reports it (E.164 digits without "+"). */
  number: string;
}

const RESOURCE = "DidTrunkAssignment";
const PROPERTIES = ["didId", "number", "trunkId", "trunkGroupId"] as const;
const CLAIM = "didww/did";

function routingOf(inputs: DidTrunkAssignmentInputs): DidRouting {
  return { trunkId: inputs.trunkId ?? null, trunkGroupId: inputs.trunkGroupId ?? null };
}

/** The routing declared, of which check() guarantees exactly one side; this guards against state edited by hand. */
function declaredRouting(didId: string, inputs: DidTrunkAssignmentInputs): DidRouting {
  const routing = routingOf(inputs);
  if (routing.trunkId === null && routing.trunkGroupId === null) {
    throw new DidrouteError(`${RESOURCE} for DID ${didId} has neither trunkId nor trunkGroupId`, {
      system: "DIDWW",
    });
  }
  return routing;
}

async function route(didId: string, inputs: DidTrunkAssignmentInputs): Promise<DidTrunkAssignmentOutputs> {
  const routing = declaredRouting(didId, inputs);
  const { number } = await didwwClient().setDidRouting(didId, routing);
  claims.claim(CLAIM, didId);
  return { didId, ...routing, number };
}

/**
The DID as it is now, for a create: looked up by number (concurrent creates share one request per 100 numbers), or
read by id with the other operations' reads. A create by id that is alone sends its PATCH at once instead (`wrote`):
a read would cost it a second request.
*/
async function liveDid(inputs: DidTrunkAssignmentInputs): Promise<{ live: Did } | { wrote: DidTrunkAssignmentOutputs }> {
  const client = didwwClient();
  if (inputs.didId !== undefined) {
    const didId = inputs.didId;
    const shared = await client.readDidUnlessAlone(didId, () => route(didId, inputs));
    if ("wrote" in shared) return shared;
    if (shared.live === undefined) {
      throw new DidrouteError(
        `DIDWW has no DID ${didId} in this account (GET /v3/dids?filter[id]=${didId}): check the id and that it belongs to this account`,
        { system: "DIDWW", method: "GET", path: "/v3/dids" },
      );
    }
    return { live: shared.live };
  }
  if (inputs.number === undefined) {
    throw new DidrouteError(`${RESOURCE} has neither didId nor number`, { system: "DIDWW" });
  }
  return { live: await client.findDidByNumber(digitsOf(inputs.number)) };
}

export const didTrunkAssignment: ResourceOperations<DidTrunkAssignmentInputs, DidTrunkAssignmentOutputs> = {
  async check(_olds, news) {
    const failures: CheckFailure[] = unknownProperties(news, PROPERTIES, RESOURCE);
    const inputs: DidTrunkAssignmentInputs = {};
    if (present(news["didId"]) && present(news["number"])) {
      failures.push({ property: "number", reason: "set didId or number, not both: both name the DID" });
    } else if (present(news["number"])) {
      const number = checkNumber(news["number"], "number", failures);
      if (number !== undefined) inputs.number = number;
    } else if (present(news["didId"])) {
      const didId = checkUuid(news["didId"], "didId", "DIDWW DID", failures);
      if (didId !== undefined) inputs.didId = didId;
    } else {
      failures.push({
        property: "didId",
        reason: `didId is required: the DIDWW DID id (a UUID); or set number instead (E.164, e.g. ${E164_EXAMPLE})`,
      });
    }

    const hasTrunk = present(news["trunkId"]);
    let hasGroup = present(news["trunkGroupId"]);
    if (hasTrunk && hasGroup && !isUnknown(news["trunkId"]) && !isUnknown(news["trunkGroupId"])) {
      failures.push({
        property: "trunkGroupId",
        reason: "set exactly one of trunkId or trunkGroupId: DIDWW routes a DID to a trunk or a trunk group, never both",
      });
      // One failure per property: checking trunkGroupId's value as well would add "trunkGroupId is required" for an
      // empty string, contradicting the failure above.
      hasGroup = false;
    } else if (!hasTrunk && !hasGroup) {
      failures.push({ property: "trunkId", reason: "one of trunkId or trunkGroupId is required" });
    }
    if (hasTrunk) {
      const trunkId = checkUuid(news["trunkId"], "trunkId", "DIDWW voice in trunk", failures);
      if (trunkId !== undefined) inputs.trunkId = trunkId;
    }
    if (hasGroup) {
      const trunkGroupId = checkUuid(news["trunkGroupId"], "trunkGroupId", "DIDWW voice in trunk group", failures);
      if (trunkGroupId !== undefined) inputs.trunkGroupId = trunkGroupId;
    }
    return failures.length > 0 ? { failures } : { inputs };
  },

  async diff(_id, olds, news) {
    // `olds` are the last outputs (refreshed by read when the user refreshes), so live drift shows up here.
    // Declared by number, the DID is the same while the number is: switching between didId and number replaces nothing.
    if (news.number !== undefined) {
      if (isUnknown(news.number) || digitsOf(news.number) !== olds.number) return { changes: true, replaces: ["number"] };
    } else if (isUnknown(news.didId) || news.didId !== olds.didId) {
      return { changes: true, replaces: ["didId"] };
    }
    const want = routingOf(news);
    return { changes: isUnknown(want.trunkId) || isUnknown(want.trunkGroupId) || didRoutingDiffers(olds, want) };
  },

  async create(inputs) {
    // Adopts the DID whatever its routing was: dynamic resources cannot be imported, so create is the adoption. The
    // PATCH is sent only when the live routing differs; the outputs are the same either way.
    const found = await liveDid(inputs);
    if ("wrote" in found) return { id: found.wrote.didId, outs: found.wrote };
    const { live } = found;
    const want = declaredRouting(live.id, inputs);
    if (didRoutingDiffers(live, want)) {
      const outs = await route(live.id, inputs);
      return { id: outs.didId, outs };
    }
    // Set as declared, by this deployment as much as by a PATCH: a rename's delete must leave it (claims.ts).
    claims.claim(CLAIM, live.id);
    adoptedAsDeclared(`DIDWW DID +${live.number}`);
    return { id: live.id, outs: { didId: live.id, ...want, number: live.number } };
  },

  async update(id, _olds, news) {
    // The id is the DID's: diff replaces the resource whenever the declared DID changes.
    return { outs: await route(id, news) };
  },

  async read(id) {
    // Read with the other operations' reads (one request per 100 DIDs when many refresh at once).
    const did = await didwwClient().readDid(id);
    // The DID is no longer in the account: an empty id tells the engine the resource is gone.
    if (did === undefined) return {};
    const inputs: DidTrunkAssignmentInputs = { didId: did.id };
    if (did.trunkId !== null) inputs.trunkId = did.trunkId;
    if (did.trunkGroupId !== null) inputs.trunkGroupId = did.trunkGroupId;
    return {
      id: did.id,
      props: { didId: did.id, trunkId: did.trunkId, trunkGroupId: did.trunkGroupId, number: did.number },
      inputs,
    };
  },

  async delete(id) {
    if (claims.isClaimed(CLAIM, id)) {
      notice(`DID ${id} was routed by another resource in this deployment; leaving its routing as that resource set it`);
      return;
    }
    const shared = await didwwClient().readDidUnlessAlone(id, () => unroute(id));
    // Gone from the account, or routed nowhere already: nothing to clear.
    if ("wrote" in shared || shared.live === undefined) return;
    if (shared.live.trunkId !== null || shared.live.trunkGroupId !== null) await unroute(id);
  },
};

/** Clears both relationships; a DID already gone counts as done. */
async function unroute(id: string): Promise<void> {
  try {
    await didwwClient().setDidRouting(id, { trunkId: null, trunkGroupId: null });
  } catch (error) {
    // Already gone: nothing is routed any more, which is what delete wants.
    if (!isNotFound(error)) throw error;
  }
}
