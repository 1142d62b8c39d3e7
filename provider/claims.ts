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
