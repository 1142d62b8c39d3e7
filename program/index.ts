import * as pulumi from "@pulumi/pulumi";
import * as didroute from "pulumi-didroute";

/**
The main job: declares the routing listed in the stack's `routing` config (Pulumi.<stack>.yaml), for example

  config:
    didroute:routing:
      didww:
        dids:
          - id: 9df99644-f1a5-4a3c-99a4-559d758eb96b
            trunk: 41b94706-325e-4704-a433-d65105758836
          - id: 2a0c5e1e-8f5b-4d0e-9d8a-1f6a2b3c4d5e
            trunkGroup: 714e8148-0aea-4cb6-8680-bd1d06453418
        trunkGroups:
          - group: 714e8148-0aea-4cb6-8680-bd1d06453418
            trunks: [41b94706-325e-4704-a433-d65105758836]

Resource names derive from the ids, so reordering the list renames nothing.
*/
interface Routing {
  didww?: {
    dids?: { id: string; trunk?: string; trunkGroup?: string }[];
    trunkGroups?: { group: string; trunks: string[] }[];
  };
}

const routing = new pulumi.Config().requireObject<Routing>("routing");

const groups = (routing.didww?.trunkGroups ?? []).map(
  (entry) => new didroute.didww.TrunkGroupMembership(`group-${entry.group}`, { trunkGroupId: entry.group, trunkIds: entry.trunks }),
);

const dids = (routing.didww?.dids ?? []).map(
  (entry) =>
    new didroute.didww.DidTrunkAssignment(
      `did-${entry.id}`,
      {
        didId: entry.id,
        ...(entry.trunk === undefined ? {} : { trunkId: entry.trunk }),
        ...(entry.trunkGroup === undefined ? {} : { trunkGroupId: entry.trunkGroup }),
      },
      // A DID routed to a group should ring only once the group has its trunks.
      { dependsOn: groups },
    ),
);

export const numbers = pulumi.all(dids.map((did) => pulumi.all([did.number, did.trunkId, did.trunkGroupId])));
