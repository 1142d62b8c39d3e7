import { SharedReadFailure, SharedReads, type ReadOrWrote } from "../batch";
import { DidrouteError, isNotFound } from "../errors";
import { cachedPerSettings, createHttpClient, type HttpRequest, type HttpSend } from "../http";
import { carrierxSettings, type CarrierxSettings } from "../settings";
import {
  didSubject,
  errorFromResponse,
  groupSubject,
  groupTrunksSubject,
  listSubject,
  NEW_GROUP,
  trunkSubject,
  type Subject,
} from "./errors";

const MEDIA_TYPE = "application/json";
const DIDS = listSubject("DIDs", "phonenumber");
const GROUPS = listSubject("trunk groups", "trunk_groups");

/** The part of a CarrierX DID object that routing needs. */
export interface Did {
  didSid: string;
  /** As CarrierX reports it: E.164 digits without "+", e.g. "15162065574". */
  phonenumber: string;
  trunkGroupSid: string | null;
}

export interface TrunkGroup {
  trunkGroupSid: string;
  name: string;
}

/** CarrierX's largest page (reference §3.6: `limit` maximum 1000). */
export const PAGE_LIMIT = 1000;

/**
The CarrierX Core API v2 client: the only module that knows CarrierX's paths, bodies and error format. One instance
per settings; every call goes through `request`, which maps CarrierX's answers to DidrouteError.
*/
export class CarrierxClient {
  /** The endpoint's path ("/core/v2"), which request paths are relative to: for showing a request as it is sent. */
  readonly basePath: string;
  private readonly send: HttpSend;
  private readonly token: string;
  /** Reads of concurrent operations share requests (see batch.ts and findDids): DIDs by sid and by number. */
  private readonly didsBySid: SharedReads<Did> = new SharedReads({
    slot: () => this.send.slot(),
    max: PAGE_LIMIT,
    one: async (sid) => {
      try {
        return await this.getDid(sid);
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    },
    many: async (sids) => new Map((await this.findDids({ sids }, didSubject)).map((did) => [did.didSid, did])),
  });
  private readonly didsByNumber: SharedReads<Did> = new SharedReads({
    slot: () => this.send.slot(),
    max: PAGE_LIMIT,
    one: async (number) => (await this.findDids({ numbers: [number] }))[0],
    many: async (numbers) => new Map((await this.findDids({ numbers })).map((did) => [did.phonenumber, did])),
  });

  constructor(settings: CarrierxSettings) {
    this.token = settings.token;
    this.basePath = new URL(settings.endpoint).pathname.replace(/\/$/, "");
    this.send = createHttpClient({
      system: "CarrierX",
      baseUrl: settings.endpoint,
      headers: {
        "content-type": MEDIA_TYPE,
        accept: MEDIA_TYPE,
        authorization: `Bearer ${settings.token}`,
      },
      credential: settings.token,
      limits: settings.limits,
      configPrefix: "carrierx",
    });
  }

  /** The DID as it is now, read with the other operations' reads (see batch.ts); undefined when it is gone. */
  readDid(sid: string): Promise<Did | undefined> {
    return this.didsBySid.read(sid);
  }

  /**
  For a create or delete, which sends `write` (its PATCH) unless the DID's live trunk group makes it needless: the
  DID as it is now, read with other operations' reads; or, when no other operation is reading, what `write` returned.
  */
  readDidUnlessAlone<W>(sid: string, write: () => Promise<W>): Promise<ReadOrWrote<Did, W>> {
    return this.didsBySid.readUnlessAlone(sid, write);
  }

  private async getDid(sid: string): Promise<Did> {
    const body = await this.request({ method: "GET", path: didPath(sid) }, didSubject(sid));
    return parseDid(body, sid);
  }

  /**
  Sets (or, with null, clears) the DID's trunk group in one PATCH whose body holds nothing but `trunk_group_sid`:
  PATCH changes only the fields sent, so nothing else of the DID is touched. Never PUT, which replaces the whole
  object. Returns the DID as CarrierX reports it after the change.
  */
  async setDidTrunkGroup(sid: string, trunkGroupSid: string | null): Promise<Did> {
    const body = await this.request(this.didTrunkGroupRequest(sid, trunkGroupSid), didSubject(sid));
    return parseDid(body, sid);
  }

  /** The PATCH `setDidTrunkGroup` sends, also shown by `didroute plan`. */
  didTrunkGroupRequest(sid: string, trunkGroupSid: string | null): HttpRequest & { method: "PATCH" } {
    return { method: "PATCH", path: didPath(sid), body: { trunk_group_sid: trunkGroupSid } };
  }

  /**
  The DIDs whose number (E.164 digits without "+") or sid is one of those asked for. CarrierX filters cannot say
  "any of" (only `and`, reference §3.5), so the partner's DIDs are listed 1,000 per request; once the pages left
  outnumber the DIDs still missing, each of those is looked up with `filter=phonenumber eq "…"` (or `did_sid eq`)
  instead: the fewer requests of the two. DIDs that match nothing are absent from the result. `each`, for a read
  shared by the operations of several DIDs (batch.ts): a refusal is each one's error about its own DID.

  A listing of several pages is paged by offset: a DID rented or released meanwhile shifts the later pages, and a DID
  can fall between two of them. So what such a listing did not show is looked up on its own before it counts as gone
  (a read would drop it from state, a delete would leave its routing in place).
  */
  async findDids(
    wanted: { numbers?: readonly string[]; sids?: readonly string[] },
    each?: (sid: string) => Subject,
  ): Promise<Did[]> {
    const missing = new Map<string, string>(); // "phonenumber:1516…" / "did_sid:…" -> the filter that finds it
    for (const number of wanted.numbers ?? []) missing.set(`phonenumber:${number}`, `phonenumber eq "${number}"`);
    for (const sid of wanted.sids ?? []) missing.set(`did_sid:${sid.toLowerCase()}`, `did_sid eq "${sid}"`);
    const found: Did[] = [];
    const take = (dids: Did[]) => {
      for (const did of dids) {
        const byNumber = missing.delete(`phonenumber:${did.phonenumber}`);
        const bySid = missing.delete(`did_sid:${did.didSid}`);
        if (byNumber || bySid) found.push(did);
      }
    };
    for (let offset = 0; missing.size > 1; ) {
      const page = await this.listPage("phonenumber/dids", { offset }, DIDS, parseDidItem, each);
      take(page.items);
      const firstPage = offset === 0;
      offset += page.items.length;
      if (!page.hasMore || page.items.length === 0) {
        if (firstPage) return found;
        break;
      }
      const pagesLeft = page.total === null ? Infinity : Math.ceil((page.total - offset) / PAGE_LIMIT);
      if (missing.size <= pagesLeft) break;
    }
    for (const filter of [...missing.values()]) {
      take((await this.listPage("phonenumber/dids", { offset: 0, filter }, DIDS, parseDidItem, each)).items);
    }
    return found;
  }

  /**
  The DID with this number (E.164 digits without "+"), with its trunk group as it is now; a DidrouteError when the
  partner has none. Concurrent lookups share requests (see batch.ts).
  */
  async findDidByNumber(number: string): Promise<Did> {
    const did = await this.didsByNumber.read(number);
    if (did === undefined) {
      throw new DidrouteError(
        `CarrierX has no DID with the number +${number} rented by this partner (GET /core/v2/phonenumber/dids)`,
        { system: "CarrierX", method: "GET", path: "/core/v2/phonenumber/dids" },
      );
    }
    return did;
  }

  /**
  Every DID of the partner with its trunk group, 1,000 per request; `progress` is told after each page how many of
  how many have been read.
  */
  async listDids(progress?: (read: number, total: number) => void): Promise<Did[]> {
    const dids: Did[] = [];
    for (let offset = 0; ; ) {
      const page = await this.listPage("phonenumber/dids", { offset }, DIDS, parseDidItem);
      dids.push(...page.items);
      offset += page.items.length;
      progress?.(dids.length, page.total ?? dids.length);
      if (!page.hasMore || page.items.length === 0) return dids;
    }
  }

  /** Every trunk group of the partner, 1,000 per request; one without a name (CarrierX allows it) has the name "". */
  async listTrunkGroups(): Promise<TrunkGroup[]> {
    return (await this.trunkGroupObjects()).map((group) => ({
      trunkGroupSid: group["trunk_group_sid"] as string,
      name: typeof group["name"] === "string" ? group["name"] : "",
    }));
  }

  /** Every trunk group of the partner as CarrierX answers it, 1,000 per request. */
  trunkGroupObjects(): Promise<CarrierxObject[]> {
    return this.listAll("trunk_groups", {}, GROUPS, (item) => parseObject(item, "trunk_group_sid", "a listed trunk group"));
  }

  async getTrunkGroup(sid: string): Promise<CarrierxObject> {
    const body = await this.request({ method: "GET", path: groupPath(sid) }, groupSubject(sid));
    return parseObject(body, "trunk_group_sid", `trunk group ${sid}`);
  }

  /** The POST `createTrunkGroup` sends: the group's fields, never `trunks` (trunks are resources of their own). */
  trunkGroupCreateRequest(body: Record<string, unknown>): HttpRequest & { method: "POST" } {
    return { method: "POST", path: "trunk_groups", body };
  }

  async createTrunkGroup(body: Record<string, unknown>): Promise<CarrierxObject> {
    const answer = await this.request(this.trunkGroupCreateRequest(body), NEW_GROUP);
    return parseObject(answer, "trunk_group_sid", "a new trunk group");
  }

  /** The PATCH `updateTrunkGroup` sends: PATCH changes only the fields sent; never PUT, which resets the others. */
  trunkGroupUpdateRequest(sid: string, body: Record<string, unknown>): HttpRequest & { method: "PATCH" } {
    return { method: "PATCH", path: groupPath(sid), body };
  }

  async updateTrunkGroup(sid: string, body: Record<string, unknown>): Promise<CarrierxObject> {
    const answer = await this.request(this.trunkGroupUpdateRequest(sid, body), groupSubject(sid));
    return parseObject(answer, "trunk_group_sid", `trunk group ${sid}`);
  }

  /** A refusal because DIDs or trunks still use the group is a DidrouteError that `isGroupInUse` recognises. */
  async deleteTrunkGroup(sid: string, name?: string): Promise<void> {
    await this.request({ method: "DELETE", path: groupPath(sid) }, groupSubject(sid, name));
  }

  /** Every trunk of the group as CarrierX answers it, 1,000 per request. */
  trunks(groupSid: string): Promise<CarrierxObject[]> {
    const parse = (item: unknown) => parseObject(item, "trunk_sid", `a listed trunk of trunk group ${groupSid}`);
    return this.listAll(`${groupPath(groupSid)}/trunks`, {}, groupTrunksSubject(groupSid), parse);
  }

  async getTrunk(groupSid: string, sid: string): Promise<CarrierxObject> {
    const body = await this.request({ method: "GET", path: trunkPath(groupSid, sid) }, trunkSubject(groupSid, sid));
    return parseObject(body, "trunk_sid", `trunk ${sid}`);
  }

  /** The POST `createTrunk` sends: the trunk is created inside its group (reference §4.2: membership is the URL). */
  trunkCreateRequest(groupSid: string, body: Record<string, unknown>): HttpRequest & { method: "POST" } {
    return { method: "POST", path: `${groupPath(groupSid)}/trunks`, body };
  }

  async createTrunk(groupSid: string, body: Record<string, unknown>): Promise<CarrierxObject> {
    const answer = await this.request(this.trunkCreateRequest(groupSid, body), groupTrunksSubject(groupSid));
    return parseObject(answer, "trunk_sid", `a new trunk of trunk group ${groupSid}`);
  }

  trunkUpdateRequest(groupSid: string, sid: string, body: Record<string, unknown>): HttpRequest & { method: "PATCH" } {
    return { method: "PATCH", path: trunkPath(groupSid, sid), body };
  }

  async updateTrunk(groupSid: string, sid: string, body: Record<string, unknown>): Promise<CarrierxObject> {
    const answer = await this.request(this.trunkUpdateRequest(groupSid, sid, body), trunkSubject(groupSid, sid));
    return parseObject(answer, "trunk_sid", `trunk ${sid}`);
  }

  async deleteTrunk(groupSid: string, sid: string, name?: string): Promise<void> {
    await this.request({ method: "DELETE", path: trunkPath(groupSid, sid) }, trunkSubject(groupSid, sid, name));
  }

  /** The DIDs assigned to the group: one page of the documented `trunk_group_sid` argument, and how many there are. */
  async didsOfGroup(groupSid: string): Promise<{ dids: Did[]; total: number }> {
    const page = await this.listPage("phonenumber/dids", { offset: 0, trunk_group_sid: groupSid }, DIDS, parseDidItem);
    return { dids: page.items, total: page.total ?? page.items.length };
  }

  /** Every item of a list, following the pages. */
  private async listAll<T>(path: string, query: Record<string, string>, subject: Subject, parse: (item: unknown) => T): Promise<T[]> {
    const items: T[] = [];
    for (let offset = 0; ; ) {
      const page = await this.listPage(path, { ...query, offset }, subject, parse);
      items.push(...page.items);
      offset += page.items.length;
      if (!page.hasMore || page.items.length === 0) return items;
    }
  }

  private async listPage<T>(
    path: string,
    query: { offset: number } & Record<string, string | number>,
    subject: Subject,
    parse: (item: unknown) => T,
    each?: (sid: string) => Subject,
  ): Promise<{ items: T[]; hasMore: boolean; total: number | null }> {
    const searchParams: Record<string, string> = { limit: String(PAGE_LIMIT) };
    for (const [name, value] of Object.entries(query)) searchParams[name] = String(value);
    const body = (await this.request({ method: "GET", path, searchParams }, subject, each)) as
      | { items?: unknown; has_more?: unknown; total?: unknown }
      | undefined;
    if (!Array.isArray(body?.items)) {
      throw new DidrouteError(`CarrierX answered GET ${path} without an items list`, { system: "CarrierX" });
    }
    return {
      items: body.items.map(parse),
      hasMore: body.has_more === true,
      total: typeof body.total === "number" ? body.total : null,
    };
  }

  /**
  `each`: the request is a read shared by the operations of several objects (batch.ts), and each of them gets the
  error about its own object; but a list that is not there (404) says the endpoint is wrong, which is no object's.
  */
  private async request(request: HttpRequest, subject: Subject, each?: (sid: string) => Subject): Promise<unknown> {
    const response = await this.send(request);
    if (response.status >= 200 && response.status < 300) return response.body;
    if (each !== undefined && response.status !== 404) {
      throw new SharedReadFailure((sid) => errorFromResponse(response, each(sid), this.token));
    }
    throw errorFromResponse(response, subject, this.token);
  }
}

function parseDidItem(item: unknown): Did {
  const sid = (item as { did_sid?: unknown } | null)?.did_sid;
  if (typeof sid !== "string") throw malformed("in a list", "it has no did_sid");
  return parseDid(item, sid.toLowerCase());
}

/**
A trunk group or trunk as CarrierX answers it, its sid lower-cased (CarrierX answers in lower case; state and diffs
stay stable either way). What the resources read of it is in fields.ts.
*/
export type CarrierxObject = Record<string, unknown>;

function parseObject(body: unknown, sidField: string, what: string): CarrierxObject {
  const object = body as Record<string, unknown> | null | undefined;
  const sid = object?.[sidField];
  if (typeof object !== "object" || object === null || Array.isArray(object) || typeof sid !== "string") {
    throw new DidrouteError(`CarrierX answered with an unexpected object for ${what}: it has no ${sidField}`, { system: "CarrierX" });
  }
  return { ...object, [sidField]: sid.toLowerCase() };
}

const groupPath = (sid: string): string => `trunk_groups/${encodeURIComponent(sid)}`;
const trunkPath = (groupSid: string, sid: string): string => `${groupPath(groupSid)}/trunks/${encodeURIComponent(sid)}`;

/**
An assumption, kept in this one place (README, Limitations): CarrierX has not published how it refuses to delete a
trunk group that DIDs point to or that still holds trunks (reference §4.1, §9 question 6). This package takes 409 (a
conflict with the object's state, which the docs say "depends on the conflict source") and 422 (validation) to mean
"still in use"; the trunk group resource then names what uses it. Any other answer is reported as it comes.
*/
export const GROUP_IN_USE_STATUSES: readonly number[] = [409, 422];

export function isGroupInUse(error: unknown): error is DidrouteError {
  return error instanceof DidrouteError && error.status !== undefined && GROUP_IN_USE_STATUSES.includes(error.status);
}

function didPath(sid: string): string {
  return `phonenumber/dids/${encodeURIComponent(sid)}`;
}

function parseDid(body: unknown, sid: string): Did {
  const did = body as { phonenumber?: unknown; trunk_group_sid?: unknown } | undefined;
  if (typeof did?.phonenumber !== "string") throw malformed(sid, "it has no phonenumber");
  const group = did.trunk_group_sid ?? null;
  if (group !== null && typeof group !== "string") throw malformed(sid, "its trunk_group_sid is not a string");
  return { didSid: sid, phonenumber: did.phonenumber, trunkGroupSid: group === null ? null : group.toLowerCase() };
}

function malformed(sid: string, problem: string): DidrouteError {
  return new DidrouteError(`CarrierX answered with an unexpected object for DID ${sid}: ${problem}`, {
    system: "CarrierX",
  });
}

const clientFor = cachedPerSettings((settings: CarrierxSettings) => new CarrierxClient(settings));

export function carrierxClient(): CarrierxClient {
  return clientFor(carrierxSettings());
}
