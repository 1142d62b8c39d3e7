import { claims } from "../claims";
import { DidrouteError, isNotFound } from "../errors";
import { notice, type ResourceOperations } from "../resource";
import { checkAdopt, checkUuid, isUnknown, unknownProperties, type CheckFailure } from "../validate";
import { exclusively } from "../exclusive";
import { findByName, mayExist, refusal, type Kind } from "./adoption";
import { carrierxClient, type CarrierxObject } from "./client";
import { apiBody, changedFields, checkFields, fieldOutputs, inputNames, TRUNK_FIELDS } from "./fields";

/** Inputs as stored after check: the group, the declared fields of TRUNK_FIELDS (camelCase), and `adopt`. */
export type TrunkInputs = Record<string, unknown> & { trunkGroupSid: string; name: string; adopt?: boolean };

/** The trunk's sid and group, and every field of TRUNK_FIELDS as CarrierX holds it. */
export type TrunkOutputs = Record<string, unknown> & { trunkSid: string; trunkGroupSid: string; name: string };

const KIND: Kind = { resource: "Trunk", noun: "trunk", sidField: "trunk_sid" };
const PROPERTIES = ["trunkGroupSid", ...inputNames(TRUNK_FIELDS), "adopt"];
const CLAIM = "carrierx/trunk";

/** A trunk object has no field naming its group (reference §4.2): the group is the one whose URL it lives under. */
function outputsOf(trunkGroupSid: string, trunk: CarrierxObject): TrunkOutputs {
  return { trunkSid: trunk["trunk_sid"] as string, trunkGroupSid, ...fieldOutputs(trunk, TRUNK_FIELDS) } as TrunkOutputs;
}

const inGroup = (groupSid: string): string => ` in trunk group ${groupSid}`;

/** A rename must not give the trunk a name another trunk of its group has: the name is how create finds it. */
async function checkNameFree(groupSid: string, id: string, name: string): Promise<void> {
  const other = findByName(await carrierxClient().trunks(groupSid), name, KIND, inGroup(groupSid));
  if (other !== undefined && other["trunk_sid"] !== id) {
    throw new DidrouteError(
      `CarrierX trunk group ${groupSid} already has another trunk named ${JSON.stringify(name)} ` +
        `(${other["trunk_sid"]}): trunk ${id} cannot take that name; choose another name`,
      { system: "CarrierX" },
    );
  }
}

type Operations = ResourceOperations<TrunkInputs, TrunkOutputs>;

export const trunk: Operations = {
  async check(_olds, news) {
    const failures: CheckFailure[] = unknownProperties(news, PROPERTIES, KIND.resource);
    const trunkGroupSid = checkUuid(news["trunkGroupSid"], "trunkGroupSid", "CarrierX trunk group", failures, "sid");
    const declared = checkFields(news, TRUNK_FIELDS, failures);
    const adopt = checkAdopt(news["adopt"], failures);
    if (failures.length > 0 || trunkGroupSid === undefined) return { failures };
    return { inputs: { trunkGroupSid, ...declared, ...(adopt === undefined ? {} : { adopt }) } as TrunkInputs };
  },

  async diff(_id, olds, news) {
    // A trunk lives inside its group's URL and has no field naming the group, so CarrierX cannot move it: another
    // group means a new trunk there (created first), then the old one deleted.
    if (isUnknown(news.trunkGroupSid) || news.trunkGroupSid !== olds.trunkGroupSid) {
      return { changes: true, replaces: ["trunkGroupSid"] };
    }
    return { changes: changedFields(olds, news, TRUNK_FIELDS).length > 0 };
  },

  async create(inputs) {
    const groupSid = inputs.trunkGroupSid;
    return exclusively("CarrierX", KIND.resource, `trunk named ${JSON.stringify(inputs.name)}${inGroup(groupSid)}`, async () => {
      const client = carrierxClient();
      const existing = findByName(await client.trunks(groupSid), inputs.name, KIND, inGroup(groupSid));
      if (existing !== undefined) {
        if (inputs.adopt !== true) throw refusal(existing, inputs.name, KIND, inGroup(groupSid));
        const sid = existing["trunk_sid"] as string;
        claims.claim(CLAIM, sid);
        const current = outputsOf(groupSid, existing);
        if (changedFields(current, inputs, TRUNK_FIELDS).length === 0) return { id: sid, outs: current };
        return { id: sid, outs: outputsOf(groupSid, await client.updateTrunk(groupSid, sid, apiBody(inputs, TRUNK_FIELDS))) };
      }
      let created: CarrierxObject;
      try {
        created = await client.createTrunk(groupSid, apiBody(inputs, TRUNK_FIELDS));
      } catch (error) {
        throw mayExist(error, KIND);
      }
      const outs = outputsOf(groupSid, created);
      return { id: outs.trunkSid, outs };
    });
  },

  async update(id, olds, news) {
    // diff replaces the trunk when its group changes, so the group here is the one it lives in.
    if (news.name !== olds.name) await checkNameFree(olds.trunkGroupSid, id, news.name);
    const updated = await carrierxClient().updateTrunk(olds.trunkGroupSid, id, apiBody(news, TRUNK_FIELDS));
    return { outs: outputsOf(olds.trunkGroupSid, updated) };
  },

  async read(id, props) {
    const groupSid = props.trunkGroupSid;
    if (typeof groupSid !== "string") {
      throw new DidrouteError(`Trunk ${id} has no trunkGroupSid in its state, so it cannot be read`, { system: "CarrierX" });
    }
    try {
      // No `inputs`: the engine keeps the declared ones (see trunkGroup.ts).
      return { id, props: outputsOf(groupSid, await carrierxClient().getTrunk(groupSid, id)) };
    } catch (error) {
      if (isNotFound(error)) return {}; // the trunk, or its whole group, is gone
      throw error;
    }
  },

  async delete(id, props) {
    if (claims.isClaimed(CLAIM, id)) {
      notice(`trunk ${id} was adopted by another resource in this deployment; leaving it in place`);
      return;
    }
    try {
      await carrierxClient().deleteTrunk(props.trunkGroupSid, id, props.name);
    } catch (error) {
      if (!isNotFound(error)) throw error; // already gone (or its group is), which is what delete wants
    }
  },
};
