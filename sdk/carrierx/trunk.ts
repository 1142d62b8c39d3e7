import * as pulumi from "@pulumi/pulumi";
import { providerFor } from "../shim";

const provider = providerFor("carrierx:Trunk");

type Codec = "alaw" | "g722" | "g723" | "g729" | "gsm" | "opus8" | "opus12" | "opus16" | "opus24" | "opus48" | "ulaw";

/**
A CarrierX trunk's fields, named after the API's fields in camelCase (`in_capacity` → `inCapacity`). A field left
out is not managed: CarrierX keeps its default or whatever it holds.
*/
export interface TrunkArgs {
  /**
  The trunk group the trunk lives in (`trunk_group_sid`, a UUID), e.g. `group.trunkGroupSid`. CarrierX cannot move a
  trunk, so changing it **replaces** the trunk: a new one is created in the new group, then the old one deleted.
  */
  trunkGroupSid: pulumi.Input<string>;
  /** The trunk's name (`name`). Required: create finds an existing trunk of the group by it (see `adopt`). */
  name: pulumi.Input<string>;
  /** `allow_forward`: "direct", "direct_uri", "disabled" (default), "protected" or "reroute". */
  allowForward?: pulumi.Input<"direct" | "direct_uri" | "disabled" | "protected" | "reroute">;
  /** `allow_transfer` (default false). */
  allowTransfer?: pulumi.Input<boolean>;
  /** `asn_mode`: "disable" (default), "read", "write" or "read_write". */
  asnMode?: pulumi.Input<"disable" | "read" | "write" | "read_write">;
  /** `call_type` (default "regular"). */
  callType?: pulumi.Input<string>;
  /** `codec`: the legacy codec, prepended to the trunk's codec lists; null for none (the default). */
  codec?: pulumi.Input<Codec | null>;
  /** `endpoint_sid`: the endpoint calls go to (a UUID), or null for none. */
  endpointSid?: pulumi.Input<string | null>;
  /** `in_capacity`: inbound calls at once; 0 (default) is unlimited, -1 refuses inbound calls. */
  inCapacity?: pulumi.Input<number>;
  /** `in_identity_format` (default "passthrough"). */
  inIdentityFormat?: pulumi.Input<string>;
  /** `in_identity_mode` (default "passthrough"). */
  inIdentityMode?: pulumi.Input<string>;
  /** `in_rfc_4694_mode` (default "cut_all"). */
  inRfc4694Mode?: pulumi.Input<string>;
  /** `location_sid` (a UUID), or null for none. */
  locationSid?: pulumi.Input<string | null>;
  /** `out_capacity`: outbound calls at once (default 0). */
  outCapacity?: pulumi.Input<number>;
  /** `out_identity_mode` (default "passthrough"). */
  outIdentityMode?: pulumi.Input<string>;
  /** `out_rfc_4694_mode` (default "cut_all"). */
  outRfc4694Mode?: pulumi.Input<string>;
  /** `priority` within the group (default 0). */
  priority?: pulumi.Input<number>;
  /** `weight` within the group (default 0). */
  weight?: pulumi.Input<number>;
  /** Take over a trunk of the group that already has this name instead of refusing to create (see TrunkGroupArgs.adopt). */
  adopt?: pulumi.Input<boolean>;
}

/**
A CarrierX trunk (`/trunk_groups/{trunk_group_sid}/trunks`). The resource id is its `trunk_sid`.

Create refuses a name the group already has unless `adopt` is set; updates PATCH every declared field (never PUT);
a new `trunkGroupSid` replaces the trunk; delete removes it (a trunk already gone counts as deleted).
*/
export class Trunk extends pulumi.dynamic.Resource {
  /** The trunk's `trunk_sid`. */
  declare readonly trunkSid: pulumi.Output<string>;
  declare readonly trunkGroupSid: pulumi.Output<string>;
  declare readonly name: pulumi.Output<string>;
  /** The fields as CarrierX holds them: declared or not (CarrierX's defaults show here). */
  declare readonly allowForward: pulumi.Output<string>;
  declare readonly allowTransfer: pulumi.Output<boolean>;
  declare readonly asnMode: pulumi.Output<string>;
  declare readonly callType: pulumi.Output<string>;
  declare readonly codec: pulumi.Output<string | null>;
  declare readonly endpointSid: pulumi.Output<string | null>;
  declare readonly inCapacity: pulumi.Output<number>;
  declare readonly inIdentityFormat: pulumi.Output<string>;
  declare readonly inIdentityMode: pulumi.Output<string>;
  declare readonly inRfc4694Mode: pulumi.Output<string>;
  declare readonly locationSid: pulumi.Output<string | null>;
  declare readonly outCapacity: pulumi.Output<number>;
  declare readonly outIdentityMode: pulumi.Output<string>;
  declare readonly outRfc4694Mode: pulumi.Output<string>;
  declare readonly priority: pulumi.Output<number>;
  declare readonly weight: pulumi.Output<number>;

  constructor(name: string, args: TrunkArgs, opts?: pulumi.CustomResourceOptions) {
    const outputs = {
      trunkSid: undefined, allowForward: undefined, allowTransfer: undefined, asnMode: undefined, callType: undefined,
      codec: undefined, endpointSid: undefined, inCapacity: undefined, inIdentityFormat: undefined,
      inIdentityMode: undefined, inRfc4694Mode: undefined, locationSid: undefined, outCapacity: undefined,
      outIdentityMode: undefined, outRfc4694Mode: undefined, priority: undefined, weight: undefined,
    };
    super(provider, name, { ...outputs, ...args }, opts, "carrierx", "Trunk");
  }
}
