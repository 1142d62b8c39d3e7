/**
The routing file's declarations: DIDWW trunks (`didww.trunks`) and trunk groups (`didww.trunkGroups` entries with
`name:`), and CarrierX trunk groups with their trunks (`carrierx.trunkGroups`). `pulumi up` creates, updates and
deletes what is declared here.

Each declaration is checked with the rules its resource checks a program's inputs with (provider/didww/trunkRules.ts,
provider/carrierx/fields.ts), so the file and a program cannot disagree about what is valid; each failure is reported
at the line of the property it names. A secret is written as `{ config: KEY }` (secrets.ts), never as its value.
*/
import { isMap, isScalar, type Node, type Pair } from "yaml";
import { checkFields, inputNames, TRUNK_FIELDS as CARRIERX_TRUNK_FIELDS, TRUNK_GROUP_FIELDS } from "../provider/carrierx/fields";
import { GROUP_FIELDS, isSecret, PSTN_FIELDS, SIP_FIELDS, type Field } from "../provider/didww/trunkFields";
import { checkVoiceInTrunk, checkVoiceInTrunkGroup, TRUNK_KEYS } from "../provider/didww/trunkRules";
import { checkAdopt, UNKNOWN, type CheckFailure } from "../provider/validate";
import { emptyWhere, isEmpty, type Entries, type Position, type Reader, type Ref, type Where } from "./reader";
import { isConfigKey, withSecrets, type SecretRef } from "./secrets";

/** A DIDWW voice in trunk the file declares. */
export interface DidwwTrunkEntry {
  at: Position;
  name: Ref;
  /** As `didww.VoiceInTrunk` takes them (`name`, `priority`, `sip`, …), each secret a SecretRef. */
  inputs: Record<string, unknown>;
}

/** A DIDWW voice in trunk group the file declares (`- name:`), with its whole membership. */
export interface DidwwGroupDeclaration {
  at: Position;
  name: Ref;
  /** `capacityLimit`, `externalReferenceId`, `adopt` as written. */
  attributes: Record<string, unknown>;
  /** Trunk names (declared in the file or not) or ids, in file order. */
  trunks: Ref[];
}

/** A CarrierX trunk of a declared trunk group. */
export interface CarrierxTrunkEntry {
  at: Position;
  name: Ref;
  /** As `carrierx.Trunk` takes them, without `trunkGroupSid` (the group it is declared in). */
  inputs: Record<string, unknown>;
}

/** A CarrierX trunk group the file declares, with the trunks that live in it. */
export interface CarrierxGroupEntry {
  at: Position;
  name: Ref;
  /** As `carrierx.TrunkGroup` takes them. */
  inputs: Record<string, unknown>;
  trunks: CarrierxTrunkEntry[];
}

/** The keys of a `didww.trunkGroups` entry: `group` (an existing group: members only) or `name` (declared). */
export const DIDWW_GROUP_ENTRY_KEYS = ["name", "group", "trunks", ...GROUP_FIELDS.map((f) => f.input), "adopt"];
const CARRIERX_GROUP_KEYS = [...inputNames(TRUNK_GROUP_FIELDS), "adopt", "trunks"];
const CARRIERX_TRUNK_KEYS = [...inputNames(CARRIERX_TRUNK_FIELDS), "adopt"];

/** `name` of an entry: required, a string, not a UUID. */
function nameOf(reader: Reader, entries: Entries, at: Position, what: string, description: string): Ref | undefined {
  if (!entries.has("name")) {
    reader.at(at, `${what} needs name (${description})`);
    return undefined;
  }
  return reader.name(entries, description);
}

/** Reports every failure of a resource's check at its property's line. */
function report(reader: Reader, failures: readonly CheckFailure[], where: Where, at: Position): void {
  for (const failure of failures) reader.failure(failure, where, at);
}

export function readDidwwTrunk(reader: Reader, item: Node): DidwwTrunkEntry | undefined {
  const at = reader.position(item);
  const entries = reader.map(item, "a didww.trunks entry", TRUNK_KEYS);
  if (entries === undefined) return undefined;
  const name = nameOf(reader, entries, at, "a didww.trunks entry", "the trunk's name in DIDWW, unique in the account");
  const where = emptyWhere();
  const inputs: Record<string, unknown> = {};
  for (const [key, pair] of entries) {
    if (key === "name") continue;
    if ((key === "sip" || key === "pstn") && isMap(pair.value)) {
      inputs[key] = settings(reader, pair.value, key, key === "sip" ? SIP_FIELDS : PSTN_FIELDS, where, name);
    } else {
      inputs[key] = value(reader, pair, key, where, false, name);
    }
  }
  if (name === undefined) return undefined;
  const declared = { name: name.value, ...inputs };
  const checked = checkVoiceInTrunk(withSecrets(declared, () => UNKNOWN) as Record<string, unknown>);
  report(reader, checked.failures ?? [], where, at);
  return { at, name, inputs: declared };
}

/** `sip` or `pstn`: only the configuration's attributes, each secret a `{ config: KEY }`. */
function settings(
  reader: Reader,
  node: Node,
  path: string,
  fields: readonly Field[],
  where: Where,
  trunk: Ref | undefined,
): Record<string, unknown> {
  where.positions.set(path, reader.position(node));
  const entries = reader.map(node, path, fields.map((field) => field.input)) ?? new Map();
  const result: Record<string, unknown> = {};
  for (const [key, pair] of entries) {
    const field = fields.find((candidate) => candidate.input === key);
    result[key] = value(reader, pair, `${path}.${key}`, where, field !== undefined && isSecret(field), trunk);
  }
  return result;
}

/** One attribute's value as plain JavaScript; a secret's as a SecretRef (or null, which clears it). */
function value(
  reader: Reader,
  pair: Pair<Node, Node | null>,
  path: string,
  where: Where,
  secret: boolean,
  trunk: Ref | undefined,
): unknown {
  const at = reader.valuePosition(pair);
  const fromConfig = isMap(pair.value) && pair.value.items.some((item) => isScalar(item.key) && item.key.value === "config");
  if (!secret) {
    if (fromConfig) {
      reader.at(at, `${path} cannot come from config: only secrets do (sip.authPassword); write its value here`);
      return null;
    }
    return reader.plain(pair.value, path, where, reader.position(pair.key));
  }
  where.positions.set(path, at);
  if (isEmpty(pair.value)) return null;
  if (!fromConfig) {
    reader.at(
      at,
      `${path} is a secret and is never written in the file: write { config: KEY } and set KEY with ` +
        '"pulumi config set --secret KEY <value>" (didroute plan reads it from DIDROUTE_CONFIG_KEY)',
    );
    return UNKNOWN;
  }
  const entries = reader.map(pair.value!, path, ["config"]);
  const key = entries && reader.string(entries, "config", "a Pulumi config key, e.g. pbxFraPassword");
  if (key === undefined) return UNKNOWN;
  if (!isConfigKey(key.value)) {
    reader.at(key.at, `config must be a Pulumi config key (letters, digits, "_", "-", "."; "namespace:" before it optional), got ${JSON.stringify(key.value)}`);
    return UNKNOWN;
  }
  const ref: SecretRef = { config: key.value, at: key.at, what: `${path} of trunk ${trunk?.value ?? "?"}` };
  return ref;
}

/** A `didww.trunkGroups` entry with `name:`: the group is declared, and owned by the program. */
export function readDidwwGroupDeclaration(reader: Reader, entries: Entries, at: Position): DidwwGroupDeclaration | undefined {
  const name = reader.name(entries, "the trunk group's name in DIDWW, unique in the account");
  const where = emptyWhere();
  const attributes: Record<string, unknown> = {};
  for (const field of GROUP_FIELDS) {
    const pair = entries.get(field.input);
    if (pair !== undefined) attributes[field.input] = value(reader, pair, field.input, where, false, undefined);
  }
  const adopt = entries.get("adopt");
  if (adopt !== undefined) attributes["adopt"] = value(reader, adopt, "adopt", where, false, undefined);
  const trunks = groupTrunks(reader, entries, at);
  if (name === undefined) return undefined;
  // The members are names here; the group's own check sees the attributes.
  report(reader, checkVoiceInTrunkGroup({ name: name.value, ...attributes, trunkIds: [] }).failures ?? [], where, at);
  return { at, name, attributes, trunks: trunks ?? [] };
}

/** A group's `trunks:` list of names or ids; reported (undefined) when it is missing or not a list. */
export function groupTrunks(reader: Reader, entries: Entries, at: Position): Ref[] | undefined {
  if (!entries.has("trunks")) {
    reader.at(at, "a trunkGroups entry needs trunks (a list of trunk names or ids; [] empties the group)");
    return undefined;
  }
  return reader.refs(entries, "trunks", { list: "trunk names or ids", item: "a trunk name or id", example: "[pbx-frankfurt, pbx-dublin]" });
}

export function readCarrierxGroup(reader: Reader, item: Node): CarrierxGroupEntry | undefined {
  const at = reader.position(item);
  const entries = reader.map(item, "a carrierx.trunkGroups entry", CARRIERX_GROUP_KEYS);
  if (entries === undefined) return undefined;
  const name = nameOf(reader, entries, at, "a carrierx.trunkGroups entry", "the trunk group's name at CarrierX");
  const inputs = carrierxInputs(reader, entries, at, name, TRUNK_GROUP_FIELDS);
  const trunks: CarrierxTrunkEntry[] = [];
  reader.list(entries, "trunks", "trunks", (node) => {
    const trunk = readCarrierxTrunk(reader, node);
    if (trunk !== undefined) trunks.push(trunk);
  });
  return name === undefined ? undefined : { at, name, inputs, trunks };
}

function readCarrierxTrunk(reader: Reader, item: Node): CarrierxTrunkEntry | undefined {
  const at = reader.position(item);
  const entries = reader.map(item, "a CarrierX trunk entry", CARRIERX_TRUNK_KEYS);
  if (entries === undefined) return undefined;
  const name = nameOf(reader, entries, at, "a CarrierX trunk entry", "the trunk's name, unique in its group");
  const inputs = carrierxInputs(reader, entries, at, name, CARRIERX_TRUNK_FIELDS);
  return name === undefined ? undefined : { at, name, inputs };
}

/** A CarrierX group's or trunk's fields and `adopt`, checked as the resource checks them. */
function carrierxInputs(
  reader: Reader,
  entries: Entries,
  at: Position,
  name: Ref | undefined,
  fields: typeof TRUNK_GROUP_FIELDS,
): Record<string, unknown> {
  const where = emptyWhere();
  const inputs: Record<string, unknown> = {};
  for (const [key, pair] of entries) {
    if (key !== "trunks" && key !== "name") inputs[key] = value(reader, pair, key, where, false, undefined);
  }
  // A name refused above is not reported twice.
  const failures: CheckFailure[] = [];
  checkFields({ ...inputs, name: name?.value ?? "?" }, fields, failures);
  checkAdopt(inputs["adopt"], failures);
  report(reader, failures, where, at);
  return name === undefined ? inputs : { name: name.value, ...inputs };
}
