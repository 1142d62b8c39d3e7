/**
The routing file (`routing.yaml`): what a team reviews in a pull request. This module reads it and runs every check
that needs no API (shape, E.164 numbers, UUIDs, duplicates, a trunk in two groups, trunk and trunkGroup on one DID,
unknown keys), reporting each problem at its line and column. Resolving numbers and names to ids is `resolve.ts`.

    didww:
      dids:
        - number: "+16091609123456797"    # or id: <DID uuid>
          trunk: pbx-frankfurt             # a trunk name or id; or trunkGroup: <name or id>
      trunkGroups:
        - group: eu-primary                # a group name or id
          trunks: [pbx-frankfurt, pbx-dublin]
    carrierx:
      dids:
        - number: "+15162065574"           # or sid: <did_sid>
          trunkGroup: us-east              # a trunk group name or sid
*/
import { readFileSync } from "node:fs";
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type Pair } from "yaml";
import { digitsOf, isE164, isUuid } from "../provider/validate";
import { closest } from "../provider/suggest";

export interface Position {
  /** 1-based. */
  line: number;
  /** 1-based. */
  col: number;
}

export interface Problem extends Position {
  message: string;
}

/** A trunk, trunk group or DID as the file names it: a UUID is an id, anything else a name. */
export interface Ref {
  value: string;
  at: Position;
}

export interface DidwwDidEntry {
  at: Position;
  /** The number with "+" as written, or the DID id (lower-cased). */
  did: { by: "number" | "id"; value: string; at: Position };
  target: { kind: "trunk" | "trunkGroup"; ref: Ref };
}

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
  didww: { dids: DidwwDidEntry[]; trunkGroups: DidwwGroupEntry[] };
  carrierx: { dids: CarrierxDidEntry[] };
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
  return { fileName, didww: { dids: [], trunkGroups: [] }, carrierx: { dids: [] } };
}

/** Every problem of the file, in file order; `file` holds the entries that passed their own checks. */
export function parseRoutingFile(text: string, fileName: string): { file: RoutingFile; problems: Problem[] } {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const reader = new Reader(lineCounter);
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
const DIDWW_KEYS = ["dids", "trunkGroups"];
const DIDWW_DID_KEYS = ["number", "id", "trunk", "trunkGroup"];
const DIDWW_GROUP_KEYS = ["group", "trunks"];
const CARRIERX_KEYS = ["dids"];
const CARRIERX_DID_KEYS = ["number", "sid", "trunkGroup"];

/** A map's entries by key, after reporting keys that are not allowed. */
type Entries = Map<string, Pair<Node, Node | null>>;

class Reader {
  readonly problems: Problem[] = [];

  constructor(private readonly lines: LineCounter) {}

  position(node: Node | null | undefined, fallback?: Position): Position {
    const offset = node?.range?.[0];
    if (offset === undefined) return fallback ?? { line: 1, col: 1 };
    const { line, col } = this.lines.linePos(offset);
    return { line, col };
  }

  report(offset: number, message: string): void {
    const { line, col } = this.lines.linePos(offset);
    this.problems.push({ line, col, message });
  }

  at(position: Position, message: string): void {
    this.problems.push({ ...position, message });
  }

  readTop(node: Node | null, file: RoutingFile): void {
    if (node === null || (isScalar(node) && node.value === null)) return; // an empty file declares nothing
    const top = this.map(node, "the file", TOP_KEYS);
    if (top === undefined) return;
    const didww = this.section(top, "didww", DIDWW_KEYS);
    if (didww !== undefined) {
      this.list(didww, "didww.dids", "dids", (item) => this.readDidwwDid(item, file));
      this.list(didww, "didww.trunkGroups", "trunkGroups", (item) => this.readDidwwGroup(item, file));
    }
    const carrierx = this.section(top, "carrierx", CARRIERX_KEYS);
    if (carrierx !== undefined) this.list(carrierx, "carrierx.dids", "dids", (item) => this.readCarrierxDid(item, file));
    this.checkDuplicates(file);
  }

  /** A mapping with only `allowed` keys; unknown keys are reported with the closest allowed one. */
  private map(node: Node, what: string, allowed: readonly string[]): Entries | undefined {
    if (!isMap(node)) {
      this.at(this.position(node), `${what} must be a mapping with the keys ${allowed.join(", ")}`);
      return undefined;
    }
    const entries: Entries = new Map();
    for (const pair of node.items as Pair<Node, Node | null>[]) {
      const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
      if (key === undefined || !allowed.includes(key)) {
        const suggestion = key === undefined ? undefined : closest(key, allowed);
        const hint = suggestion ? ` (did you mean "${suggestion}"?)` : "";
        this.at(
          this.position(pair.key),
          `unknown key "${key ?? "?"}" in ${what}${hint}; allowed: ${allowed.join(", ")}`,
        );
        continue;
      }
      entries.set(key, pair);
    }
    return entries;
  }

  private section(top: Entries, key: string, allowed: readonly string[]): Entries | undefined {
    const pair = top.get(key);
    if (pair === undefined || pair.value === null || (isScalar(pair.value) && pair.value.value === null)) {
      return undefined;
    }
    return this.map(pair.value, key, allowed);
  }

  private list(parent: Entries, what: string, key: string, read: (item: Node) => void): void {
    const pair = parent.get(key);
    if (pair === undefined || pair.value === null || (isScalar(pair.value) && pair.value.value === null)) return;
    if (!isSeq(pair.value)) {
      this.at(this.position(pair.value), `${what} must be a list (entries starting with "- ")`);
      return;
    }
    for (const item of pair.value.items as Node[]) read(item);
  }

  /**
  A scalar string value. YAML reads an unquoted `+16091609123456797` as an integer (losing digits) and `123` as a
  number, so non-strings are refused with the text as written and a hint to quote it.
  */
  private string(entries: Entries, key: string, what: string): Ref | undefined {
    const pair = entries.get(key);
    if (pair === undefined) return undefined;
    return this.stringValue(pair.value, this.position(pair.value, this.position(pair.key)), key, what);
  }

  private stringValue(node: Node | null, at: Position, key: string, what: string): Ref | undefined {
    if (node === null || (isScalar(node) && node.value === null)) {
      this.at(at, `${key} is empty: give ${what}`);
      return undefined;
    }
    if (!isScalar(node)) {
      this.at(at, `${key} must be a single value (${what}), not a ${isSeq(node) ? "list" : "mapping"}`);
      return undefined;
    }
    if (typeof node.value !== "string") {
      const written = node.source ?? String(node.value);
      this.at(at, `${key} must be a string (${what}): YAML reads ${written} unquoted as a ${typeof node.value}; write "${written}"`);
      return undefined;
    }
    if (node.value.trim() === "") {
      this.at(at, `${key} is empty: give ${what}`);
      return undefined;
    }
    if (node.value !== node.value.trim()) {
      this.at(at, `${key} has leading or trailing spaces: ${JSON.stringify(node.value)}`);
      return undefined;
    }
    return { value: node.value, at };
  }

  private number(entries: Entries): Ref | undefined {
    const ref = this.string(entries, "number", 'the number in E.164 form, e.g. "+442037691880"');
    if (ref === undefined) return undefined;
    if (!isE164(ref.value)) {
      this.at(
        ref.at,
        `number must be in E.164 form: "+", the country code and the number, digits only (e.g. "+442037691880"); ` +
          `got ${JSON.stringify(ref.value)}`,
      );
      return undefined;
    }
    return ref;
  }

  private uuid(entries: Entries, key: string, what: string): Ref | undefined {
    const ref = this.string(entries, key, `the ${what} (a UUID)`);
    if (ref === undefined) return undefined;
    if (!isUuid(ref.value)) {
      this.at(ref.at, `${key} must be the ${what} (a UUID), got ${JSON.stringify(ref.value)}`);
      return undefined;
    }
    return { value: ref.value.toLowerCase(), at: ref.at };
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

  private readDidwwGroup(item: Node, file: RoutingFile): void {
    const at = this.position(item);
    const entries = this.map(item, "a didww.trunkGroups entry", DIDWW_GROUP_KEYS);
    if (entries === undefined) return;
    const group = this.string(entries, "group", "a trunk group name or id");
    if (!entries.has("group")) this.at(at, "a trunkGroups entry needs group (a trunk group name or id)");
    const pair = entries.get("trunks");
    if (pair === undefined) {
      this.at(at, "a trunkGroups entry needs trunks (a list of trunk names or ids; [] empties the group)");
      return;
    }
    if (!isSeq(pair.value)) {
      this.at(this.position(pair.value, this.position(pair.key)), "trunks must be a list of trunk names or ids, e.g. [pbx-frankfurt, pbx-dublin]");
      return;
    }
    const trunks: Ref[] = [];
    for (const node of pair.value.items as Node[]) {
      const ref = this.stringValue(node, this.position(node), "a trunks entry", "a trunk name or id");
      if (ref !== undefined) trunks.push(ref);
    }
    // Kept with its valid trunks even when one was refused, so the checks across groups still see them.
    if (group !== undefined) file.didww.trunkGroups.push({ at, group, trunks });
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
    const groupOfTrunk = new Map<string, { group: string; line: number }>();
    file.didww.trunkGroups = file.didww.trunkGroups.filter((entry) => {
      const fresh = once(
        `didww group ${refKey(entry.group.value)}`,
        entry.group.at,
        (first) => `trunk group ${entry.group.value} is listed twice (first at line ${first.line})`,
      );
      let valid = fresh;
      const inThisGroup = new Set<string>();
      for (const trunk of entry.trunks) {
        const key = refKey(trunk.value);
        if (inThisGroup.has(key)) {
          this.at(trunk.at, `trunk ${trunk.value} is listed twice in trunk group ${entry.group.value}`);
          valid = false;
          continue;
        }
        inThisGroup.add(key);
        const other = groupOfTrunk.get(key);
        if (other !== undefined && fresh) {
          this.at(
            trunk.at,
            `trunk ${trunk.value} is in two trunk groups, ${other.group} (line ${other.line}) and ` +
              `${entry.group.value}: a DIDWW trunk belongs to at most one group`,
          );
          valid = false;
        } else if (fresh) {
          groupOfTrunk.set(key, { group: entry.group.value, line: entry.group.at.line });
        }
      }
      return valid;
    });
    file.carrierx.dids = file.carrierx.dids.filter((entry) =>
      once(`carrierx did ${refKey(entry.did.value)}`, entry.did.at, (first) => `CarrierX DID ${entry.did.value} is listed twice (first at line ${first.line})`),
    );
  }
}

/** Ids compare case-insensitively (the APIs answer in lower case); names and numbers exactly. */
function refKey(value: string): string {
  return isUuid(value) ? value.toLowerCase() : value;
}
