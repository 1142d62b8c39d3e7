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

A name the file declares (a trunk or trunk group of its own) is not looked up: it resolves to the declaration, whose
id a program takes from the declared resource. A plan reads the declared objects too (`readDeclared`), by name: one
more `filter[name]` request for DIDWW trunks, the group list it makes anyway, and for CarrierX each declared group's
trunks.

What cannot be resolved is reported at the line that names it, like the offline checks.
*/
import { findByName } from "../provider/carrierx/adoption";
import type { CarrierxClient, CarrierxObject, Did as CarrierxDid } from "../provider/carrierx/client";
import type { Did as DidwwDid, DidwwClient, NamedTrunkGroup, Trunk } from "../provider/didww/client";
import { TrunkApi, type LiveTrunk, type LiveTrunkGroup } from "../provider/didww/trunkApi";
import { DidrouteError } from "../provider/errors";
import { isUuid } from "../provider/validate";
import {
  digitsOf,
  type CarrierxDidEntry,
  type CarrierxGroupEntry,
  type CarrierxTrunkEntry,
  type DidwwDidEntry,
  type DidwwGroupDeclaration,
  type DidwwGroupEntry,
  type DidwwTrunkEntry,
  type Problem,
  type Ref,
  type RoutingFile,
} from "./file";

/**
What the file points a DID or a group member at: an object of the account (its id), or one the file declares (its
name), whose id is known once it exists and only when asked for (`readDeclared`); a program gives the declared
resource's id instead.
*/
export type Target = { id: string; declared?: undefined } | { declared: string; id: string | null };

export interface ResolvedDidwwDid {
  entry: DidwwDidEntry;
  /** The DID as it is now, routing included. */
  live: DidwwDid;
  /** What the file wants it to ring. */
  want: { kind: "trunk" | "trunkGroup"; target: Target };
}

/** An existing group's membership (`group:`). */
export interface ResolvedDidwwGroup {
  entry: DidwwGroupEntry;
  /** The group as it is now, members included. */
  live: NamedTrunkGroup;
  /** The members the file wants, in file order. */
  want: Target[];
}

export interface ResolvedDidwwTrunk {
  entry: DidwwTrunkEntry;
  /** The account's trunk of the declared name; null when there is none, or when declared objects were not read. */
  live: LiveTrunk | null;
}

export interface ResolvedDidwwDeclaredGroup {
  entry: DidwwGroupDeclaration;
  live: LiveTrunkGroup | null;
  want: Target[];
}

export interface ResolvedCarrierxDid {
  entry: CarrierxDidEntry;
  live: CarrierxDid;
  want: Target;
}

export interface ResolvedCarrierxGroup {
  entry: CarrierxGroupEntry;
  /** The partner's group of the declared name, as CarrierX answers it; null as for DIDWW trunks. */
  live: CarrierxObject | null;
  trunks: { entry: CarrierxTrunkEntry; live: CarrierxObject | null }[];
}

export interface ResolvedRouting {
  didww: {
    trunks: ResolvedDidwwTrunk[];
    declaredGroups: ResolvedDidwwDeclaredGroup[];
    dids: ResolvedDidwwDid[];
    trunkGroups: ResolvedDidwwGroup[];
    /** Names by id of every trunk and group the lookups returned, for people-readable output. */
    trunkNames: Map<string, string>;
    groupNames: Map<string, string>;
  };
  carrierx: { trunkGroups: ResolvedCarrierxGroup[]; dids: ResolvedCarrierxDid[]; groupNames: Map<string, string> };
}

/** Clients are asked for only when the file has entries for that API, so a DIDWW-only file needs no CarrierX token. */
export interface ResolveClients {
  didww: () => DidwwClient;
  carrierx: () => CarrierxClient;
}

export interface ResolveOptions {
  /** Also read the objects the file declares, by name: a plan compares them; a program only declares them. */
  readDeclared?: boolean;
}

/** `routing` is complete only when `problems` is empty. API failures (401, network) are thrown as DidrouteError. */
export async function resolveRouting(
  file: RoutingFile,
  clients: ResolveClients,
  options: ResolveOptions = {},
): Promise<{ routing: ResolvedRouting; problems: Problem[] }> {
  const read = options.readDeclared === true;
  const problems: Problem[] = [];
  const routing: ResolvedRouting = {
    didww: { trunks: [], declaredGroups: [], dids: [], trunkGroups: [], trunkNames: new Map(), groupNames: new Map() },
    carrierx: { trunkGroups: [], dids: [], groupNames: new Map() },
  };
  const { didww, carrierx } = file;
  if (didww.dids.length + didww.trunkGroups.length + didww.trunks.length + didww.declaredGroups.length > 0) {
    await resolveDidww(file, once(clients.didww), read, routing, problems);
  }
  if (carrierx.dids.length + carrierx.trunkGroups.length > 0) {
    await resolveCarrierx(file, once(clients.carrierx), read, routing, problems);
  }
  problems.sort((a, b) => a.line - b.line || a.col - b.col);
  return { routing, problems };
}

/** The client, made when a request is first needed: a file of declarations alone needs none in a program. */
function once<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => (made ??= { value: make() }).value;
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

async function resolveDidww(file: RoutingFile, client: () => DidwwClient, read: boolean, routing: ResolvedRouting, problems: Problem[]) {
  const { dids: didEntries, trunkGroups: groupEntries, trunks: trunkDeclarations, declaredGroups } = file.didww;
  const declaredTrunk = new Set(trunkDeclarations.map((entry) => entry.name.value));
  const declaredGroup = new Set(declaredGroups.map((entry) => entry.name.value));

  const byNumber = didEntries.filter((e) => e.did.by === "number").map((e) => digitsOf(e.did.value));
  const byId = didEntries.filter((e) => e.did.by === "id").map((e) => e.did.value);
  const none = { dids: [], trunks: [], trunkGroups: [] };
  const [numbered, identified] = [
    byNumber.length > 0 ? await client().findDidsWithTargets("number", byNumber) : none,
    byId.length > 0 ? await client().findDidsWithTargets("id", byId) : none,
  ];
  const liveDids = [...numbered.dids, ...identified.dids];
  // The trunks and groups the DIDs ring now came with them: known without a request, and named in plans.
  const routedTrunks = [...numbered.trunks, ...identified.trunks];
  const routedGroups = [...numbered.trunkGroups, ...identified.trunkGroups];

  // A name the file declares is its own trunk: never looked up as one of the account's.
  const trunkRefs = [
    ...didEntries.filter((e) => e.target.kind === "trunk").map((e) => e.target.ref),
    ...groupEntries.flatMap((e) => e.trunks),
    ...declaredGroups.flatMap((e) => e.trunks),
  ].filter((ref) => !declaredTrunk.has(ref.value));
  const trunks = await findTrunks(client, trunkRefs, routedTrunks);
  const declaredLive = read && declaredTrunk.size > 0 ? await new TrunkApi(client()).trunksNamedAny([...declaredTrunk]) : [];
  for (const trunk of [...routedTrunks, ...trunks, ...declaredLive]) routing.didww.trunkNames.set(trunk.id, trunk.name);

  // Groups are listed (DIDWW has no filter on them) only when a name must be checked, members are wanted, a declared
  // group is to be read, or an id is not one the DIDs already ring.
  const groupRefs = didEntries.filter((e) => e.target.kind === "trunkGroup" && !declaredGroup.has(e.target.ref.value)).map((e) => e.target.ref);
  const routedGroupIds = new Set(routedGroups.map((g) => g.id));
  const readGroups = read && declaredGroup.size > 0;
  const listGroups =
    readGroups || groupEntries.length > 0 || groupRefs.some((ref) => !isUuid(ref.value) || !routedGroupIds.has(ref.value.toLowerCase()));
  // The declared groups' attributes come only with the trunk operations' parsing; the same request either way.
  const liveGroups: LiveTrunkGroup[] = readGroups ? await new TrunkApi(client()).trunkGroups() : [];
  const listed: NamedTrunkGroup[] = readGroups ? liveGroups : listGroups ? await client().listTrunkGroups() : [];
  const groups: readonly { id: string; name: string }[] = listGroups ? listed : routedGroups;
  for (const group of [...routedGroups, ...listed]) routing.didww.groupNames.set(group.id, group.name);

  const target = (kind: "trunk" | "trunkGroup", ref: Ref): Target | undefined => {
    const [declared, live, what] =
      kind === "trunk"
        ? [declaredTrunk, declaredLive, "trunk"]
        : [declaredGroup, liveGroups, "trunk group"];
    if (declared.has(ref.value)) return { declared: ref.value, id: live.find((item) => item.name === ref.value)?.id ?? null };
    const found =
      kind === "trunk"
        ? pick(ref, "DIDWW trunk", trunks, (t) => t.id, (t) => t.name, problems)
        : pick(ref, "DIDWW trunk group", groups, (g) => g.id, (g) => g.name, problems);
    if (found === undefined) return undefined;
    // The same object by its id and as a declaration: only the declaration's name makes a DID follow it.
    if (declared.has(found.name)) {
      problems.push({
        ...ref.at,
        message: `${what} ${ref.value} is ${found.name}, which this file declares: name it ${found.name} here, so that it follows the declaration`,
      });
      return undefined;
    }
    return { id: found.id };
  };

  routing.didww.trunks = trunkDeclarations.map((entry) => ({ entry, live: declaredLive.find((t) => t.name === entry.name.value) ?? null }));

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
    const wanted = target(entry.target.kind, entry.target.ref);
    if (live === undefined || wanted === undefined) continue;
    // Listed once by number and once by id: only visible now that both are resolved.
    const first = didLines.get(live.id);
    if (first !== undefined) {
      problems.push({ ...entry.did.at, message: `DIDWW DID +${live.number} (${live.id}) is listed twice (first at line ${first})` });
      continue;
    }
    didLines.set(live.id, entry.did.at.line);
    routing.didww.dids.push({ entry, live, want: { kind: entry.target.kind, target: wanted } });
  }

  // Declared groups and existing ones' memberships, in file order: a trunk belongs to one group at most.
  const groupOfTrunk = new Map<string, { key: string; name: string; line: number }>();
  const groupLines = new Map<string, number>();
  const members = (group: { key: string; name: string; line: number }, refs: readonly Ref[]): Target[] | undefined => {
    const want: Target[] = [];
    const keys = new Set<string>();
    let complete = true;
    for (const ref of refs) {
      const member = target("trunk", ref);
      if (member === undefined) {
        complete = false;
        continue;
      }
      // Offline checks compare what is written; a trunk named in one place and given by id in another shows here.
      const key = member.id ?? `declared ${member.declared}`;
      const other = groupOfTrunk.get(key);
      if (other !== undefined && other.key !== group.key) {
        problems.push({
          ...ref.at,
          message: `trunk ${label(ref, member.id)} is also in trunk group ${other.name} (line ${other.line}): a DIDWW trunk belongs to at most one group`,
        });
        complete = false;
      } else {
        groupOfTrunk.set(key, group);
      }
      if (keys.has(key)) {
        problems.push({ ...ref.at, message: `trunk ${label(ref, member.id)} is listed twice in this group` });
        complete = false;
      } else {
        keys.add(key);
        want.push(member);
      }
    }
    return complete ? want : undefined;
  };
  const entries = [
    ...declaredGroups.map((entry) => ({ at: entry.at, declaration: entry, membership: undefined })),
    ...groupEntries.map((entry) => ({ at: entry.at, declaration: undefined, membership: entry })),
  ].sort((a, b) => a.at.line - b.at.line || a.at.col - b.at.col);
  for (const { declaration, membership } of entries) {
    if (declaration !== undefined) {
      const live = liveGroups.find((group) => group.name === declaration.name.value) ?? null;
      const want = members({ key: `declared ${declaration.name.value}`, name: declaration.name.value, line: declaration.at.line }, declaration.trunks);
      if (want !== undefined) routing.didww.declaredGroups.push({ entry: declaration, live, want });
      continue;
    }
    const entry = membership!;
    const live = pick(entry.group, "DIDWW trunk group", listed, (g) => g.id, (g) => g.name, problems);
    const want = members({ key: live?.id ?? entry.group.value, name: live?.name ?? entry.group.value, line: entry.group.at.line }, entry.trunks);
    if (live === undefined || want === undefined) continue;
    const first = groupLines.get(live.id);
    if (first !== undefined) {
      problems.push({ ...entry.group.at, message: `trunk group ${label(entry.group, live.id)} is listed twice (first at line ${first})` });
      continue;
    }
    groupLines.set(live.id, entry.group.at.line);
    routing.didww.trunkGroups.push({ entry, live, want });
  }
}

/**
Every trunk the refs name: by id with `filter[id]` unless `known` (trunks the DIDs ring now) has it, by name with
`filter[name]`, always: names need not be unique, and only a lookup by name shows a second trunk with the same one.
A name holding "," cannot go into a comma-separated filter, so then the account's trunks are listed instead (one
request per 100 trunks).
*/
async function findTrunks(client: () => DidwwClient, refs: readonly Ref[], known: readonly Trunk[]): Promise<Trunk[]> {
  const knownIds = new Set(known.map((trunk) => trunk.id));
  const ids = [...new Set(refs.filter((r) => isUuid(r.value)).map((r) => r.value.toLowerCase()))];
  const missingIds = ids.filter((id) => !knownIds.has(id));
  const names = [...new Set(refs.filter((r) => !isUuid(r.value)).map((r) => r.value))];
  if (names.some((name) => name.includes(","))) return client().listTrunks();
  const found = [
    ...known.filter((trunk) => ids.includes(trunk.id)),
    ...(missingIds.length > 0 ? await client().findTrunks("id", missingIds) : []),
    ...(names.length > 0 ? await client().findTrunks("name", names) : []),
  ];
  // A trunk named in one place and given by id in another comes back from both lookups.
  return [...new Map(found.map((trunk) => [trunk.id, trunk])).values()];
}

/** How a message names a looked-up object: as the file wrote it, with the id when the file used a name. */
function label(ref: Ref, id: string | null): string {
  return id === null || ref.value.toLowerCase() === id ? ref.value : `${ref.value} (${id})`;
}

async function resolveCarrierx(file: RoutingFile, client: () => CarrierxClient, read: boolean, routing: ResolvedRouting, problems: Problem[]) {
  const { dids: entries, trunkGroups: declarations } = file.carrierx;
  const declared = new Set(declarations.map((entry) => entry.name.value));
  const numbers = entries.filter((e) => e.did.by === "number").map((e) => digitsOf(e.did.value));
  const sids = entries.filter((e) => e.did.by === "sid").map((e) => e.did.value);
  const liveDids = entries.length > 0 ? await client().findDids({ numbers, sids }) : [];
  const listGroups = entries.some((e) => !declared.has(e.trunkGroup.value)) || (read && declarations.length > 0);
  const objects = listGroups ? await client().trunkGroupObjects() : [];
  // A group without a name (CarrierX allows it) can be given by its sid only.
  const groups = objects.map((object) => ({ sid: object["trunk_group_sid"] as string, name: typeof object["name"] === "string" ? object["name"] : null, object }));
  for (const group of groups) if (group.name !== null) routing.carrierx.groupNames.set(group.sid, group.name);

  for (const entry of declarations) {
    const live = read ? theOne(() => findByName(objects, entry.name.value, GROUP_KIND), entry.name, problems) : null;
    const sid = live?.["trunk_group_sid"] as string | undefined;
    const trunks = sid === undefined ? [] : await client().trunks(sid);
    routing.carrierx.trunkGroups.push({
      entry,
      live,
      trunks: entry.trunks.map((trunk) => ({
        entry: trunk,
        live: sid === undefined ? null : theOne(() => findByName(trunks, trunk.name.value, TRUNK_KIND, ` in trunk group ${sid}`), trunk.name, problems),
      })),
    });
  }

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
    const ref = entry.trunkGroup;
    let want: Target | undefined;
    if (declared.has(ref.value)) {
      want = { declared: ref.value, id: routing.carrierx.trunkGroups.find((g) => g.entry.name.value === ref.value)?.live?.["trunk_group_sid"] as string ?? null };
    } else {
      const group = pick(ref, "CarrierX trunk group", groups, (g) => g.sid, (g) => g.name ?? "", problems);
      if (group !== undefined && group.name !== null && declared.has(group.name)) {
        problems.push({ ...ref.at, message: `trunk group ${ref.value} is ${group.name}, which this file declares: name it ${group.name} here, so that it follows the declaration` });
      } else if (group !== undefined) {
        want = { id: group.sid };
      }
    }
    if (live === undefined || want === undefined) continue;
    const first = didLines.get(live.didSid);
    if (first !== undefined) {
      problems.push({ ...entry.did.at, message: `CarrierX DID +${live.phonenumber} (${live.didSid}) is listed twice (first at line ${first})` });
      continue;
    }
    didLines.set(live.didSid, entry.did.at.line);
    routing.carrierx.dids.push({ entry, live, want });
  }
}

const GROUP_KIND = { resource: "TrunkGroup", noun: "trunk group", sidField: "trunk_group_sid" };
const TRUNK_KIND = { resource: "Trunk", noun: "trunk", sidField: "trunk_sid" };

/**
The one object a declared name finds, or null; several of the name (CarrierX keeps names unique only by this package's
rule) are a problem at the name, as `pulumi up` would stop on them.
*/
function theOne(find: () => CarrierxObject | undefined, name: Ref, problems: Problem[]): CarrierxObject | null {
  try {
    return find() ?? null;
  } catch (error) {
    if (!(error instanceof DidrouteError)) throw error;
    problems.push({ ...name.at, message: error.message });
    return null;
  }
}
