import * as pulumi from "@pulumi/pulumi";
import { providerFor } from "../shim";

/** One provider object for every instance: Pulumi serializes it once per object, not once per resource. */
const provider = providerFor("didww:DidTrunkAssignment");

export interface DidTrunkAssignmentArgs {
  /**
  The DIDWW DID id (a UUID). Set `didId` or `number`. Changing the DID replaces the resource: the new DID is routed,
  then the old one unrouted.
  */
  didId?: pulumi.Input<string>;
  /**
  The DID's number in E.164 form with "+" (e.g. "+16091609123456797"), in place of `didId`: looked up on create
  (`filter[number]`; concurrent creates share one request per 100 numbers). Switching between `didId` and `number`
  for the same DID changes nothing.
  */
  number?: pulumi.Input<string>;
  /** Route the DID to this voice in trunk (UUID). Set exactly one of `trunkId` and `trunkGroupId`. */
  trunkId?: pulumi.Input<string>;
  /** Route the DID to this voice in trunk group (UUID). Set exactly one of `trunkId` and `trunkGroupId`. */
  trunkGroupId?: pulumi.Input<string>;
}

/**
Routes a DIDWW DID to a voice in trunk or to a voice in trunk group.

Create adopts the DID as it is (one PATCH sets the declared routing and clears the other kind); changing the trunk or
group is an in-place update (one PATCH); delete unroutes the DID (both relationships `null`), unless another resource
of the same deployment routed it meanwhile. The resource id is the DID id.
*/
export class DidTrunkAssignment extends pulumi.dynamic.Resource {
  /** The DID id. */
  declare readonly didId: pulumi.Output<string>;
  /** The trunk the DID is routed to; null when it is routed to a trunk group. */
  declare readonly trunkId: pulumi.Output<string | null>;
  /** The trunk group the DID is routed to; null when it is routed to a trunk. */
  declare readonly trunkGroupId: pulumi.Output<string | null>;
  /** The DID's number as DIDWW reports it: E.164 digits without "+", e.g. "16091609123456797". */
  declare readonly number: pulumi.Output<string>;

  constructor(name: string, args: DidTrunkAssignmentArgs, opts?: pulumi.CustomResourceOptions) {
    // Spread: Pulumi writes `__provider` into the object it is given, and users may reuse an args object.
    super(
      provider,
      name,
      { didId: undefined, trunkId: undefined, trunkGroupId: undefined, number: undefined, ...args },
      opts,
      "didww",
      "DidTrunkAssignment",
    );
  }
}
