/**
Resolves a routing file's numbers and names to the APIs' ids, and reads the live routing of everything it names,
with as few requests as the APIs allow: every distinct name is looked up once per run, never once per resource.

- DIDWW DIDs: `GET /v3/dids?filter[number]=…` (or `filter[id]`), 100 values per request, routing included: the
  trunks and groups they ring now come with them, named.
- DIDWW trunks: `GET /v3/voice_in_trunks?filter[name]=…`, 100 values per request; by id (`filter[id]`) only those
  no DID rings now.
- DIDWW trunk groups: listed once, members included (DIDWW has no name filter on groups), unless the file names none
  by name, wants no members, and every group id it names is one a DID rings now.
- CarrierX DIDs: the partner's DIDs listed 1,000 per request, or filtered one by one when that is fewer requests.
- CarrierX trunk groups: listed once.

What cannot be resolved is reported at the line that names it, like the offline checks.
*/
import type { CarrierxClient, Did as CarrierxDid, TrunkGroup as CarrierxTrunkGroup } from "../provider/carrierx/client";
import type { Did as DidwwDid, DidwwClient, NamedTrunkGroup, Trunk } from "../provider/didww/client";
import { isUuid } from "../provider/validate";
import { digitsOf, type CarrierxDidEntry, type DidwwDidEntry, type DidwwGroupEntry, type Problem, type Ref, type RoutingFile } from "./file";

export interface ResolvedDidwwDid {
  entry: DidwwDidEntry;
  /** The DID as it is now, routing included. */
  live: DidwwDid;
  /** What the file wants: exactly one of the two is set. */
  want: { trunkId: string | null; trunkGroupId: string | null };
}

export interface ResolvedDidwwGroup {
  entry: DidwwGroupEntry;
  /** The group as it is now, members included. */
  live: NamedTrunkGroup;
  /** The members the file wants, in file order. */
  wantTrunkIds: string[];
}

export interface ResolvedCarrierxDid {
  entry: CarrierxDidEntry;
  live: CarrierxDid;
  wantTrunkGroupSid: string;
}

export interface ResolvedRouting {
  didww: {
    dids: ResolvedDidwwDid[];
    trunkGroups: ResolvedDidwwGroup[];
    /** Names by id of every trunk and group the lookups returned, for people-readable output. */
    trunkNames: Map<string, string>;
    groupNames: Map<string, string>;
  };
  carrierx: { dids: ResolvedCarrierxDid[]; groupNames: Map<string, string> };
}

/** Clients are asked for only when the file has entries for that API, so a DIDWW-only file needs no CarrierX token. */
export interface ResolveClients {
  didww: () => DidwwClient;
  carrierx: () => CarrierxClient;
}

/** `routing` is complete only when `problems` is empty. API failures (401, network) are thrown as DidrouteError. */
export async function resolveRouting(
  file: RoutingFile,
  clients: ResolveClients,
): Promise<{ routing: ResolvedRouting; problems: Problem[] }> {
  const problems: Problem[] = [];
  const routing: ResolvedRouting = {
    didww: { dids: [], trunkGroups: [], trunkNames: new Map(), groupNames: new Map() },
    carrierx: { dids: [], groupNames: new Map() },
  };
  if (file.didww.dids.length > 0 || file.didww.trunkGroups.length > 0) {
    await resolveDidww(file, clients.didww(), routing, problems);
  }
  if (file.carrierx.dids.length > 0) await resolveCarrierx(file, clients.carrierx(), routing, problems);
  problems.sort((a, b) => a.line - b.line || a.col - b.col);
  return { routing, problems };
}

/** Looks a ref up among `candidates`: by id when it is a UUID, else by exact name (which must be unique). */
function pick<T>(
  ref: Ref,
  what: string,
  candidates: readonly T[],
  idOf: (item: T) => string,
  nameOf: (item: T) => string,
  problems: Problem[],
): T | undefined {
  if (isUuid(ref.value)) {
    const found = candidates.find((item) => idOf(item) === ref.value.toLowerCase());
    if (found === undefined) problems.push({ ...ref.at, message: `no ${what} has the id ${ref.value} in this account` });
    return found;
  }
  const named = candidates.filter((item) => nameOf(item) === ref.value);
  if (named.length === 1) return named[0];
  problems.push({
    ...ref.at,
    message:
      named.length === 0
        ? `no ${what} is named ${JSON.stringify(ref.value)} in this account`
        : `${named.length} ${what}s are named ${JSON.stringify(ref.value)} (${named.map(idOf).join(", ")}): use the id`,
  });
  return undefined;
}

async function resolveDidww(file: RoutingFile, client: DidwwClient, routing: ResolvedRouting, problems: Problem[]) {
  const { dids: didEntries, trunkGroups: groupEntries } = file.didww;

  const byNumber = didEntries.filter((e) => e.did.by === "number").map((e) => digitsOf(e.did.value));
  const byId = didEntries.filter((e) => e.did.by === "id").map((e) => e.did.value);
  const none = { dids: [], trunks: [], trunkGroups: [] };
  const [numbered, identified] = [
    byNumber.length > 0 ? await client.findDidsWithTargets("number", byNumber) : none,
    byId.length > 0 ? await client.findDidsWithTargets("id", byId) : none,
  ];
  const liveDids = [...numbered.dids, ...identified.dids];
  // The trunks and groups the DIDs ring now came with them: known without a request, and named in plans.
  const routedTrunks = [...numbered.trunks, ...identified.trunks];
  const routedGroups = [...numbered.trunkGroups, ...identified.trunkGroups];

  const trunkRefs = [
    ...didEntries.filter((e) => e.target.kind === "trunk").map((e) => e.target.ref),
    ...groupEntries.flatMap((e) => e.trunks),
  ];
  const trunks = await findTrunks(client, trunkRefs, routedTrunks);
  for (const trunk of [...routedTrunks, ...trunks]) routing.didww.trunkNames.set(trunk.id, trunk.name);

  // Groups are listed (DIDWW has no filter on them) only when a name must be checked, members are wanted, or an id is
  // not one the DIDs already ring.
  const groupRefs = didEntries.filter((e) => e.target.kind === "trunkGroup").map((e) => e.target.ref);
  const routedGroupIds = new Set(routedGroups.map((g) => g.id));
  const listGroups =
    groupEntries.length > 0 || groupRefs.some((ref) => !isUuid(ref.value) || !routedGroupIds.has(ref.value.toLowerCase()));
  const listed = listGroups ? await client.listTrunkGroups() : [];
  const groups: readonly { id: string; name: string }[] = listGroups ? listed : routedGroups;
  for (const group of [...routedGroups, ...listed]) routing.didww.groupNames.set(group.id, group.name);

  const didLines = new Map<string, number>();
  for (const entry of didEntries) {
    const live =
      entry.did.by === "number"
        ? liveDids.find((did) => did.number === digitsOf(entry.did.value))
        : liveDids.find((did) => did.id === entry.did.value);
    if (live === undefined) {
      const how = entry.did.by === "number" ? `the number ${entry.did.value}` : `the id ${entry.did.value}`;
      problems.push({ ...entry.did.at, message: `no DIDWW DID has ${how} in this account` });
    }
    const ref = entry.target.ref;
    const target =
      entry.target.kind === "trunk"
        ? pick(ref, "DIDWW trunk", trunks, (t) => t.id, (t) => t.name, problems)
        : pick(ref, "DIDWW trunk group", groups, (g) => g.id, (g) => g.name, problems);
    if (live === undefined || target === undefined) continue;
    // Listed once by number and once by id: only visible now that both are resolved.
    const first = didLines.get(live.id);
    if (first !== undefined) {
      problems.push({ ...entry.did.at, message: `DIDWW DID +${live.number} (${live.id}) is listed twice (first at line ${first})` });
      continue;
    }
    didLines.set(live.id, entry.did.at.line);
    const want = entry.target.kind === "trunk"
      ? { trunkId: target.id, trunkGroupId: null }
      : { trunkId: null, trunkGroupId: target.id };
    routing.didww.dids.push({ entry, live, want });
  }

  const groupLines = new Map<string, number>();
  const groupOfTrunk = new Map<string, { id: string; name: string; line: number }>();
  for (const entry of groupEntries) {
    const live = pick(entry.group, "DIDWW trunk group", listed, (g) => g.id, (g) => g.name, problems);
    const wantTrunkIds: string[] = [];
    let complete = live !== undefined;
    for (const ref of entry.trunks) {
      const trunk = pick(ref, "DIDWW trunk", trunks, (t) => t.id, (t) => t.name, problems);
      if (trunk === undefined) {
        complete = false;
        continue;
      }
      // Offline checks compare what is written; a trunk named in one group and given by id in another shows here.
      const other = groupOfTrunk.get(trunk.id);
      if (other !== undefined && live !== undefined && other.id !== live.id) {
        problems.push({
          ...ref.at,
          message: `trunk ${label(ref, trunk.id)} is also in trunk group ${other.name} (line ${other.line}): a DIDWW trunk belongs to at most one group`,
        });
        complete = false;
      } else if (live !== undefined) {
        groupOfTrunk.set(trunk.id, { id: live.id, name: live.name, line: entry.group.at.line });
      }
      if (wantTrunkIds.includes(trunk.id)) {
        problems.push({ ...ref.at, message: `trunk ${label(ref, trunk.id)} is listed twice in this group` });
        complete = false;
      } else {
        wantTrunkIds.push(trunk.id);
      }
    }
    if (live === undefined || !complete) continue;
    const first = groupLines.get(live.id);
    if (first !== undefined) {
      problems.push({ ...entry.group.at, message: `trunk group ${label(entry.group, live.id)} is listed twice (first at line ${first})` });
      continue;
    }
    groupLines.set(live.id, entry.group.at.line);
    routing.didww.trunkGroups.push({ entry, live, wantTrunkIds });
  }
}

/**
Every trunk the refs name: by id with `filter[id]` unless `known` (trunks the DIDs ring now) has it, by name with
`filter[name]`, always: names need not be unique, and only a lookup by name shows a second trunk with the same one.
A name holding "," cannot go into a comma-separated filter, so then the account's trunks are listed instead (one
request per 100 trunks).
*/
async function findTrunks(client: DidwwClient, refs: readonly Ref[], known: readonly Trunk[]): Promise<Trunk[]> {
  const knownIds = new Set(known.map((trunk) => trunk.id));
  const ids = [...new Set(refs.filter((r) => isUuid(r.value)).map((r) => r.value.toLowerCase()))];
  const missingIds = ids.filter((id) => !knownIds.has(id));
  const names = [...new Set(refs.filter((r) => !isUuid(r.value)).map((r) => r.value))];
  if (names.some((name) => name.includes(","))) return client.listTrunks();
  const found = [
    ...known.filter((trunk) => ids.includes(trunk.id)),
    ...(missingIds.length > 0 ? await client.findTrunks("id", missingIds) : []),
    ...(names.length > 0 ? await client.findTrunks("name", names) : []),
  ];
  // A trunk named in one place and given by id in another comes back from both lookups.
  return [...new Map(found.map((trunk) => [trunk.id, trunk])).values()];
}

/** How a message names a looked-up object: as the file wrote it, with the id when the file used a name. */
function label(ref: Ref, id: string): string {
  return ref.value.toLowerCase() === id ? id : `${ref.value} (${id})`;
}

async function resolveCarrierx(file: RoutingFile, client: CarrierxClient, routing: ResolvedRouting, problems: Problem[]) {
  const entries = file.carrierx.dids;
  const numbers = entries.filter((e) => e.did.by === "number").map((e) => digitsOf(e.did.value));
  const sids = entries.filter((e) => e.did.by === "sid").map((e) => e.did.value);
  const liveDids = await client.findDids({ numbers, sids });
  const groups: CarrierxTrunkGroup[] = await client.listTrunkGroups();
  for (const group of groups) routing.carrierx.groupNames.set(group.trunkGroupSid, group.name);

  const didLines = new Map<string, number>();
  for (const entry of entries) {
    const live =
      entry.did.by === "number"
        ? liveDids.find((did) => did.phonenumber === digitsOf(entry.did.value))
        : liveDids.find((did) => did.didSid === entry.did.value);
    if (live === undefined) {
      const how = entry.did.by === "number" ? `the number ${entry.did.value}` : `the sid ${entry.did.value}`;
      problems.push({ ...entry.did.at, message: `no CarrierX DID has ${how} in this account` });
    }
    const group = pick(entry.trunkGroup, "CarrierX trunk group", groups, (g) => g.trunkGroupSid, (g) => g.name, problems);
    if (live === undefined || group === undefined) continue;
    const first = didLines.get(live.didSid);
    if (first !== undefined) {
      problems.push({ ...entry.did.at, message: `CarrierX DID +${live.phonenumber} (${live.didSid}) is listed twice (first at line ${first})` });
      continue;
    }
    didLines.set(live.didSid, entry.did.at.line);
    routing.carrierx.dids.push({ entry, live, wantTrunkGroupSid: group.trunkGroupSid });
  }
}
