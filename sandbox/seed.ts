/**
Sandbox seeds written in YAML: the trunks, trunk groups and DIDs each sandbox API starts with, by name.

People write these by hand (for a demo, for CI), so the format is forgiving where that costs nothing (ids are
optional and derived from names, references take a name or an id) and strict everywhere else: every mistake is
reported as `<file>:<line>:<col>: <message>` at the offending node, before a sandbox starts with a world the author
did not mean.

Derived ids are deterministic: a SHA-1 of `didroute-sandbox:<system>:<kind>:<name or number>` shaped as a version-5
UUID (`<kind>` is `trunk`, `trunkGroup` or `did`; a DID's number is taken as written, with its "+"). The same seed
therefore always yields the same ids, and a program can compute them.
*/

import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type Pair } from "yaml";
import type { CarrierxSeed } from "./carrierx";
import type { DidwwSeed } from "./didww";

// --- Public API ----------------------------------------------------------------------------------------------------

export interface SandboxSeed {
  didww: DidwwSeed;
  carrierx: CarrierxSeed;
}

/** A seed that cannot be used; the message is `<file>:<line>:<col>: <message>`. */
export class SeedError extends Error {
  override readonly name = "SeedError";
  constructor(
    readonly file: string,
    readonly line: number,
    readonly col: number,
    readonly reason: string,
  ) {
    super(`${file}:${line}:${col}: ${reason}`);
  }
}

/** Parses a seed; `fileName` is only used in error messages. Throws SeedError. */
export function parseSeed(text: string, fileName: string): SandboxSeed {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const fail = (offset: number, message: string): never => {
    const { line, col } = lineCounter.linePos(offset);
    throw new SeedError(fileName, line, col, message);
  };
  const yamlError = doc.errors[0];
  if (yamlError !== undefined) fail(yamlError.pos[0], yamlError.message);
  const reader = new Reader(fail);
  const root = reader.map(doc.contents, "the seed", ["didww", "carrierx"]);
  return {
    didww: readDidww(reader, root["didww"]),
    carrierx: readCarrierx(reader, root["carrierx"]),
  };
}

/** Reads and parses a seed file. Throws SeedError for a bad seed, and an Error naming the path when unreadable. */
export function loadSeed(path: string): SandboxSeed {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : String(error);
    throw new Error(`${path}: cannot read the seed: ${reason}`);
  }
  return parseSeed(text, path);
}

/** The seed the package ships (`examples/sandbox.yaml`): the world the README's demo and `didroute sandbox` use. */
export function exampleSeedPath(): string {
  return join(packageRoot(), "examples", "sandbox.yaml");
}

/** The UUID a seed entry gets when it gives none; see the module comment. */
export function derivedId(system: "didww" | "carrierx", kind: "trunk" | "trunkGroup" | "did", key: string): string {
  const bytes = createHash("sha1").update(`didroute-sandbox:${system}:${kind}:${key}`).digest().subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50; // version 5
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80; // RFC 4122 variant
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
The directory holding the package's package.json. The compiled file (`dist/sandbox/seed.js`) and the source
(`sandbox/seed.ts`, under tests) sit at different depths, so the root is found rather than assumed.
*/
function packageRoot(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json"))) return dir;
    if (dirname(dir) === dir) throw new Error(`pulumi-didroute: package.json not found above ${__dirname}`);
  }
}

// --- Reading YAML nodes with positions -----------------------------------------------------------------------------

type Fail = (offset: number, message: string) => never;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const E164 = /^\+[0-9]+$/;

/** Where a node starts; a missing node (an empty document) is reported at the start of the file. */
const offsetOf = (node: unknown): number => ((node as Node | null)?.range?.[0] ?? 0);

/** A mapping's values by key, each the node to report problems at. */
type Fields = Record<string, Node | undefined>;

class Reader {
  constructor(readonly fail: Fail) {}

  /** A mapping whose keys must be among `allowed`; null (a key left empty, or an empty file) reads as no keys. */
  map(node: unknown, what: string, allowed: readonly string[]): Fields {
    if (node === null || node === undefined || (isScalar(node) && node.value === null)) return {};
    if (!isMap(node)) return this.fail(offsetOf(node), `${what} must be a mapping`);
    const fields: Fields = {};
    for (const pair of node.items as Pair<unknown, unknown>[]) {
      const key = isScalar(pair.key) ? pair.key.value : undefined;
      if (typeof key !== "string" || !allowed.includes(key)) {
        const expected = allowed.join(", ");
        return this.fail(offsetOf(pair.key), `unknown key ${JSON.stringify(key ?? null)} in ${what} (expected ${expected})`);
      }
      fields[key] = pair.value as Node | undefined;
    }
    return fields;
  }

  /** A list; null reads as an empty list (every entry commented out). */
  list(node: Node | undefined, what: string): Node[] {
    if (node === undefined || (isScalar(node) && node.value === null)) return [];
    if (!isSeq(node)) return this.fail(offsetOf(node), `${what} must be a list`);
    return node.items as Node[];
  }

  /** One list entry; `required` names the field it cannot do without (`name`, `number`). */
  entry(node: Node, what: string, allowed: readonly string[], required: string): Fields {
    if (!isMap(node)) return this.fail(offsetOf(node), `${what} must be a mapping with a ${required}`);
    const fields = this.map(node, what, allowed);
    if (fields[required] === undefined) this.fail(offsetOf(node), `${what} has no ${required}`);
    return fields;
  }

  string(node: Node | undefined, what: string): string | undefined {
    if (node === undefined) return undefined;
    if (!isScalar(node) || typeof node.value !== "string" || node.value.trim() === "") {
      return this.fail(offsetOf(node), `${what} must be a non-empty string`);
    }
    return node.value;
  }

  /** Ids are lower-cased: DIDWW and CarrierX print them so, and references then match whatever case was typed. */
  id(node: Node | undefined, what: string): string | undefined {
    const id = this.string(node, what);
    if (id === undefined) return undefined;
    if (!UUID.test(id)) this.fail(offsetOf(node), `${what} ${JSON.stringify(id)} is not a UUID`);
    return id.toLowerCase();
  }

  /** Unquoted, `+15162065574` is a YAML integer (and long ones lose digits), hence the hint to quote it. */
  number(node: Node | undefined, what: string): string {
    if (!isScalar(node) || typeof node.value !== "string") {
      return this.fail(offsetOf(node), `${what} must be a quoted string such as "+15162065574"`);
    }
    if (!E164.test(node.value)) {
      this.fail(offsetOf(node), `${what} ${JSON.stringify(node.value)} must be "+" followed by digits (E.164)`);
    }
    return node.value;
  }
}

/**
Names, numbers and ids already used by one kind of record, so a duplicate is reported where it appears. References
resolve by name first, then by id.
*/
class Registry {
  private readonly byName = new Map<string, string>();
  private readonly ids = new Set<string>();

  constructor(
    private readonly reader: Reader,
    private readonly kind: string,
    private readonly keyName: "name" | "number",
  ) {}

  add(key: string, keyNode: Node | undefined, id: string, idNode: Node | undefined): void {
    if (this.byName.has(key)) {
      this.reader.fail(offsetOf(keyNode), `duplicate ${this.kind} ${this.keyName} ${JSON.stringify(key)}`);
    }
    if (this.ids.has(id)) {
      const how = idNode === undefined ? ` (derived from ${this.keyName} ${JSON.stringify(key)})` : "";
      this.reader.fail(offsetOf(idNode ?? keyNode), `duplicate ${this.kind} id ${id}${how}`);
    }
    this.byName.set(key, id);
    this.ids.add(id);
  }

  resolve(node: Node | undefined, what: string): string | undefined {
    const reference = this.reader.string(node, what);
    if (reference === undefined) return undefined;
    const id = this.byName.get(reference) ?? (this.ids.has(reference.toLowerCase()) ? reference.toLowerCase() : undefined);
    if (id === undefined) this.reader.fail(offsetOf(node), `unknown ${this.kind} ${JSON.stringify(reference)}`);
    return id;
  }
}

// --- DIDWW ---------------------------------------------------------------------------------------------------------

function readDidww(reader: Reader, node: Node | undefined): DidwwSeed {
  const sections = reader.map(node, "didww", ["trunks", "trunkGroups", "dids"]);
  const trunks = new Registry(reader, "trunk", "name");
  const groups = new Registry(reader, "trunk group", "name");
  const dids = new Registry(reader, "DID", "number");
  const seed: Required<DidwwSeed> = { trunks: [], trunkGroups: [], dids: [] };

  for (const item of reader.list(sections["trunks"], "didww.trunks")) {
    const fields = reader.entry(item, "a DIDWW trunk", ["name", "id"], "name");
    const name = reader.string(fields["name"], "name") ?? "";
    const id = reader.id(fields["id"], "id") ?? derivedId("didww", "trunk", name);
    trunks.add(name, fields["name"], id, fields["id"]);
    seed.trunks.push({ id, name });
  }

  /** Which group each trunk is in: DIDWW puts a trunk in at most one, so a second listing is a mistake. */
  const groupOfTrunk = new Map<string, string>();
  for (const item of reader.list(sections["trunkGroups"], "didww.trunkGroups")) {
    const fields = reader.entry(item, "a DIDWW trunk group", ["name", "id", "trunks"], "name");
    const name = reader.string(fields["name"], "name") ?? "";
    const id = reader.id(fields["id"], "id") ?? derivedId("didww", "trunkGroup", name);
    groups.add(name, fields["name"], id, fields["id"]);
    const trunkIds: string[] = [];
    for (const member of reader.list(fields["trunks"], "trunks")) {
      const trunkId = trunks.resolve(member, "a trunk") ?? "";
      const other = groupOfTrunk.get(trunkId);
      if (other !== undefined) {
        const which = other === name ? "listed twice in this group" : `already in trunk group ${JSON.stringify(other)}`;
        reader.fail(offsetOf(member), `trunk ${JSON.stringify(scalarText(member))} is ${which} (a trunk is in at most one)`);
      }
      groupOfTrunk.set(trunkId, name);
      trunkIds.push(trunkId);
    }
    seed.trunkGroups.push({ id, name, trunkIds });
  }

  for (const item of reader.list(sections["dids"], "didww.dids")) {
    const fields = reader.entry(item, "a DIDWW DID", ["number", "id", "trunk", "trunkGroup"], "number");
    const number = reader.number(fields["number"], "number");
    const id = reader.id(fields["id"], "id") ?? derivedId("didww", "did", number);
    dids.add(number, fields["number"], id, fields["id"]);
    if (fields["trunk"] !== undefined && fields["trunkGroup"] !== undefined) {
      reader.fail(offsetOf(fields["trunkGroup"]), `DID ${number} has both trunk and trunkGroup (route it to one)`);
    }
    const trunkId = trunks.resolve(fields["trunk"], "trunk") ?? null;
    const trunkGroupId = groups.resolve(fields["trunkGroup"], "trunkGroup") ?? null;
    // DIDWW stores numbers without the "+".
    seed.dids.push({ id, number: number.slice(1), trunkId, trunkGroupId });
  }
  return seed;
}

// --- CarrierX ------------------------------------------------------------------------------------------------------

function readCarrierx(reader: Reader, node: Node | undefined): CarrierxSeed {
  const sections = reader.map(node, "carrierx", ["trunkGroups", "dids"]);
  const groups = new Registry(reader, "trunk group", "name");
  const dids = new Registry(reader, "DID", "number");
  const seed: Required<CarrierxSeed> = { trunkGroups: [], dids: [] };

  for (const item of reader.list(sections["trunkGroups"], "carrierx.trunkGroups")) {
    const fields = reader.entry(item, "a CarrierX trunk group", ["name", "sid"], "name");
    const name = reader.string(fields["name"], "name") ?? "";
    const sid = reader.id(fields["sid"], "sid") ?? derivedId("carrierx", "trunkGroup", name);
    groups.add(name, fields["name"], sid, fields["sid"]);
    seed.trunkGroups.push({ sid, name });
  }

  for (const item of reader.list(sections["dids"], "carrierx.dids")) {
    const fields = reader.entry(item, "a CarrierX DID", ["number", "sid", "trunkGroup"], "number");
    const number = reader.number(fields["number"], "number");
    const sid = reader.id(fields["sid"], "sid") ?? derivedId("carrierx", "did", number);
    dids.add(number, fields["number"], sid, fields["sid"]);
    const trunkGroupSid = groups.resolve(fields["trunkGroup"], "trunkGroup") ?? null;
    // CarrierX's `phonenumber` is digits only.
    seed.dids.push({ sid, phonenumber: number.slice(1), trunkGroupSid });
  }
  return seed;
}

const scalarText = (node: Node): string => (isScalar(node) ? String(node.value) : "");
