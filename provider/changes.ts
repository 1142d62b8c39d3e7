/**
Whether a routing differs from the wanted one: the only comparisons that decide if `pulumi up` sends a PATCH. The
resources' `diff` (against the last recorded or refreshed state) and `didroute plan` (against the live APIs) both
call these, so a plan and an up cannot disagree about what changes.
*/
import type { DidRouting } from "./didww/client";
import type { ConfigurationType } from "./didww/trunkApi";
import { GROUP_FIELDS, PSTN_FIELDS, SIP_FIELDS, TRUNK_FIELDS, type Field } from "./didww/trunkFields";
import type { VoiceInTrunkGroupInputs, VoiceInTrunkInputs } from "./didww/trunkRules";
import { isUnknown } from "./validate";

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

/** A DIDWW trunk as a comparison sees it: what the last state recorded (diff) or what DIDWW holds (a plan). */
export interface TrunkView {
  /** Top-level attributes by input name, `name` included. */
  attributes: Readonly<Record<string, unknown>>;
  configurationType: ConfigurationType;
  /** The configuration's attributes by input name (`sip.*` or `pstn.*`). */
  settings: Readonly<Record<string, unknown>>;
}

/**
What a declared trunk changes: the declared attributes whose value differs (as paths: `priority`, `sip.codecIds`), and
whether it must be replaced (its configuration type, SIP or PSTN, differs: DIDWW cannot change it in place). Only what
the program declares is compared, so a server default or a hand change of an undeclared attribute is never a change.
A value not known yet (during a preview) counts as a change.
*/
export function trunkDifferences(current: TrunkView, want: VoiceInTrunkInputs): { replace?: "sip" | "pstn"; changed: string[] } {
  const changed: string[] = [];
  if (isUnknown(want.name) || want.name !== current.attributes["name"]) changed.push("name");
  for (const field of TRUNK_FIELDS) {
    const value = (want as unknown as Record<string, unknown>)[field.input];
    if (value !== undefined && !sameValue(field, current.attributes[field.input], value)) changed.push(field.input);
  }
  const kind = want.sip !== undefined ? "sip" : "pstn";
  const settings = want.sip ?? want.pstn;
  if (isUnknown(settings)) return { changed: [...changed, kind] };
  if ((kind === "sip") !== (current.configurationType === "sip_configurations")) return { replace: kind, changed: [...changed, kind] };
  for (const field of kind === "sip" ? SIP_FIELDS : PSTN_FIELDS) {
    const value = (settings as Record<string, unknown> | undefined)?.[field.input];
    if (value !== undefined && !sameValue(field, current.settings[field.input], value)) changed.push(`${kind}.${field.input}`);
  }
  return { changed };
}

/** A declared trunk group against the last state or DIDWW: its changed attributes, members compared as a set. */
export function trunkGroupDifferences(current: Readonly<Record<string, unknown>> & { trunkIds?: readonly string[] }, want: VoiceInTrunkGroupInputs): string[] {
  const changed: string[] = [];
  if (isUnknown(want.name) || want.name !== current["name"]) changed.push("name");
  for (const field of GROUP_FIELDS) {
    const value = (want as unknown as Record<string, unknown>)[field.input];
    if (value !== undefined && !sameValue(field, current[field.input], value)) changed.push(field.input);
  }
  if (want.trunkIds.some(isUnknown) || membersDiffer(current.trunkIds ?? [], want.trunkIds)) changed.push("trunkIds");
  return changed;
}

/** Lists compare in order where order means something (codec preference), as sets otherwise. */
function sameValue(field: Field, current: unknown, want: unknown): boolean {
  if (isUnknown(want)) return false;
  // An empty list and null mean the same where a list may be null (no rerouting codes): DIDWW may store either.
  if (field.rule.nullable && (field.rule.kind === "integerList" || field.rule.kind === "stringList")) {
    if (Array.isArray(want) && want.length === 0) want = null;
    if (Array.isArray(current) && current.length === 0) current = null;
  }
  if (!Array.isArray(want) || !Array.isArray(current)) return current === want;
  if (want.length !== current.length || want.some(isUnknown)) return false;
  const ordered = field.rule.kind === "integerList" && field.rule.ordered;
  if (ordered) return want.every((item, index) => item === current[index]);
  const set = new Set(current);
  return want.every((item) => set.has(item));
}
