import * as pulumi from "@pulumi/pulumi";
import { providerFor } from "../shim";

const provider = providerFor("didww:TrunkGroupMembership");

export interface TrunkGroupMembershipArgs {
  /** The DIDWW voice in trunk group id (UUID). Changing it replaces the resource. */
  trunkGroupId: pulumi.Input<string>;
  /**
  Every voice in trunk (UUID) the group must contain; trunks not listed are removed from the group. Order does not
  matter; `[]` is a valid desired state (an empty group). A trunk belongs to at most one group at DIDWW: listing it
  here moves it out of any other group.
  */
  trunkIds: pulumi.Input<pulumi.Input<string>[]>;
}

/**
The whole set of trunks of a DIDWW voice in trunk group, authoritatively.

Create replaces whatever members the group had with the declared set (one PATCH); a changed set is an in-place update
(one PATCH); delete empties the group (`[]`), unless another resource of the same deployment set it meanwhile. The
resource id is the group id.
*/
export class TrunkGroupMembership extends pulumi.dynamic.Resource {
  /** The trunk group id. */
  declare readonly trunkGroupId: pulumi.Output<string>;
  /** The trunk ids in the group. */
  declare readonly trunkIds: pulumi.Output<string[]>;

  constructor(name: string, args: TrunkGroupMembershipArgs, opts?: pulumi.CustomResourceOptions) {
    super(provider, name, { ...args }, opts, "didww", "TrunkGroupMembership");
  }
}
