import * as pulumi from "@pulumi/pulumi";
import * as didroute from "pulumi-didroute";

// The ids come from stack config so this program runs against any DIDWW account (or the sandbox):
//   pulumi config set --secret didww:apiKey <key>
//   pulumi config set frankfurtDid <DID uuid>     pulumi config set supportDid <DID uuid>
//   pulumi config set frankfurtTrunk <trunk uuid> pulumi config set dublinTrunk <trunk uuid>
//   pulumi config set euGroup <trunk group uuid>
const config = new pulumi.Config();

// The group rings both PBXs; trunks not listed here are removed from it.
const euGroup = new didroute.didww.TrunkGroupMembership("eu-primary", {
  trunkGroupId: config.require("euGroup"),
  trunkIds: [config.require("frankfurtTrunk"), config.require("dublinTrunk")],
});

// The sales number rings the Frankfurt PBX directly.
const sales = new didroute.didww.DidTrunkAssignment("sales", {
  didId: config.require("frankfurtDid"),
  trunkId: config.require("frankfurtTrunk"),
});

// The support number rings the whole group; it waits for the group's membership to be in place.
const support = new didroute.didww.DidTrunkAssignment(
  "support",
  { didId: config.require("supportDid"), trunkGroupId: euGroup.trunkGroupId },
  { dependsOn: [euGroup] },
);

export const salesNumber = sales.number;
export const supportNumber = support.number;
export const groupTrunks = euGroup.trunkIds;
