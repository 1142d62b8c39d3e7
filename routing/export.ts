/**
The routing file of an account as it is routed now (`didroute export`): what a team reviews and commits to bring an
existing account under code. It is written in the form file.ts reads, so `didroute validate` passes on it and
`didroute plan` finds it in sync:

- every DID that rings somewhere, by its number in E.164 (by its id, with the number in a comment, when the number
  is not one file.ts accepts), with its trunk or trunk group; DIDs routed nowhere only as comments, when asked for
  (a DID entry needs a target);
- every DIDWW trunk group with its whole membership (`trunks: []` for an empty one);
- trunks and groups by name where the name is unique in the account and reads back as that name, otherwise by id with
  the name in a comment;
- a stable order (numbers, then names, then ids), so exporting an unchanged account twice gives the same file but
  for the header's time.
*/
import { parse } from "yaml";
import type { Did as CarrierxDid, TrunkGroup as CarrierxGroup } from "../provider/carrierx/client";
import type { Did as DidwwDid, NamedTrunkGroup, Trunk } from "../provider/didww/client";
import { isE164, isUuid } from "../provider/validate";

export interface DidwwAccount {
  /** The endpoint read, for the header. */
  endpoint: string;
  dids: DidwwDid[];
  trunks: Trunk[];
  trunkGroups: NamedTrunkGroup[];
}

export interface CarrierxAccount {
  endpoint: string;
  dids: CarrierxDid[];
  trunkGroups: CarrierxGroup[];
}

export interface ExportOptions {
  /** When the account was read, for the header. */
  at: Date;
  /** Also list DIDs routed nowhere, as comments. */
  includeUnrouted: boolean;
}

/** The routing file's text. */
export function exportRouting(
  accounts: { didww?: DidwwAccount; carrierx?: CarrierxAccount },
  options: ExportOptions,
): string {
  const sources = [
    accounts.didww && `DIDWW ${accounts.didww.endpoint}`,
    accounts.carrierx && `CarrierX ${accounts.carrierx.endpoint}`,
  ].filter((source) => source !== undefined);
  const lines = [
    `# The routing of ${sources.join(" and ")} as it was at ${options.at.toISOString()},`,
    "# written by `didroute export`. Review it and commit it: the first `pulumi up` takes over every entry and",
    "# changes nothing still routed as listed. Entries not listed are not managed (README, \"The routing file\").",
  ];
  if (accounts.didww) lines.push(...didwwSection(accounts.didww, options));
  if (accounts.carrierx) lines.push(...carrierxSection(accounts.carrierx, options));
  return `${lines.join("\n")}\n`;
}

function didwwSection(account: DidwwAccount, options: ExportOptions): string[] {
  const trunks = new Names(account.trunks.map((t) => ({ id: t.id, name: t.name })), "trunks");
  const groups = new Names(account.trunkGroups.map((g) => ({ id: g.id, name: g.name })), "trunk groups");
  const lines = ["didww:", "  dids:"];
  for (const did of [...account.dids].sort(byNumber((d) => d.number))) {
    const routed = did.trunkId !== null || did.trunkGroupId !== null;
    if (!routed && !options.includeUnrouted) continue;
    const [key, value, note] = didKey(did.number, "id", did.id);
    if (!routed) {
      lines.push(`    # - ${key}: ${value}   # routed nowhere${note ? `, ${note}` : ""}: add a trunk or trunkGroup to manage it`);
      continue;
    }
    const target = did.trunkId !== null ? { key: "trunk", ref: trunks.ref(did.trunkId) } : { key: "trunkGroup", ref: groups.ref(did.trunkGroupId!) };
    lines.push(`    - ${key}: ${value}${note ? `   # ${note}` : ""}`);
    lines.push(`      ${target.key}: ${target.ref.value}${target.ref.note ? `   # ${target.ref.note}` : ""}`);
  }
  lines.push("  trunkGroups:");
  const sortedGroups = [...account.trunkGroups].sort((a, b) => compare(a.name, b.name) || compare(a.id, b.id));
  for (const group of sortedGroups) {
    const ref = groups.ref(group.id);
    const members = group.trunkIds.map((id) => ({ id, ...trunks.ref(id) }));
    members.sort((a, b) => compare(trunks.nameOf(a.id) ?? "", trunks.nameOf(b.id) ?? "") || compare(a.id, b.id));
    const notes = members.filter((m) => m.note).map((m) => `${m.value}: ${m.note}`);
    lines.push(`    - group: ${ref.value}${ref.note ? `   # ${ref.note}` : ""}`);
    lines.push(`      trunks: [${members.map((m) => m.value).join(", ")}]${notes.length > 0 ? `   # ${notes.join("; ")}` : ""}`);
  }
  return lines;
}

function carrierxSection(account: CarrierxAccount, options: ExportOptions): string[] {
  const groups = new Names(account.trunkGroups.map((g) => ({ id: g.trunkGroupSid, name: g.name })), "trunk groups");
  const lines = ["carrierx:", "  dids:"];
  for (const did of [...account.dids].sort(byNumber((d) => d.phonenumber))) {
    const [key, value, note] = didKey(did.phonenumber, "sid", did.didSid);
    if (did.trunkGroupSid === null) {
      if (!options.includeUnrouted) continue;
      lines.push(`    # - ${key}: ${value}   # no trunk group${note ? `, ${note}` : ""}: add a trunkGroup to manage it`);
      continue;
    }
    const ref = groups.ref(did.trunkGroupSid);
    lines.push(`    - ${key}: ${value}${note ? `   # ${note}` : ""}`);
    lines.push(`      trunkGroup: ${ref.value}${ref.note ? `   # ${ref.note}` : ""}`);
  }
  return lines;
}

/** A DID's key: its number in E.164, or, when that is not a number file.ts accepts, its id with the number noted. */
function didKey(digits: string, idKey: "id" | "sid", id: string): [string, string, string | undefined] {
  const number = `+${digits}`;
  return isE164(number) ? ["number", JSON.stringify(number), undefined] : [idKey, id, `number ${JSON.stringify(digits)}`];
}

/** Numbers in order of their digits as text: stable, whatever their lengths. */
function byNumber<T>(numberOf: (item: T) => string): (a: T, b: T) => number {
  return (a, b) => compare(numberOf(a), numberOf(b));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
How the file names the trunks (or groups) of an account: by name when that name is unique in the account and reads
back, unquoted or quoted, as itself and not as an id; otherwise by id, with a comment that says why.
*/
class Names {
  private readonly byId = new Map<string, string>();
  private readonly count = new Map<string, number>();

  constructor(
    items: readonly { id: string; name: string }[],
    private readonly plural: string,
  ) {
    for (const { id, name } of items) {
      this.byId.set(id, name);
      this.count.set(name, (this.count.get(name) ?? 0) + 1);
    }
  }

  nameOf(id: string): string | undefined {
    return this.byId.get(id);
  }

  ref(id: string): { value: string; note?: string } {
    const name = this.byId.get(id);
    if (name === undefined) return { value: id, note: `not among the account's ${this.plural}` };
    if (name === "") return { value: id, note: "it has no name" };
    const shared = this.count.get(name) ?? 0;
    if (shared > 1) return { value: id, note: `${JSON.stringify(name)}, a name ${shared} ${this.plural} share` };
    if (name.trim() !== name || isUuid(name)) return { value: id, note: JSON.stringify(name) };
    return { value: scalar(name) };
  }
}

/** A name as YAML text that reads back as that string: plain when it can be, double-quoted (JSON) otherwise. */
function scalar(name: string): string {
  if (/^[A-Za-z0-9_][A-Za-z0-9 _.\/-]*$/.test(name)) {
    try {
      if (parse(name) === name) return name;
    } catch {
      // not plain YAML: quoted below
    }
  }
  return JSON.stringify(name);
}
