import * as didroute from "pulumi-didroute";

/**
The main job: applies the project's routing.yaml. Credentials and endpoints come from the stack config
(`didww:apiKey`, `carrierx:token`, ...) or their environment variables; see README, "The main job".

The stack output `routing` lists what each number rings after `pulumi up`, as the APIs report it.
*/
export = async () => {
  const routing = await didroute.routing.fromFile("routing.yaml");
  return {
    routing: {
      didww: routing.didww.dids.map((did) => ({ number: did.number, trunkId: did.trunkId, trunkGroupId: did.trunkGroupId })),
      didwwTrunkGroups: routing.didww.trunkGroups.map((group) => ({ trunkGroupId: group.trunkGroupId, trunkIds: group.trunkIds })),
      carrierx: routing.carrierx.dids.map((did) => ({ number: did.phonenumber, trunkGroupSid: did.trunkGroupSid })),
    },
  };
};
