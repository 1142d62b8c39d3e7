import * as pulumi from "@pulumi/pulumi";
import * as didroute from "pulumi-didroute";

// The sids come from stack config so this program runs against any CarrierX partner account:
//   pulumi config set --secret carrierx:token <token>
//   pulumi config set mainDid <did_sid>
//   pulumi config set officeTrunkGroup <trunk_group_sid>
const config = new pulumi.Config();

// Calls to the main number go to the office trunk group. Only the DID's trunk_group_sid is managed: its name,
// attributes and callback URL stay as they are in CarrierX.
const main = new didroute.carrierx.DidTrunkGroupAssignment("main", {
  didSid: config.require("mainDid"),
  trunkGroupSid: config.require("officeTrunkGroup"),
});

export const mainNumber = main.phonenumber;
export const mainTrunkGroup = main.trunkGroupSid;
