/**
Which objects a create or update in this provider process has routed.

A rename or a move of a DID (or trunk group) from one resource to another is, for the engine, a create of the new
resource and, at the end of the same deployment, a delete of the old one. Both run in this one provider process.
If the old resource's delete cleared the routing it would undo what the new resource just set, so delete skips an
object that a create or update claimed in this process. Separate deployments run in separate processes and start
with no claims, so a plain removal still clears.
*/
export class Claims {
  private readonly claimed = new Set<string>();

  claim(kind: string, id: string): void {
    this.claimed.add(`${kind}/${id}`);
  }

  isClaimed(kind: string, id: string): boolean {
    return this.claimed.has(`${kind}/${id}`);
  }
}

export const claims = new Claims();

/** The two kinds that can declare a DIDWW trunk group's members. */
export type MembershipKind = "VoiceInTrunkGroup" | "TrunkGroupMembership";

/**
Which resource kind declares each trunk group's members in this provider process, i.e. in this deployment or preview.

A VoiceInTrunkGroup owns its group's members; a TrunkGroupMembership sets the members of a group made outside the
program. Both declaring one group would have them overwrite each other on every `pulumi up`, so the second kind to
declare a group is refused. A resource declares its group when the engine checks or diffs it with the group id known
(an existing group, or a TrunkGroupMembership given an id) and when it creates or updates it, which is before either
sends a request for a group the other declares: a new VoiceInTrunkGroup's id is known only once it is created, and a
TrunkGroupMembership given that id is checked after that.
*/
export class MembershipOwners {
  private readonly owners = new Map<string, MembershipKind>();

  /** Records `kind` as declaring `groupId`'s members; returns the other kind when that one already does. */
  declare(groupId: string, kind: MembershipKind): MembershipKind | undefined {
    const owner = this.owners.get(groupId);
    if (owner !== undefined && owner !== kind) return owner;
    this.owners.set(groupId, kind);
    return undefined;
  }
}

export const membershipOwners = new MembershipOwners();
