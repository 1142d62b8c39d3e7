import * as pulumi from "@pulumi/pulumi";
import { providerFor } from "../shim";

/** One provider object for every instance: Pulumi serializes it once per object, not once per resource. */
const provider = providerFor("didww:VoiceInTrunkGroup");

export interface VoiceInTrunkGroupArgs {
  /** The group's name in DIDWW, unique in the account; changing it renames the group in place. */
  name: pulumi.Input<string>;
  /** Simultaneous calls across the group, 1–32767; null: no limit. */
  capacityLimit?: pulumi.Input<number | null>;
  /** Your own identifier for the group, up to 100 characters. */
  externalReferenceId?: pulumi.Input<string | null>;
  /**
  Every trunk of the group (ids, e.g. `trunk.id`); trunks not listed are moved out. `[]` is an empty group. DIDWW
  keeps a trunk in one group at most, so listing one here moves it out of any other.
  */
  trunkIds: pulumi.Input<pulumi.Input<string>[]>;
  /**
  Take over an existing group of the same name on create, updating it to this declaration, instead of refusing.
  Deleting the resource then deletes the group (use `retainOnDelete` to keep it).
  */
  adopt?: pulumi.Input<boolean>;
}

/**
A DIDWW voice in trunk group with its members, created, updated and deleted as declared; it owns its membership (a
`TrunkGroupMembership` for the same group is refused). Delete first moves its trunks out, so that deleting the group
never deletes a trunk. The resource id is the group id.
*/
export class VoiceInTrunkGroup extends pulumi.dynamic.Resource {
  declare readonly name: pulumi.Output<string>;
  declare readonly capacityLimit: pulumi.Output<number | null | undefined>;
  declare readonly externalReferenceId: pulumi.Output<string | null | undefined>;
  /** The group's trunks as DIDWW reports them. */
  declare readonly trunkIds: pulumi.Output<string[]>;
  declare readonly adopt: pulumi.Output<boolean | undefined>;
  /** When DIDWW created the group. */
  declare readonly createdAt: pulumi.Output<string>;

  constructor(name: string, args: VoiceInTrunkGroupArgs, opts?: pulumi.CustomResourceOptions) {
    const props = { capacityLimit: undefined, externalReferenceId: undefined, adopt: undefined, createdAt: undefined, ...args };
    super(provider, name, props, opts, "didww", "VoiceInTrunkGroup");
  }
}
