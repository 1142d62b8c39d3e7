/**
Reading YAML nodes into checked values, every problem at its line and column: what the routing file's sections
(file.ts, declarations.ts) have in common.
*/
import { isMap, isScalar, isSeq, type LineCounter, type Node, type Pair } from "yaml";
import { closest } from "../provider/suggest";
import { isE164, isUuid } from "../provider/validate";

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

/** A map's entries by key, after reporting keys that are not allowed. */
export type Entries = Map<string, Pair<Node, Node | null>>;

/** A node that holds nothing: absent, or YAML's null (`key:` with no value). */
export function isEmpty(node: Node | null | undefined): boolean {
  return node === null || node === undefined || (isScalar(node) && node.value === null);
}

export class Reader {
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

  /** Where a pair's value is written, or its key when it has no value. */
  valuePosition(pair: Pair<Node, Node | null> | undefined): Position {
    return this.position(pair?.value, this.position(pair?.key));
  }

  /** A mapping with only `allowed` keys; unknown keys are reported with the closest allowed one. */
  map(node: Node, what: string, allowed: readonly string[]): Entries | undefined {
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

  section(top: Entries, key: string, allowed: readonly string[]): Entries | undefined {
    const pair = top.get(key);
    if (pair === undefined || isEmpty(pair.value)) return undefined;
    return this.map(pair.value!, key, allowed);
  }

  list(parent: Entries, what: string, key: string, read: (item: Node) => void): void {
    const pair = parent.get(key);
    if (pair === undefined || isEmpty(pair.value)) return;
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
  string(entries: Entries, key: string, what: string): Ref | undefined {
    const pair = entries.get(key);
    if (pair === undefined) return undefined;
    return this.stringValue(pair.value, this.valuePosition(pair), key, what);
  }

  stringValue(node: Node | null, at: Position, key: string, what: string): Ref | undefined {
    if (isEmpty(node) || (isScalar(node) && typeof node.value === "string" && node.value.trim() === "")) {
      this.at(at, `${key} is empty: give ${what}`);
      return undefined;
    }
    if (!isScalar(node)) {
      this.at(at, `${key} must be a single value (${what}), not a ${isSeq(node) ? "list" : "mapping"}`);
      return undefined;
    }
    if (typeof node.value !== "string") {
      this.at(at, `${key} must be a string (${what}): ${unquoted(node)}`);
      return undefined;
    }
    if (node.value !== node.value.trim()) {
      this.at(at, `${key} has leading or trailing spaces: ${JSON.stringify(node.value)}`);
      return undefined;
    }
    return { value: node.value, at };
  }

  /** A name the file declares: a string, and not a UUID (a reference that is a UUID is read as an id). */
  name(entries: Entries, what: string): Ref | undefined {
    const ref = this.string(entries, "name", what);
    if (ref !== undefined && isUuid(ref.value)) {
      this.at(ref.at, `name must not be a UUID: the file reads a UUID as an id, so nothing could refer to ${JSON.stringify(ref.value)} by name`);
      return undefined;
    }
    return ref;
  }

  number(entries: Entries): Ref | undefined {
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

  uuid(entries: Entries, key: string, what: string): Ref | undefined {
    const ref = this.string(entries, key, `the ${what} (a UUID)`);
    if (ref === undefined) return undefined;
    if (!isUuid(ref.value)) {
      this.at(ref.at, `${key} must be the ${what} (a UUID), got ${JSON.stringify(ref.value)}`);
      return undefined;
    }
    return { value: ref.value.toLowerCase(), at: ref.at };
  }

  /** A list of names or ids (`trunks: [pbx-frankfurt, pbx-dublin]`); undefined after reporting when it is not one. */
  refs(entries: Entries, key: string, what: { list: string; item: string; example: string }): Ref[] | undefined {
    const pair = entries.get(key);
    if (pair === undefined) return undefined;
    if (!isSeq(pair.value)) {
      this.at(this.valuePosition(pair), `${key} must be a list of ${what.list}, e.g. ${what.example}`);
      return undefined;
    }
    const refs: Ref[] = [];
    for (const node of pair.value.items as Node[]) {
      const ref = this.stringValue(node, this.position(node), `a ${key} entry`, what.item);
      if (ref !== undefined) refs.push(ref);
    }
    return refs;
  }

  /**
  The YAML value as plain JavaScript (maps as objects, lists as arrays, scalars as they read), recording where each
  value is written by its path (`sip.codecIds[2]`), so a check that names a path can be reported at its line.
  */
  plain(node: Node | null, path: string, where: Where, fallback: Position): unknown {
    where.positions.set(path, this.position(node, fallback));
    if (isMap(node)) {
      const object: Record<string, unknown> = {};
      for (const pair of node.items as Pair<Node, Node | null>[]) {
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        object[key] = this.plain(pair.value, path === "" ? key : `${path}.${key}`, where, this.position(pair.key));
      }
      return object;
    }
    const at = this.position(node, fallback);
    if (isSeq(node)) return (node.items as Node[]).map((item, index) => this.plain(item, `${path}[${index}]`, where, at));
    if (isScalar(node)) {
      if (node.value !== null && typeof node.value !== "string") where.unquoted.set(path, unquoted(node));
      return node.value;
    }
    return node === null ? null : node.toJSON();
  }

  /**
  A check's failure (a `property` path and a `reason`, as the resources' checks give them) as a problem at the line
  of that property; a string written unquoted gets the hint to quote it.
  */
  failure(failure: { property: string; reason: string }, where: Where, fallback: Position): void {
    // A reason may name an item inside the property (`sip.codecIds[1] must be …`): reported at that item.
    const named = /^(\S+)/.exec(failure.reason)?.[1] ?? "";
    const path = named.startsWith(`${failure.property}[`) && where.positions.has(named) ? named : failure.property;
    const hint = /must be a (non-empty )?string/.test(failure.reason) ? where.unquoted.get(path) : undefined;
    this.at(positionOf(where.positions, path, fallback), hint === undefined ? failure.reason : `${failure.reason}: ${hint}`);
  }
}

/** Where the values Reader.plain read are written, by path, and the scalars that YAML did not read as strings. */
export interface Where {
  positions: Map<string, Position>;
  unquoted: Map<string, string>;
}

export function emptyWhere(): Where {
  return { positions: new Map(), unquoted: new Map() };
}

/** "YAML reads 4930 unquoted as a number; write "4930"": why a scalar that should be a string is not one. */
export function unquoted(node: Node): string {
  const written = (isScalar(node) ? node.source : undefined) ?? String(isScalar(node) ? node.value : node);
  const type = isScalar(node) ? typeof node.value : "value";
  return `YAML reads ${written} unquoted as a ${type}; write "${written}"`;
}

/** The position recorded for `path`, or for the nearest enclosing path that has one (see Reader.plain). */
export function positionOf(positions: ReadonlyMap<string, Position>, path: string, fallback: Position): Position {
  for (let current = path; ; ) {
    const found = positions.get(current);
    if (found !== undefined) return found;
    const cut = Math.max(current.lastIndexOf("."), current.lastIndexOf("["));
    if (cut <= 0) return positions.get("") ?? fallback;
    current = current.slice(0, cut);
  }
}
