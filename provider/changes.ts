/**
Whether a routing differs from the wanted one: the only comparisons that decide if `pulumi up` sends a PATCH. The
resources' `diff` (against the last recorded or refreshed state) and `didroute plan` (against the live APIs) both
call these, so a plan and an up cannot disagree about what changes.
*/
import type { DidRouting } from "./didww/client";

/** A DIDWW DID: routed to a trunk, a trunk group, or nothing (null and absent mean the same). */
export function didRoutingDiffers(current: Partial<DidRouting>, want: DidRouting): boolean {
  return want.trunkId !== (current.trunkId ?? null) || want.trunkGroupId !== (current.trunkGroupId ?? null);
}

/** A DIDWW trunk group's members: a set, so neither the program's order nor DIDWW's answer order matters. */
export function membersDiffer(current: readonly string[], want: readonly string[]): boolean {
  if (current.length !== want.length) return true;
  const set = new Set(current);
  return !want.every((id) => set.has(id));
}

/** A CarrierX DID's trunk group (null: none). */
export function trunkGroupSidDiffers(current: string | null | undefined, want: string | null): boolean {
  return want !== (current ?? null);
}
