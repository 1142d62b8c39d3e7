/**
The routing file (`routing.yaml`): what a team reviews in a pull request. This module reads it and runs every check
that needs no API (shape, E.164 numbers, UUIDs, duplicates, a trunk in two groups, trunk and trunkGroup on one DID,
unknown keys, and the declarations' own rules: declarations.ts), reporting each problem at its line and column.
Resolving numbers and names to ids is `resolve.ts`.

    didww:
      trunks:                              # declared: created, updated and deleted by pulumi up
        - name: pbx-frankfurt
          sip: { host: pbx-fra.example.com, authPassword: { config: pbxFraPassword } }
      trunkGroups:
        - name: eu-primary                 # declared: the program owns the group
          trunks: [pbx-frankfurt]
        - group: legacy-eu                 # an existing group's name or id: its members only
          trunks: [pbx-london]
      dids:
        - number: "+16091609123456797"    # or id: <DID uuid>
          trunk: pbx-frankfurt             # a trunk name (declared here or not) or id; or trunkGroup: <name or id>
    carrierx:
      trunkGroups:
        - name: us-east                    # declared, with the trunks that live in it
          trunks: [{ name: pbx-east-1 }]
      dids:
        - number: "+15162065574"           # or sid: <did_sid>
          trunkGroup: us-east              # a trunk group name (declared here or not) or sid
*/
import { readFileSync } from "node:fs";
import { isScalar, LineCounter, parseDocument, type Node } from "yaml";
import { digitsOf, isE164, isUuid } from "../provider/validate";
import {
  DIDWW_GROUP_ENTRY_KEYS,
  groupTrunks,
  readCarrierxGroup,
  readDidwwGroupDeclaration,
  readDidwwTrunk,
  type CarrierxGroupEntry,
  type DidwwGroupDeclaration,
  type DidwwTrunkEntry,
} from "./declarations";
import { Reader, type Entries, type Position, type Problem, type Ref } from "./reader";

export type { Position, Problem, Ref } from "./reader";
export type { CarrierxGroupEntry, CarrierxTrunkEntry, DidwwGroupDeclaration, DidwwTrunkEntry } from "./declarations";

export interface DidwwDidEntry {
  at: Position;
  /** The number with "+" as written, or the DID id (lower-cased). */
  did: { by: "number" | "id"; value: string; at: Position };
  target: { kind: "trunk" | "trunkGroup"; ref: Ref };
}


/** The name routing.fromFile gives a declared CarrierX trunk's resource (without the caller's prefix). */
export function carrierxTrunkResourceName(group: string, trunk: string): string {
  return `carrierx-trunk-${group}-${trunk}`;
}

/** A `didww.trunkGroups` entry with `group:`: a group that exists in the account, whose members alone it sets. */
export interface DidwwGroupEntry {
  at: Position;
  group: Ref;
  /** In file order; may be empty (the group is emptied). */
  trunks: Ref[];
}

export interface CarrierxDidEntry {
  at: Position;
  /** The number with "+" as written, or the DID sid (lower-cased). */
  did: { by: "number" | "sid"; value: string; at: Position };
  trunkGroup: Ref;
}

export interface RoutingFile {
  /** As given by the caller; every message starts with it. */
  fileName: string;
  didww: {
    /** Declared trunks. */
    trunks: DidwwTrunkEntry[];
    /** Declared trunk groups (`- name:`). */
    declaredGroups: DidwwGroupDeclaration[];
    /** Existing trunk groups' memberships (`- group:`). */
    trunkGroups: DidwwGroupEntry[];
    dids: DidwwDidEntry[];
  };
  carrierx: { trunkGroups: CarrierxGroupEntry[]; dids: CarrierxDidEntry[] };
}

export { digitsOf, isE164 };

/** `routing.yaml:12:7: message`, the form compilers use, so editors and CI annotations can link to the line. */
export function formatProblem(fileName: string, problem: Problem): string {
  return `${fileName}:${problem.line}:${problem.col}: ${problem.message}`;
}

export function readRoutingFile(path: string, fileName = path): { file: RoutingFile; problems: Problem[] } {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (error as Error).message;
    return { file: emptyFile(fileName), problems: [{ line: 1, col: 1, message: `cannot read the file: ${reason}` }] };
  }
  return parseRoutingFile(text, fileName);
}

function emptyFile(fileName: string): RoutingFile {
  return { fileName, didww: { trunks: [], declaredGroups: [], trunkGroups: [], dids: [] }, carrierx: { trunkGroups: [], dids: [] } };
}

/** Every problem of the file, in file order; `file` holds the entries that passed their own checks. */
export function parseRoutingFile(text: string, fileName: string): { file: RoutingFile; problems: Problem[] } {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const reader = new FileReader(lineCounter);
  for (const error of document.errors) reader.report(error.pos[0], firstLine(error.message));
  const file = emptyFile(fileName);
  if (document.errors.length === 0) reader.readTop(document.contents as Node | null, file);
  const problems = reader.problems.sort((a, b) => a.line - b.line || a.col - b.col);
  return { file, problems };
}

function firstLine(message: string): string {
  return message.split("\n")[0]?.trim() ?? message;
}

const TOP_KEYS = ["didww", "carrierx"];
const DIDWW_KEYS = ["trunks", "trunkGroups", "dids"];
const DIDWW_DID_KEYS = ["number", "id", "trunk", "trunkGroup"];
const CARRIERX_KEYS = ["trunkGroups", "dids"];
const CARRIERX_DID_KEYS = ["number", "sid", "trunkGroup"];
/** Attributes only a declared group has: a `group:` entry sets an existing group's members and nothing else. */
const DECLARED_GROUP_ONLY = DIDWW_GROUP_ENTRY_KEYS.filter((key) => !["name", "group", "trunks"].includes(key));

/** The routing file's sections, on the generic reading of reader.ts. */
class FileReader extends Reader {
  readTop(node: Node | null, file: RoutingFile): void {
    if (node === null || (isScalar(node) && node.value === null)) return; // an empty file declares nothing
    const top = this.map(node, "the file", TOP_KEYS);
    if (top === undefined) return;
    const didww = this.section(top, "didww", DIDWW_KEYS);
    if (didww !== undefined) {
      this.list(didww, "didww.trunks", "trunks", (item) => push(file.didww.trunks, readDidwwTrunk(this, item)));
      this.list(didww, "didww.trunkGroups", "trunkGroups", (item) => this.readDidwwGroup(item, file));
      this.list(didww, "didww.dids", "dids", (item) => this.readDidwwDid(item, file));
    }
    const carrierx = this.section(top, "carrierx", CARRIERX_KEYS);
    if (carrierx !== undefined) {
      this.list(carrierx, "carrierx.trunkGroups", "trunkGroups", (item) => push(file.carrierx.trunkGroups, readCarrierxGroup(this, item)));
      this.list(carrierx, "carrierx.dids", "dids", (item) => this.readCarrierxDid(item, file));
    }
    this.checkDeclarations(file);
    this.checkDuplicates(file);
  }

  /** `number` or the id key: exactly one. */
  private didKey<By extends "id" | "sid">(
    entries: Entries,
    at: Position,
    idKey: By,
    what: string,
  ): { by: "number" | By; value: string; at: Position } | undefined {
    const hasNumber = entries.has("number");
    const hasId = entries.has(idKey);
    if (hasNumber && hasId) {
      this.at(this.position(entries.get(idKey)?.key), `set number or ${idKey}, not both`);
      return undefined;
    }
    if (!hasNumber && !hasId) {
      this.at(at, `a DID entry needs number (e.g. "+442037691880") or ${idKey} (the ${what})`);
      return undefined;
    }
    const ref = hasNumber ? this.number(entries) : this.uuid(entries, idKey, what);
    return ref && { by: hasNumber ? "number" : idKey, ...ref };
  }

  private readDidwwDid(item: Node, file: RoutingFile): void {
    const at = this.position(item);
    const entries = this.map(item, "a didww.dids entry", DIDWW_DID_KEYS);
    if (entries === undefined) return;
    const did = this.didKey(entries, at, "id", "DIDWW DID id");
    const hasTrunk = entries.has("trunk");
    const hasGroup = entries.has("trunkGroup");
    if (hasTrunk && hasGroup) {
      this.at(
        this.position(entries.get("trunkGroup")?.key),
        "set trunk or trunkGroup, not both: DIDWW routes a DID to a trunk or a trunk group, never both",
      );
      return;
    }
    if (!hasTrunk && !hasGroup) {
      this.at(at, "a DID entry needs trunk (a trunk name or id) or trunkGroup (a trunk group name or id)");
      return;
    }
    const kind = hasTrunk ? "trunk" : "trunkGroup";
    const ref = this.string(entries, kind, hasTrunk ? "a trunk name or id" : "a trunk group name or id");
    if (did !== undefined && ref !== undefined) file.didww.dids.push({ at, did, target: { kind, ref } });
  }

  /** `- group:` (an existing group: its members) or `- name:` (a group the file declares, see declarations.ts). */
  private readDidwwGroup(item: Node, file: RoutingFile): void {
    const at = this.position(item);
    const entries = this.map(item, "a didww.trunkGroups entry", DIDWW_GROUP_ENTRY_KEYS);
    if (entries === undefined) return;
    if (entries.has("name") && entries.has("group")) {
      this.at(
        this.position(entries.get("group")?.key),
        "set name (a group this file declares and owns) or group (an existing group, whose trunks alone it sets), not both",
      );
      return;
    }
    if (entries.has("name")) {
      push(file.didww.declaredGroups, readDidwwGroupDeclaration(this, entries, at));
      return;
    }
    const group = this.string(entries, "group", "a trunk group name or id");
    if (!entries.has("group")) {
      this.at(at, "a trunkGroups entry needs group (an existing trunk group's name or id) or name (a group this file declares)");
    }
    this.declaredOnly(entries);
    const trunks = groupTrunks(this, entries, at);
    // Kept with its valid trunks even when one was refused, so the checks across groups still see them.
    if (group !== undefined && trunks !== undefined) file.didww.trunkGroups.push({ at, group, trunks });
  }

  /** Attributes of the group itself on a `group:` entry: refused, as the group is not the file's to set. */
  private declaredOnly(entries: Entries): void {
    for (const key of DECLARED_GROUP_ONLY) {
      const pair = entries.get(key);
      if (pair === undefined) continue;
      this.at(
        this.position(pair.key),
        `${key} is set only on a group this file declares (name: …); group: names an existing group, whose trunks alone the file sets`,
      );
    }
  }

  private readCarrierxDid(item: Node, file: RoutingFile): void {
    const at = this.position(item);
    const entries = this.map(item, "a carrierx.dids entry", CARRIERX_DID_KEYS);
    if (entries === undefined) return;
    const did = this.didKey(entries, at, "sid", "CarrierX DID sid");
    if (!entries.has("trunkGroup")) {
      this.at(at, "a CarrierX DID entry needs trunkGroup (a trunk group name or sid)");
      return;
    }
    const trunkGroup = this.string(entries, "trunkGroup", "a trunk group name or sid");
    if (did !== undefined && trunkGroup !== undefined) file.carrierx.dids.push({ at, did, trunkGroup });
  }

  /**
  Checks across declarations: each declared name once (a CarrierX trunk's within its group), and a DIDWW group
  either declared (`name:`) or named as an existing one (`group:`), never both: the declaration owns its members.
  */
  private checkDeclarations(file: RoutingFile): void {
    const first = new Map<string, Position>();
    const once = <T extends { name: Ref }>(entries: T[], key: (entry: T) => string, what: (entry: T) => string): T[] =>
      entries.filter((entry) => {
        const earlier = first.get(key(entry));
        if (earlier === undefined) {
          first.set(key(entry), entry.name.at);
          return true;
        }
        this.at(entry.name.at, `${what(entry)} is declared twice (first at line ${earlier.line})`);
        return false;
      });
    file.didww.trunks = once(file.didww.trunks, (e) => `didww trunk ${e.name.value}`, (e) => `trunk ${e.name.value}`);
    file.didww.declaredGroups = once(file.didww.declaredGroups, (e) => `didww group ${e.name.value}`, (e) => `trunk group ${e.name.value}`);
    file.didww.trunkGroups = file.didww.trunkGroups.filter((entry) => {
      const declared = first.get(`didww group ${entry.group.value}`);
      if (declared === undefined) return true;
      this.at(
        entry.group.at,
        `trunk group ${entry.group.value} is declared at line ${declared.line} (name:), and a declared group owns its ` +
          "trunks: list them there and remove this group: entry",
      );
      return false;
    });
    file.carrierx.trunkGroups = once(
      file.carrierx.trunkGroups,
      (e) => `carrierx group ${e.name.value}`,
      (e) => `CarrierX trunk group ${e.name.value}`,
    );
    for (const group of file.carrierx.trunkGroups) {
      const name = group.name.value;
      group.trunks = once(group.trunks, (t) => `carrierx trunk ${name} ${t.name.value}`, (t) => `trunk ${t.name.value} of trunk group ${name}`);
    }
    // routing.fromFile names a CarrierX trunk's resource after its group and itself; two pairs can make one name.
    const named = new Map<string, { group: string; trunk: Ref }>();
    for (const group of file.carrierx.trunkGroups) {
      group.trunks = group.trunks.filter((trunk) => {
        const resourceName = carrierxTrunkResourceName(group.name.value, trunk.name.value);
        const other = named.get(resourceName);
        if (other === undefined) {
          named.set(resourceName, { group: group.name.value, trunk: trunk.name });
          return true;
        }
        this.at(
          trunk.name.at,
          `trunk ${trunk.name.value} of trunk group ${group.name.value} and trunk ${other.trunk.value} of trunk group ` +
            `${other.group} (line ${other.trunk.at.line}) would both be the program's resource ${resourceName}: rename one`,
        );
        return false;
      });
    }
  }

  /** Checks across entries: each DID and group once, each trunk in at most one group and once in it. */
  private checkDuplicates(file: RoutingFile): void {
    const seen = new Map<string, Position>();
    const once = (key: string, at: Position, message: (first: Position) => string): boolean => {
      const first = seen.get(key);
      if (first === undefined) {
        seen.set(key, at);
        return true;
      }
      this.at(at, message(first));
      return false;
    };
    file.didww.dids = file.didww.dids.filter((entry) =>
      once(`didww did ${refKey(entry.did.value)}`, entry.did.at, (first) => `DIDWW DID ${entry.did.value} is listed twice (first at line ${first.line})`),
    );
    // Declared groups and existing ones' memberships alike, in file order: a trunk is in one group at most.
    const groups = [
      ...file.didww.declaredGroups.map((entry) => ({ group: entry.name, trunks: entry.trunks, entry })),
      ...file.didww.trunkGroups.map((entry) => ({ group: entry.group, trunks: entry.trunks, entry })),
    ].sort((a, b) => a.entry.at.line - b.entry.at.line || a.entry.at.col - b.entry.at.col);
    const groupOfTrunk = new Map<string, { group: string; line: number }>();
    const valid = new Set<object>();
    for (const { group, trunks, entry } of groups) {
      const fresh = once(
        `didww group ${refKey(group.value)}`,
        group.at,
        (first) => `trunk group ${group.value} is listed twice (first at line ${first.line})`,
      );
      let ok = fresh;
      const inThisGroup = new Set<string>();
      for (const trunk of trunks) {
        const key = refKey(trunk.value);
        if (inThisGroup.has(key)) {
          this.at(trunk.at, `trunk ${trunk.value} is listed twice in trunk group ${group.value}`);
          ok = false;
          continue;
        }
        inThisGroup.add(key);
        const other = groupOfTrunk.get(key);
        if (other !== undefined && fresh) {
          this.at(
            trunk.at,
            `trunk ${trunk.value} is in two trunk groups, ${other.group} (line ${other.line}) and ` +
              `${group.value}: a DIDWW trunk belongs to at most one group`,
          );
          ok = false;
        } else if (fresh) {
          groupOfTrunk.set(key, { group: group.value, line: group.at.line });
        }
      }
      if (ok) valid.add(entry);
    }
    file.didww.declaredGroups = file.didww.declaredGroups.filter((entry) => valid.has(entry));
    file.didww.trunkGroups = file.didww.trunkGroups.filter((entry) => valid.has(entry));
    file.carrierx.dids = file.carrierx.dids.filter((entry) =>
      once(`carrierx did ${refKey(entry.did.value)}`, entry.did.at, (first) => `CarrierX DID ${entry.did.value} is listed twice (first at line ${first.line})`),
    );
  }
}

/** Ids compare case-insensitively (the APIs answer in lower case); names and numbers exactly. */
function refKey(value: string): string {
  return isUuid(value) ? value.toLowerCase() : value;
}

/** Adds what a declaration reader returned, unless it refused the entry. */
function push<T>(list: T[], entry: T | undefined): void {
  if (entry !== undefined) list.push(entry);
}
