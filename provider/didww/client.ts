import { SharedReadFailure, SharedReads, type ReadOrWrote } from "../batch";
import { answerDetails, DidrouteError, isNotFound, listErrors, type ApiErrorItem } from "../errors";
import { cachedPerSettings, createHttpClient, type HttpRequest, type HttpResponse, type HttpSend } from "../http";
import { didwwSettings, type DidwwSettings } from "../settings";
import { authorizedSend } from "./auth";
import { namesFor, type DidwwNames } from "./names";

const MEDIA_TYPE = "application/vnd.api+json";

/** A DID's routing: at most one of the two is set (DIDWW never routes to both). */
export interface DidRouting {
  trunkId: string | null;
  trunkGroupId: string | null;
}

export interface Did extends DidRouting {
  id: string;
  /** As DIDWW reports it: E.164 digits without "+". */
  number: string;
}

export interface TrunkGroup {
  id: string;
  trunkIds: string[];
}

export interface NamedTrunkGroup extends TrunkGroup {
  name: string;
}

export interface Trunk {
  id: string;
  name: string;
}

/**
What a request is about, for error messages: one object ("DID 9df9…", "trunk group 714e…"), or a list request
(`id` undefined: "DIDs"), which may be a read shared by the operations of several objects (`each`: "DID"): each of
them then gets the error about its own object.
*/
export interface Subject {
  noun: string;
  id?: string;
  each?: string;
}

/** DIDWW's largest page (reference §8: "The maximum page size is 100"); also the most values sent in one filter. */
export const PAGE_SIZE = 100;

/**
The DIDWW API v3 client: the only module that knows DIDWW's paths, bodies and error format. One instance per
settings; every call goes through `request`, which maps DIDWW's answers to DidrouteError.
*/
export class DidwwClient {
  readonly names: DidwwNames;
  /** The endpoint's path ("/v3"), which request paths are relative to: for showing a request as it is sent. */
  readonly basePath: string;
  private readonly send: HttpSend;
  /** Reads of concurrent operations share requests (see batch.ts): DIDs by id and by number, groups by id. */
  private readonly didsById: SharedReads<Did> = new SharedReads({
    slot: () => this.send.slot(),
    max: PAGE_SIZE,
    one: (id) => ifFound(this.getDid(id)),
    many: (ids) => this.didsBy("id", ids),
  });
  private readonly didsByNumber: SharedReads<Did> = new SharedReads({
    slot: () => this.send.slot(),
    max: PAGE_SIZE,
    one: (number) => this.didsBy("number", [number], { noun: "DIDs" }).then((found) => found.get(number)),
    many: (numbers) => this.didsBy("number", numbers, { noun: "DIDs" }),
  });
  private readonly groupsById: SharedReads<TrunkGroup> = new SharedReads({
    slot: () => this.send.slot(),
    max: PAGE_SIZE,
    one: (id) => ifFound(this.getTrunkGroup(id)),
    many: (ids) => this.trunkGroupsWithIds(ids),
  });

  constructor(settings: DidwwSettings) {
    this.names = namesFor(settings.apiVersion);
    this.basePath = new URL(settings.endpoint).pathname.replace(/\/$/, "");
    // `Api-Key`, or a bearer token per request from 2026-11-19 (auth.ts).
    this.send = authorizedSend(settings.auth, settings.limits, (credential) =>
      createHttpClient({
        system: "DIDWW",
        baseUrl: settings.endpoint,
        headers: {
          "content-type": MEDIA_TYPE,
          accept: MEDIA_TYPE,
          ...credential.headers,
          "x-didww-api-version": settings.apiVersion,
        },
        credential: credential.limiterKey,
        limits: settings.limits,
        configPrefix: "didww",
      }),
    );
  }

  /** The DID as it is now, read with the other operations' reads (see batch.ts); undefined when it is gone. */
  readDid(id: string): Promise<Did | undefined> {
    return this.didsById.read(id);
  }

  /**
  For a create or delete, which sends `write` (its PATCH) unless the DID's live routing makes it needless: the DID
  as it is now, read with other operations' reads; or, when no other operation is reading, what `write` returned.
  */
  readDidUnlessAlone<W>(id: string, write: () => Promise<W>): Promise<ReadOrWrote<Did, W>> {
    return this.didsById.readUnlessAlone(id, write);
  }

  /** The group as it is now, read with the other operations' reads; undefined when it is gone. */
  readTrunkGroup(id: string): Promise<TrunkGroup | undefined> {
    return this.groupsById.read(id);
  }

  /** `readDidUnlessAlone`, for a trunk group's membership. */
  readTrunkGroupUnlessAlone<W>(id: string, write: () => Promise<W>): Promise<ReadOrWrote<TrunkGroup, W>> {
    return this.groupsById.readUnlessAlone(id, write);
  }

  /** GET the DID with both routing relationships included: DIDWW returns linkage only for included ones. */
  private async getDid(id: string): Promise<Did> {
    const { didTrunk, didTrunkGroup } = this.names;
    const body = await this.request(
      { method: "GET", path: `dids/${id}`, searchParams: { include: `${didTrunk},${didTrunkGroup}` } },
      { noun: "DID", id },
    );
    return this.parseDid(body, id);
  }

  /**
  Routes a DID to a trunk, a trunk group, or nothing, in one PATCH. The relationship not used is always sent as
  `{"data": null}` in the same request, as DIDWW's SDKs do: DIDWW routes to one or the other, never both.
  Returns the DID's number from the answer.
  */
  async setDidRouting(id: string, routing: DidRouting): Promise<{ number: string }> {
    const body = await this.request(this.didRoutingRequest(id, routing), { noun: "DID", id });
    return { number: this.parseDidNumber(body, id) };
  }

  /** The PATCH `setDidRouting` sends, also shown by `didroute plan`. */
  didRoutingRequest(id: string, routing: DidRouting): HttpRequest & { method: "PATCH" } {
    const { didTrunk, trunkType, didTrunkGroup, trunkGroupType } = this.names;
    const trunk = { [didTrunk]: { data: routing.trunkId ? { type: trunkType, id: routing.trunkId } : null } };
    const group = {
      [didTrunkGroup]: { data: routing.trunkGroupId ? { type: trunkGroupType, id: routing.trunkGroupId } : null },
    };
    // The relationship being set goes first, as in DIDWW's documented examples.
    const relationships = routing.trunkGroupId ? { ...group, ...trunk } : { ...trunk, ...group };
    return { method: "PATCH", path: `dids/${id}`, body: { data: { type: "dids", id, relationships } } };
  }

  private async getTrunkGroup(id: string): Promise<TrunkGroup> {
    const { trunkGroupType, groupTrunks } = this.names;
    const body = await this.request(
      { method: "GET", path: `${trunkGroupType}/${id}`, searchParams: { include: groupTrunks } },
      { noun: "trunk group", id },
    );
    const linkage = relationshipData(body, groupTrunks, `trunk group ${id}`);
    if (!Array.isArray(linkage)) throw malformed(`trunk group ${id}`, `${groupTrunks} linkage is not a list`);
    return { id, trunkIds: linkage.map((item) => identifierId(item, `trunk group ${id}`)) };
  }

  /** The groups with these ids (at most 100) and their members: one `filter[id]=a,b,…` request. */
  private async trunkGroupsWithIds(ids: readonly string[]): Promise<Map<string, TrunkGroup>> {
    const { trunkGroupType, groupTrunks } = this.names;
    const params = { "filter[id]": ids.join(","), include: groupTrunks };
    const groups = await this.list(trunkGroupType, params, { noun: "trunk groups", each: "trunk group" }, (item) =>
      this.parseGroupResource(item),
    );
    return new Map(groups.map((group) => [group.id, { id: group.id, trunkIds: group.trunkIds }]));
  }

  /** Replaces the group's whole membership in one PATCH (`[]` empties it). */
  async setTrunkGroupTrunks(id: string, trunkIds: readonly string[]): Promise<void> {
    await this.request(this.trunkGroupTrunksRequest(id, trunkIds), { noun: "trunk group", id });
  }

  /** The PATCH `setTrunkGroupTrunks` sends, also shown by `didroute plan`. */
  trunkGroupTrunksRequest(id: string, trunkIds: readonly string[]): HttpRequest & { method: "PATCH" } {
    const { trunkGroupType, groupTrunks, trunkType } = this.names;
    return {
      method: "PATCH",
      path: `${trunkGroupType}/${id}`,
      body: {
        data: {
          id,
          type: trunkGroupType,
          relationships: { [groupTrunks]: { data: trunkIds.map((trunkId) => ({ type: trunkType, id: trunkId })) } },
        },
      },
    };
  }

  /**
  The DIDs whose number (E.164 digits without "+") or id is one of `values`, with their routing. One GET per 100
  values (`filter[number]=a,b,…`, which DIDWW matches as "any of"), both routing relationships included. Values that
  match nothing are simply absent from the result. With them, the trunks and trunk groups those DIDs are routed to,
  with their names: the answers include them (`include=`), so knowing them costs no request.
  */
  async findDidsWithTargets(
    by: "number" | "id",
    values: readonly string[],
    subject: Subject = { noun: "DIDs" },
  ): Promise<{ dids: Did[]; trunks: Trunk[]; trunkGroups: Trunk[] }> {
    const { didTrunk, didTrunkGroup } = this.names;
    const dids: Did[] = [];
    const included: unknown[] = [];
    for (const chunk of chunks(values)) {
      const params = { [`filter[${by}]`]: chunk.join(","), include: `${didTrunk},${didTrunkGroup}` };
      dids.push(...(await this.list("dids", params, subject, (item) => this.parseDidResource(item), included)));
    }
    return { dids, ...this.includedTargets(included) };
  }

  /**
  Every DID of the account with its routing, and the trunks and groups they ring (named), 100 per request;
  `progress` is told after each page how many of how many have been read.
  */
  async listDids(progress?: (read: number, total: number) => void): Promise<{ dids: Did[]; trunks: Trunk[]; trunkGroups: Trunk[] }> {
    const { didTrunk, didTrunkGroup } = this.names;
    const included: unknown[] = [];
    const params = { include: `${didTrunk},${didTrunkGroup}` };
    const dids = await this.list("dids", params, { noun: "DIDs" }, (item) => this.parseDidResource(item), included, progress);
    return { dids, ...this.includedTargets(included) };
  }

  /** The trunks and groups of a DID list's `included`, with their names: known without a request. */
  private includedTargets(included: readonly unknown[]): { trunks: Trunk[]; trunkGroups: Trunk[] } {
    const { trunkType, trunkGroupType } = this.names;
    // Only an aid (a lookup finds anything missing here), so an included resource without an id or name is skipped.
    const ofType = (type: string) => {
      const byId = new Map<string, Trunk>();
      for (const item of included) {
        const resource = item as { type?: unknown; id?: unknown; attributes?: { name?: unknown } } | null;
        if (resource?.type !== type || typeof resource.id !== "string") continue;
        const name = resource.attributes?.name;
        if (typeof name === "string") byId.set(resource.id.toLowerCase(), { id: resource.id.toLowerCase(), name });
      }
      return [...byId.values()];
    };
    return { trunks: ofType(trunkType), trunkGroups: ofType(trunkGroupType) };
  }

  /** DIDs by id or number with their routing, shared by concurrent operations: one request per 100 values. */
  private async didsBy(
    by: "number" | "id",
    values: readonly string[],
    subject: Subject = { noun: "DIDs", each: "DID" },
  ): Promise<Map<string, Did>> {
    const dids = (await this.findDidsWithTargets(by, values, subject)).dids;
    return new Map(dids.map((did) => [by === "id" ? did.id : did.number, did]));
  }

  /**
  The DID with this number (E.164 digits without "+"), with its routing as it is now; a DidrouteError when the
  account has none. Concurrent lookups share requests (see batch.ts).
  */
  async findDidByNumber(number: string): Promise<Did> {
    const did = await this.didsByNumber.read(number);
    if (did === undefined) {
      throw new DidrouteError(
        `DIDWW has no DID with the number +${number} in this account (GET /v3/dids?filter[number]=${number})`,
        { system: "DIDWW", method: "GET", path: "/v3/dids" },
      );
    }
    return did;
  }

  /** The trunks whose name or id is one of `values`: one GET per 100 values. Names containing "," cannot be filtered. */
  async findTrunks(by: "name" | "id", values: readonly string[]): Promise<Trunk[]> {
    const found: Trunk[] = [];
    for (const chunk of chunks(values)) {
      const params = { [`filter[${by}]`]: chunk.join(",") };
      found.push(...(await this.list(this.names.trunkType, params, { noun: "trunks" }, parseNamed)));
    }
    return found;
  }

  /** Every trunk of the account, 100 per request. */
  listTrunks(): Promise<Trunk[]> {
    return this.list(this.names.trunkType, {}, { noun: "trunks" }, parseNamed);
  }

  /** Every trunk group with its members, 100 per request: DIDWW has no name filter on groups (reference §7.1). */
  listTrunkGroups(): Promise<NamedTrunkGroup[]> {
    const { trunkGroupType, groupTrunks } = this.names;
    return this.list(trunkGroupType, { include: groupTrunks }, { noun: "trunk groups" }, (item) => this.parseGroupResource(item));
  }

  /** One `voice_in_trunk_groups` resource object with its members included. */
  private parseGroupResource(item: unknown): NamedTrunkGroup {
    const { groupTrunks } = this.names;
    const { id, name } = parseNamed(item);
    const what = `trunk group ${id}`;
    const linkage = resourceRelationship(item, groupTrunks, what);
    if (!Array.isArray(linkage)) throw malformed(what, `${groupTrunks} linkage is not a list`);
    return { id, name, trunkIds: linkage.map((entry) => identifierId(entry, what)) };
  }

  /**
  Every page of a collection: `page[size]=100`, following `page[number]` until `meta.total_records` is reached.
  Public for the trunk and trunk group operations (trunkApi.ts), which share this client's requests and errors.
  */
  async list<T>(
    path: string,
    params: Record<string, string>,
    subject: Subject,
    parse: (item: unknown) => T,
    /** Collects each page's `included` resources, when given. */
    included?: unknown[],
    progress?: (read: number, total: number) => void,
  ): Promise<T[]> {
    const items: T[] = [];
    for (let page = 1; ; page++) {
      const searchParams = { ...params, "page[number]": String(page), "page[size]": String(PAGE_SIZE) };
      const body = (await this.request({ method: "GET", path, searchParams }, subject)) as
        | { data?: unknown; included?: unknown; meta?: { total_records?: unknown } }
        | undefined;
      if (!Array.isArray(body?.data)) throw malformed(subject.noun, "the list answer has no data array");
      items.push(...body.data.map(parse));
      if (included !== undefined && Array.isArray(body.included)) included.push(...body.included);
      const total = body.meta?.total_records;
      const more = typeof total === "number" ? items.length < total : body.data.length === PAGE_SIZE;
      progress?.(items.length, typeof total === "number" ? total : items.length);
      if (!more || body.data.length === 0) return items;
    }
  }

  /** Sends one request; a 2xx answer's body is returned, any other answer becomes a DidrouteError about `subject`. */
  async request(request: HttpRequest, subject: Subject): Promise<unknown> {
    const response = await this.send(request);
    if (response.status >= 200 && response.status < 300) return response.body;
    // A list that is not there (404) says the endpoint or version is wrong: that is no object's error.
    const { each } = subject;
    if (each !== undefined && response.status !== 404) {
      throw new SharedReadFailure((id) => errorFromResponse(response, { noun: each, id }));
    }
    throw errorFromResponse(response, subject);
  }

  private parseDid(body: unknown, id: string): Did {
    return { ...this.parseDidResource((body as { data?: unknown } | undefined)?.data), id };
  }

  /** One `dids` resource object with both routing relationships included. */
  private parseDidResource(item: unknown): Did {
    const { didTrunk, didTrunkGroup } = this.names;
    const id = identifierId(item, "a DID");
    const what = `DID ${id}`;
    const trunk = resourceRelationship(item, didTrunk, what);
    const group = resourceRelationship(item, didTrunkGroup, what);
    const number = (item as { attributes?: { number?: unknown } }).attributes?.number;
    if (typeof number !== "string") throw malformed(what, "it has no number attribute");
    return {
      id,
      number,
      trunkId: trunk === null ? null : identifierId(trunk, what),
      trunkGroupId: group === null ? null : identifierId(group, what),
    };
  }

  private parseDidNumber(body: unknown, id: string): string {
    const number = (body as { data?: { attributes?: { number?: unknown } } } | undefined)?.data?.attributes?.number;
    if (typeof number !== "string") throw malformed(`DID ${id}`, "it has no number attribute");
    return number;
  }
}

/** The object, or undefined when the API says it is not there (404): gone from the account. */
async function ifFound<T>(read: Promise<T>): Promise<T | undefined> {
  try {
    return await read;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** The linkage of an included relationship of a single-resource document. */
function relationshipData(body: unknown, name: string, what: string): unknown {
  return resourceRelationship((body as { data?: unknown } | undefined)?.data, name, what);
}

/** The linkage of an included relationship of one resource object; DIDWW omits `data` for ones not included. */
export function resourceRelationship(item: unknown, name: string, what: string): unknown {
  const relationship = (item as { relationships?: Record<string, { data?: unknown }> } | undefined)?.relationships?.[
    name
  ];
  if (relationship === undefined || !("data" in relationship)) {
    throw malformed(what, `the answer has no linkage for "${name}" although it was included`);
  }
  return relationship.data ?? null;
}

export function identifierId(item: unknown, what: string): string {
  const id = (item as { id?: unknown } | null)?.id;
  if (typeof id !== "string") throw malformed(what, "a relationship entry has no id");
  return id.toLowerCase();
}

function parseNamed(item: unknown): { id: string; name: string } {
  const id = identifierId(item, "a list entry");
  const name = (item as { attributes?: { name?: unknown } }).attributes?.name;
  if (typeof name !== "string") throw malformed(id, "it has no name attribute");
  return { id, name };
}

/** Distinct values in groups of PAGE_SIZE: a filter with more values than a page holds could not be paged. */
function chunks(values: readonly string[]): string[][] {
  const distinct = [...new Set(values)];
  const result: string[][] = [];
  for (let i = 0; i < distinct.length; i += PAGE_SIZE) result.push(distinct.slice(i, i + PAGE_SIZE));
  return result;
}

export function malformed(what: string, problem: string): DidrouteError {
  return new DidrouteError(`DIDWW answered with an unexpected document for ${what}: ${problem}`, { system: "DIDWW" });
}

/** DIDWW's JSON:API `errors[]`, reduced to what a person needs: the detail and where it points. */
function apiErrors(body: unknown): ApiErrorItem[] {
  const errors = (body as { errors?: unknown } | undefined)?.errors;
  if (!Array.isArray(errors)) return [];
  return errors.map((e: { detail?: unknown; title?: unknown; source?: { pointer?: unknown } }) => {
    const detail = typeof e.detail === "string" ? e.detail : typeof e.title === "string" ? e.title : "error";
    const pointer = e.source?.pointer;
    return typeof pointer === "string" ? { detail, pointer } : { detail };
  });
}

function errorFromResponse(response: HttpResponse, subject: Subject): DidrouteError {
  const { status, request } = response;
  const errors = apiErrors(response.body);
  const details = answerDetails("DIDWW", status, request, errors);
  const listed = listErrors(errors);
  const about = subject.id === undefined ? `listing ${subject.noun}` : `${subject.noun} ${subject.id}`;
  // Retries, when there were any, are said last: what was attempted, how often, and why it stopped.
  return new DidrouteError(`${errorMessage(status, request, subject, about, listed)}${response.retries}`, details);
}

function errorMessage(status: number, request: string, subject: Subject, about: string, listed: string): string {
  switch (status) {
    case 401:
      return (
        `DIDWW rejected the API key (401 on ${request}): the key is missing or invalid. ` +
        'Set it with "pulumi config set --secret didww:apiKey <key>" or DIDWW_API_KEY.'
      );
    case 404:
      return subject.id === undefined
        ? `DIDWW has no ${request.split(" ")[1]} (404 on ${request}): check didww:endpoint and didww:apiVersion`
        : `DIDWW has no ${about} (404 on ${request}): check the id and that it belongs to this account`;
    case 422:
      return `DIDWW refused ${request} for ${about} (422): ${listed}`;
    default:
      return `DIDWW answered ${status} to ${request} for ${about}${listed ? `: ${listed}` : ""}`;
  }
}

const clientFor = cachedPerSettings((settings: DidwwSettings) => new DidwwClient(settings));

export function didwwClient(): DidwwClient {
  return clientFor(didwwSettings());
}
