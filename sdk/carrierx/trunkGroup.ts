import * as pulumi from "@pulumi/pulumi";
import { providerFor } from "../shim";

/** One provider object for every instance: Pulumi serializes it once per object, not once per resource. */
const provider = providerFor("carrierx:TrunkGroup");

/**
A CarrierX trunk group's fields, named after the API's fields in camelCase (`hard_failure_codes` →
`hardFailureCodes`). A field left out is not managed: CarrierX keeps its default or whatever it holds.
*/
export interface TrunkGroupArgs {
  /** The group's name (`name`). Required: create finds an existing group by it (see `adopt`). Changing it renames the group in place. */
  name: pulumi.Input<string>;
  /** `routing_type`: how calls are spread over the group's trunks. CarrierX's default is "failover", the one value it documents. */
  routingType?: pulumi.Input<string>;
  /** `hard_failure_codes`: SIP codes that count as a hard failure, each followed by ";" (CarrierX's default "408;"). Compared as a set. */
  hardFailureCodes?: pulumi.Input<string>;
  /** `hard_failure_cooldown`: seconds (default 120). */
  hardFailureCooldown?: pulumi.Input<number>;
  /** `hard_failure_interval`: seconds (default 60). */
  hardFailureInterval?: pulumi.Input<number>;
  /** `hard_failure_last_resort`: "first" (default), "reject502" or "reject503". */
  hardFailureLastResort?: pulumi.Input<"first" | "reject502" | "reject503">;
  /** `hard_failure_threshold` (default 3). */
  hardFailureThreshold?: pulumi.Input<number>;
  /** `sip_options_threshold` (default 3). */
  sipOptionsThreshold?: pulumi.Input<number>;
  /** `soft_failure_codes`: SIP codes that count as a soft failure, each followed by ";" (default "408;"). */
  softFailureCodes?: pulumi.Input<string>;
  /**
  Take over a group that already has this name instead of refusing to create: create then sets the declared fields
  on it (one PATCH, none when they already match) and the resource manages it from then on, delete included.
  */
  adopt?: pulumi.Input<boolean>;
}

/**
A CarrierX trunk group (`/trunk_groups`). The resource id is its `trunk_group_sid`.

Create refuses a name the partner already uses unless `adopt` is set; updates PATCH every declared field (never PUT);
delete is refused by CarrierX while DIDs or trunks still use the group, and the error names them. Trunks are the
`Trunk` resource; a DID's group is `DidTrunkGroupAssignment`. Give those `trunkGroupSid: group.trunkGroupSid`, so
Pulumi creates the group before them and deletes it after them.
*/
export class TrunkGroup extends pulumi.dynamic.Resource {
  /** The group's `trunk_group_sid`. */
  declare readonly trunkGroupSid: pulumi.Output<string>;
  /** The partner that owns the group (`partner_sid`). */
  declare readonly partnerSid: pulumi.Output<string | null>;
  declare readonly name: pulumi.Output<string>;
  /** The fields as CarrierX holds them: declared or not (CarrierX's defaults show here). */
  declare readonly routingType: pulumi.Output<string>;
  declare readonly hardFailureCodes: pulumi.Output<string>;
  declare readonly hardFailureCooldown: pulumi.Output<number>;
  declare readonly hardFailureInterval: pulumi.Output<number>;
  declare readonly hardFailureLastResort: pulumi.Output<string>;
  declare readonly hardFailureThreshold: pulumi.Output<number>;
  declare readonly sipOptionsThreshold: pulumi.Output<number>;
  declare readonly softFailureCodes: pulumi.Output<string>;

  constructor(name: string, args: TrunkGroupArgs, opts?: pulumi.CustomResourceOptions) {
    // Every output needs a key for Pulumi to fill; spread, because Pulumi writes `__provider` into the object.
    const outputs = {
      trunkGroupSid: undefined, partnerSid: undefined, routingType: undefined, hardFailureCodes: undefined,
      hardFailureCooldown: undefined, hardFailureInterval: undefined, hardFailureLastResort: undefined,
      hardFailureThreshold: undefined, sipOptionsThreshold: undefined, softFailureCodes: undefined,
    };
    super(provider, name, { ...outputs, ...args }, opts, "carrierx", "TrunkGroup");
  }
}
