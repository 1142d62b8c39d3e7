/**
The plan of what the routing file declares: DIDWW trunks and trunk groups, CarrierX trunk groups and trunks. Each is
compared with the account's object of its name, whoever made it (a plan has no Pulumi state), by the comparison the
resource's diff makes, and its request built by the function the resource sends it with. A create when there is none;
an update of the attributes that differ, sending the complete declaration as the resource does; for a DIDWW trunk
whose configuration type differs, a replacement.

Secrets are compared with their values (from the environment, see secrets.ts) and shown as "[secret]", in the
attributes and in the requests alike.
*/
import { changedFields, apiBody, checkFields, fieldOutputs, TRUNK_FIELDS as CARRIERX_TRUNK_FIELDS, TRUNK_GROUP_FIELDS } from "../provider/carrierx/fields";
import { trunkDifferences, trunkGroupDifferences } from "../provider/changes";
import { groupCreateRequest, groupUpdateRequest, trunkCreateRequest, trunkUpdateRequest, type LiveTrunk } from "../provider/didww/trunkApi";
import { isSecret, SIP_FIELDS } from "../provider/didww/trunkFields";
import { checkVoiceInTrunk, checkVoiceInTrunkGroup, type VoiceInTrunkGroupInputs, type VoiceInTrunkInputs } from "../provider/didww/trunkRules";
import { UNKNOWN } from "../provider/validate";
import type { CarrierxObject } from "../provider/carrierx/client";
import { idOf, namedTarget, onWire, pathOnWire, pendingId, waitsFor, type EntryKind, type PlanContext, type PlannedChange } from "./plan-change";
import type { ResolvedCarrierxGroup, ResolvedDidwwDeclaredGroup, ResolvedDidwwTrunk } from "./resolve";
import { MASK, withSecrets } from "./secrets";

type Change = Omit<PlannedChange, "system" | "kind" | "line">;

/** Attribute paths whose values are secrets: never shown. */
const SECRET_PATHS = new Set(SIP_FIELDS.filter(isSecret).map((field) => `sip.${field.input}`));

function shown(path: string, value: unknown): unknown {
  return SECRET_PATHS.has(path) && value !== null && value !== undefined ? MASK : value;
}

/** `{ name, sip: { host } }` → `{ name, "sip.host" }`: the paths the comparisons name; `adopt` is no attribute. */
function flatten(inputs: Record<string, unknown>, prefix = ""): Record<string, unknown> {
  const flat: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(inputs)) {
    if (key === "adopt" || value === undefined) continue;
    if (prefix === "" && (key === "sip" || key === "pstn") && typeof value === "object" && value !== null) {
      Object.assign(flat, flatten(value as Record<string, unknown>, `${key}.`));
    } else {
      flat[`${prefix}${key}`] = shown(`${prefix}${key}`, value);
    }
  }
  return flat;
}

/** The declaration with each secret's value (for comparing) or the mask (for showing), as its check returns it. */
function trunkInputs(inputs: Record<string, unknown>, secret: (config: string) => string): VoiceInTrunkInputs {
  const checked = checkVoiceInTrunk(withSecrets(inputs, (ref) => secret(ref.config)) as Record<string, unknown>);
  // The file was checked with the same rules before it was resolved; a failure here is a bug, not a user's mistake.
  if (checked.inputs === undefined) throw new Error(`a declared trunk failed its check: ${checked.failures.map((f) => f.reason).join("; ")}`);
  return checked.inputs;
}

function liveValue(live: LiveTrunk, path: string): unknown {
  const [head, key] = path.split(".") as [string, string | undefined];
  if (key === undefined) return head === "name" ? live.name : (live.attributes[head] ?? null);
  return live.settings[key] ?? null;
}

export const DIDWW_TRUNK: EntryKind<ResolvedDidwwTrunk> = {
  system: "DIDWW",
  kind: "VoiceInTrunk",
  change({ entry, live }, { clients, secrets }: PlanContext): Change | undefined {
    const actual = trunkInputs(entry.inputs, (config) => secrets.get(config) ?? UNKNOWN);
    const masked = trunkInputs(entry.inputs, () => MASK);
    const declared = flatten(masked as unknown as Record<string, unknown>);
    const client = clients.didww();
    const target = { name: entry.name.value, id: live?.id ?? null };
    const create = () => onWire(client, (c) => trunkCreateRequest(c.names, masked));
    if (live === null) return { action: "create", target, from: null, to: { attributes: declared }, request: create() };
    const view = { attributes: { ...live.attributes, name: live.name }, configurationType: live.configurationType, settings: live.settings };
    const { replace, changed } = trunkDifferences(view, actual);
    if (changed.length === 0) return undefined;
    if (replace !== undefined) {
      return {
        action: "replace",
        target,
        from: { attributes: { configuration: live.configurationType } },
        to: { attributes: { configuration: replace === "sip" ? "sip_configurations" : "pstn_configurations", ...declared } },
        request: create(),
        deletes: { method: "DELETE", path: pathOnWire(client, { method: "DELETE", path: `${client.names.trunkType}/${live.id}` }) },
      };
    }
    return {
      action: "update",
      target,
      from: { attributes: Object.fromEntries(changed.map((path) => [path, shown(path, liveValue(live, path))])) },
      to: { attributes: Object.fromEntries(changed.map((path) => [path, declared[path] ?? null])) },
      request: onWire(client, (c) => trunkUpdateRequest(c.names, live.id, masked)),
    };
  },
};

export const DIDWW_GROUP: EntryKind<ResolvedDidwwDeclaredGroup> = {
  system: "DIDWW",
  kind: "VoiceInTrunkGroup",
  change({ entry, live, want }, { clients, routing }: PlanContext): Change | undefined {
    const declare = (trunkIds: string[]): VoiceInTrunkGroupInputs => {
      const checked = checkVoiceInTrunkGroup({ name: entry.name.value, ...entry.attributes, trunkIds });
      if (checked.inputs === undefined) throw new Error(`a declared trunk group failed its check: ${checked.failures.map((f) => f.reason).join("; ")}`);
      const { adopt: _adopt, ...inputs } = checked.inputs;
      // Placeholders for trunks not created yet: what the request holds until `pulumi up` knows their ids.
      return { ...inputs, trunkIds: want.map((target) => idOf(target, "DIDWW trunk")) };
    };
    const { trunkNames } = routing.didww;
    const members = want.map((target) => namedTarget(target, trunkNames));
    const attributes = { name: entry.name.value, ...withoutAdopt(entry.attributes) };
    const client = clients.didww();
    const target = { name: entry.name.value, id: live?.id ?? null };
    if (live === null) {
      return {
        action: "create",
        target,
        from: null,
        to: { attributes: { ...attributes, trunks: members } },
        request: onWire(client, (c) => groupCreateRequest(c.names, declare([]))),
        ...waitsFor(want, "DIDWW trunk"),
      };
    }
    // Compared as the resource's diff compares: a member not created yet is unknown, so a change.
    const compared = { ...declare([]), trunkIds: want.map((target) => target.id ?? UNKNOWN) };
    const changed = trunkGroupDifferences({ ...live, trunkIds: live.trunkIds }, compared);
    if (changed.length === 0) return undefined;
    const now = (path: string) => (path === "trunkIds" ? live.trunkIds.map((id) => ({ id, name: trunkNames.get(id) ?? null })) : (live as unknown as Record<string, unknown>)[path] ?? null);
    const wanted = (path: string) => (path === "trunkIds" ? members : (attributes as Record<string, unknown>)[path] ?? null);
    const key = (path: string) => (path === "trunkIds" ? "trunks" : path);
    return {
      action: "update",
      target,
      from: { attributes: Object.fromEntries(changed.map((path) => [key(path), now(path)])) },
      to: { attributes: Object.fromEntries(changed.map((path) => [key(path), wanted(path)])) },
      request: onWire(client, (c) => groupUpdateRequest(c.names, live.id, declare([]))),
      ...waitsFor(want, "DIDWW trunk"),
    };
  },
};

function withoutAdopt(values: Record<string, unknown>): Record<string, unknown> {
  const { adopt: _adopt, ...rest } = values;
  return rest;
}

/** A CarrierX declaration's fields as its resource's check leaves them (sids lower-cased). */
function carrierxInputs(inputs: Record<string, unknown>, fields: typeof TRUNK_GROUP_FIELDS): Record<string, unknown> {
  return checkFields(inputs, fields, []);
}

/** Create or update of a CarrierX object against `live`: the declared fields that differ, every one sent. */
function carrierxChange(
  inputs: Record<string, unknown>,
  live: CarrierxObject | null,
  fields: typeof TRUNK_GROUP_FIELDS,
  target: Change["target"],
  request: (body: Record<string, unknown>) => Change["request"],
): Change | undefined {
  const body = apiBody(inputs, fields);
  if (live === null) return { action: "create", target, from: null, to: { attributes: withoutAdopt(inputs) }, request: request(body) };
  const current = fieldOutputs(live, fields);
  const changed = changedFields(current, inputs, fields);
  if (changed.length === 0) return undefined;
  return {
    action: "update",
    target,
    from: { attributes: Object.fromEntries(changed.map((input) => [input, current[input] ?? null])) },
    to: { attributes: Object.fromEntries(changed.map((input) => [input, inputs[input]])) },
    request: request(body),
  };
}

export const CARRIERX_GROUP: EntryKind<ResolvedCarrierxGroup> = {
  system: "CarrierX",
  kind: "TrunkGroup",
  change({ entry, live }, { clients }: PlanContext): Change | undefined {
    const client = clients.carrierx();
    const sid = (live?.["trunk_group_sid"] as string | undefined) ?? null;
    return carrierxChange(carrierxInputs(entry.inputs, TRUNK_GROUP_FIELDS), live, TRUNK_GROUP_FIELDS, { name: entry.name.value, id: sid }, (body) =>
      onWire(client, (c) => (sid === null ? c.trunkGroupCreateRequest(body) : c.trunkGroupUpdateRequest(sid, body))),
    );
  },
};

export const CARRIERX_TRUNK: EntryKind<ResolvedCarrierxGroup["trunks"][number] & { group: ResolvedCarrierxGroup }> = {
  system: "CarrierX",
  kind: "Trunk",
  change({ entry, live, group }, { clients }: PlanContext): Change | undefined {
    const client = clients.carrierx();
    const groupSid = (group.live?.["trunk_group_sid"] as string | undefined) ?? null;
    const inGroup = groupSid ?? pendingId(`CarrierX trunk group ${group.entry.name.value}`);
    const sid = (live?.["trunk_sid"] as string | undefined) ?? null;
    const target = { name: entry.name.value, id: sid, trunkGroup: { id: groupSid, name: group.entry.name.value } };
    const change = carrierxChange(carrierxInputs(entry.inputs, CARRIERX_TRUNK_FIELDS), live, CARRIERX_TRUNK_FIELDS, target, (body) => {
      const request = onWire(client, (c) => (sid === null ? c.trunkCreateRequest(inGroup, body) : c.trunkUpdateRequest(inGroup, sid, body)));
      // The placeholder as a person reads it, not as the path would encode it.
      return { ...request, path: request.path.replace(encodeURIComponent(inGroup), inGroup) };
    });
    return change && { ...change, ...(groupSid === null ? { waitsFor: [`CarrierX trunk group ${group.entry.name.value}`] } : {}) };
  },
};
