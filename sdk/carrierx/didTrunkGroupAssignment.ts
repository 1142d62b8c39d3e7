import * as pulumi from "@pulumi/pulumi";
import { providerFor } from "../shim";

/** One provider object for every instance: Pulumi serializes it once per object, not once per resource. */
const provider = providerFor("carrierx:DidTrunkGroupAssignment");

export interface DidTrunkGroupAssignmentArgs {
  /**
  The CarrierX DID's `did_sid` (a UUID). Set `didSid` or `number`. Changing the DID replaces the resource: the new
  DID gets the trunk group, then the old one's is cleared.
  */
  didSid?: pulumi.Input<string>;
  /**
  The DID's number in E.164 form with "+" (e.g. "+15162065574"), in place of `didSid`: looked up on create.
  Switching between `didSid` and `number` for the same DID changes nothing.
  */
  number?: pulumi.Input<string>;
  /** The trunk group (`trunk_group_sid`, a UUID) the DID's calls go to. Changing it is an in-place update. */
  trunkGroupSid: pulumi.Input<string>;
}

/**
Assigns a CarrierX DID to a trunk group: the DID's `trunk_group_sid`.

Create adopts the DID as it is (one PATCH of `{"trunk_group_sid": …}`, nothing else of the DID is sent); changing
the trunk group is an in-place update (one PATCH); delete clears it (`{"trunk_group_sid": null}`), unless another
resource of the same deployment assigned the DID meanwhile. The resource id is the DID's `did_sid`.
*/
export class DidTrunkGroupAssignment extends pulumi.dynamic.Resource {
  /** The DID's `did_sid`. */
  declare readonly didSid: pulumi.Output<string>;
  /** The trunk group CarrierX reports for the DID: after `pulumi up`, the declared one. */
  declare readonly trunkGroupSid: pulumi.Output<string>;
  /** The DID's number as CarrierX reports it: E.164 digits without "+", e.g. "15162065574". */
  declare readonly phonenumber: pulumi.Output<string>;

  constructor(name: string, args: DidTrunkGroupAssignmentArgs, opts?: pulumi.CustomResourceOptions) {
    // Spread: Pulumi writes `__provider` into the object it is given, and users may reuse an args object.
    super(provider, name, { didSid: undefined, phonenumber: undefined, ...args }, opts, "carrierx", "DidTrunkGroupAssignment");
  }
}
