import { claims } from "../claims";
import { DidrouteError, isNotFound } from "../errors";
import { notice, type ResourceOperations } from "../resource";
import { checkAdopt, unknownProperties, type CheckFailure } from "../validate";
import { exclusively } from "../exclusive";
import { findByName, mayExist, refusal, type Kind } from "./adoption";
import { carrierxClient, isGroupInUse, type CarrierxObject } from "./client";
import { apiBody, changedFields, checkFields, fieldOutputs, inputNames, TRUNK_GROUP_FIELDS } from "./fields";

/** Inputs as stored after check: the declared fields of TRUNK_GROUP_FIELDS (camelCase), and `adopt`. */
export type TrunkGroupInputs = Record<string, unknown> & { name: string; adopt?: boolean };

/** Every field of TRUNK_GROUP_FIELDS as CarrierX holds it, the sid, and the owning partner. */
export type TrunkGroupOutputs = Record<string, unknown> & { trunkGroupSid: string; name: string; partnerSid: string | null };

const KIND: Kind = { resource: "TrunkGroup", noun: "trunk group", sidField: "trunk_group_sid" };
const PROPERTIES = [...inputNames(TRUNK_GROUP_FIELDS), "adopt"];
const CLAIM = "carrierx/trunk-group";
/** How many DIDs an in-use error names before it says how many more there are. */
const NAMED_DIDS = 5;

function outputsOf(group: CarrierxObject): TrunkGroupOutputs {
  const partner = group["partner_sid"];
  return {
    trunkGroupSid: group["trunk_group_sid"] as string,
    partnerSid: typeof partner === "string" ? partner : null,
    ...fieldOutputs(group, TRUNK_GROUP_FIELDS),
  } as TrunkGroupOutputs;
}

/** A rename must not give the group a name another group has: the name is how create and the routing file find it. */
async function checkNameFree(id: string, name: string): Promise<void> {
  const other = findByName(await carrierxClient().trunkGroupObjects(), name, KIND);
  if (other !== undefined && other["trunk_group_sid"] !== id) {
    throw new DidrouteError(
      `CarrierX already has another trunk group named ${JSON.stringify(name)} (${other["trunk_group_sid"]}): ` +
        `trunk group ${id} cannot take that name, or neither could be found by it; choose another name`,
      { system: "CarrierX" },
    );
  }
}

/**
The error for a delete CarrierX refused because the group is in use: CarrierX's answer, then what uses the group (its
DIDs, by the documented `trunk_group_sid` argument, and its trunks), so the person knows what to move first.
*/
async function inUse(error: DidrouteError, sid: string): Promise<DidrouteError> {
  const client = carrierxClient();
  let users: string;
  try {
    // One after the other, so the requests leave in the same order whatever the rate limit.
    const { dids, total } = await client.didsOfGroup(sid);
    const trunks = await client.trunks(sid);
    const named = dids.slice(0, NAMED_DIDS).map((did) => `+${did.phonenumber}`);
    if (total > named.length) named.push(`${total - named.length} more`);
    const parts = [
      named.length > 0 ? `DIDs ${named.join(", ")}` : "",
      trunks.length > 0 ? `trunks ${trunks.map((t) => `${JSON.stringify(t["name"])} (${t["trunk_sid"]})`).join(", ")}` : "",
    ].filter((part) => part !== "");
    users =
      parts.length === 0
        ? "No DID or trunk uses the group now: deleting it again may succeed"
        : `Still using the group: ${parts.join("; ")}. Assign those DIDs to another trunk group (or clear theirs) ` +
          "and delete those trunks, then delete the group again";
  } catch (lookup) {
    users = `What uses the group could not be listed: ${lookup instanceof Error ? lookup.message : String(lookup)}`;
  }
  return new DidrouteError(`${error.message}. ${users}`, error.details);
}

type Operations = ResourceOperations<TrunkGroupInputs, TrunkGroupOutputs>;

export const trunkGroup: Operations = {
  async check(_olds, news) {
    const failures: CheckFailure[] = unknownProperties(news, PROPERTIES, KIND.resource);
    const declared = checkFields(news, TRUNK_GROUP_FIELDS, failures);
    const adopt = checkAdopt(news["adopt"], failures);
    if (failures.length > 0) return { failures };
    return { inputs: { ...declared, ...(adopt === undefined ? {} : { adopt }) } as TrunkGroupInputs };
  },

  async diff(_id, olds, news) {
    // Nothing replaces a group: every field, its name included, changes in place. `adopt` matters only to create.
    return { changes: changedFields(olds, news, TRUNK_GROUP_FIELDS).length > 0 };
  },

  async create(inputs) {
    return exclusively("CarrierX", KIND.resource, `trunk group named ${JSON.stringify(inputs.name)}`, async () => {
      const client = carrierxClient();
      const existing = findByName(await client.trunkGroupObjects(), inputs.name, KIND);
      if (existing !== undefined) {
        if (inputs.adopt !== true) throw refusal(existing, inputs.name, KIND);
        const sid = existing["trunk_group_sid"] as string;
        // Another resource of this deployment may be giving the group up (a rename): its delete must leave it be.
        claims.claim(CLAIM, sid);
        const current = outputsOf(existing);
        if (changedFields(current, inputs, TRUNK_GROUP_FIELDS).length === 0) return { id: sid, outs: current };
        return { id: sid, outs: outputsOf(await client.updateTrunkGroup(sid, apiBody(inputs, TRUNK_GROUP_FIELDS))) };
      }
      let created: CarrierxObject;
      try {
        created = await client.createTrunkGroup(apiBody(inputs, TRUNK_GROUP_FIELDS));
      } catch (error) {
        throw mayExist(error, KIND);
      }
      const outs = outputsOf(created);
      return { id: outs.trunkGroupSid, outs };
    });
  },

  async update(id, olds, news) {
    if (news.name !== olds.name) await checkNameFree(id, news.name);
    // Every declared field, so the group ends as declared whatever changed by hand; PATCH leaves the others alone.
    return { outs: outputsOf(await carrierxClient().updateTrunkGroup(id, apiBody(news, TRUNK_GROUP_FIELDS))) };
  },

  async read(id) {
    try {
      // No `inputs`: the engine keeps the declared ones, so a refresh records CarrierX's values without declaring
      // fields the program leaves to CarrierX.
      return { id, props: outputsOf(await carrierxClient().getTrunkGroup(id)) };
    } catch (error) {
      if (isNotFound(error)) return {};
      throw error;
    }
  },

  async delete(id, props) {
    if (claims.isClaimed(CLAIM, id)) {
      notice(`trunk group ${id} was adopted by another resource in this deployment; leaving it in place`);
      return;
    }
    try {
      await carrierxClient().deleteTrunkGroup(id, props.name);
    } catch (error) {
      if (isNotFound(error)) return; // already gone, which is what delete wants
      if (isGroupInUse(error)) throw await inUse(error, id);
      throw error;
    }
  },
};
