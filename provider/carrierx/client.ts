import { SharedReadFailure, SharedReads, type ReadOrWrote } from "../batch";
import { answerDetails, DidrouteError, isNotFound, listErrors, type ApiErrorItem } from "../errors";
import { cachedPerSettings, createHttpClient, type HttpRequest, type HttpResponse, type HttpSend } from "../http";
import { carrierxSettings, type CarrierxSettings } from "../settings";

const MEDIA_TYPE = "application/json";
/** Longest stretch of an unrecognised error body quoted in a message. */
const MAX_QUOTED = 200;

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
What a request is about, for error messages: one DID (`sid`), or a list ("DIDs", "trunk groups"), which may be a
read shared by the operations of several DIDs (`each`): each of them then gets the error about its own DID.
*/
interface Subject {
  noun: string;
  sid?: string;
  each?: true;
}

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
    many: async (sids) => new Map((await this.findDids({ sids }, { noun: "DIDs", each: true })).map((did) => [did.didSid, did])),
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
    const body = await this.request({ method: "GET", path: didPath(sid) }, { noun: "DID", sid });
    return parseDid(body, sid);
  }

  /**
  Sets (or, with null, clears) the DID's trunk group in one PATCH whose body holds nothing but `trunk_group_sid`:
  PATCH changes only the fields sent, so nothing else of the DID is touched. Never PUT, which replaces the whole
  object. Returns the DID as CarrierX reports it after the change.
  */
  async setDidTrunkGroup(sid: string, trunkGroupSid: string | null): Promise<Did> {
    const body = await this.request(this.didTrunkGroupRequest(sid, trunkGroupSid), { noun: "DID", sid });
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
  instead: the fewer requests of the two. DIDs that match nothing are absent from the result.
  */
  async findDids(
    wanted: { numbers?: readonly string[]; sids?: readonly string[] },
    subject: Subject = { noun: "DIDs" },
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
      const page = await this.listPage("phonenumber/dids", { offset }, subject, parseDidItem);
      take(page.items);
      offset += page.items.length;
      if (!page.hasMore || page.items.length === 0) return found;
      const pagesLeft = page.total === null ? Infinity : Math.ceil((page.total - offset) / PAGE_LIMIT);
      if (missing.size <= pagesLeft) break;
    }
    for (const filter of [...missing.values()]) {
      take((await this.listPage("phonenumber/dids", { offset: 0, filter }, subject, parseDidItem)).items);
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
      const page = await this.listPage("phonenumber/dids", { offset }, { noun: "DIDs" }, parseDidItem);
      dids.push(...page.items);
      offset += page.items.length;
      progress?.(dids.length, page.total ?? dids.length);
      if (!page.hasMore || page.items.length === 0) return dids;
    }
  }

  /** Every trunk group of the partner, 1,000 per request. */
  async listTrunkGroups(): Promise<TrunkGroup[]> {
    const groups: TrunkGroup[] = [];
    for (let offset = 0; ; ) {
      const page = await this.listPage("trunk_groups", { offset }, { noun: "trunk groups" }, parseGroupItem);
      groups.push(...page.items);
      offset += page.items.length;
      if (!page.hasMore || page.items.length === 0) return groups;
    }
  }

  private async listPage<T>(
    path: string,
    query: { offset: number; filter?: string },
    subject: Subject,
    parse: (item: unknown) => T,
  ): Promise<{ items: T[]; hasMore: boolean; total: number | null }> {
    const searchParams: Record<string, string> = { limit: String(PAGE_LIMIT), offset: String(query.offset) };
    if (query.filter !== undefined) searchParams["filter"] = query.filter;
    const body = (await this.request({ method: "GET", path, searchParams }, subject)) as
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

  private async request(request: HttpRequest, subject: Subject): Promise<unknown> {
    const response = await this.send(request);
    if (response.status >= 200 && response.status < 300) return response.body;
    // A list that is not there (404) says the endpoint is wrong: that is no DID's error.
    if (subject.each && response.status !== 404) {
      throw new SharedReadFailure((sid) => errorFromResponse(response, { noun: "DID", sid }, this.token));
    }
    throw errorFromResponse(response, subject, this.token);
  }
}

function parseDidItem(item: unknown): Did {
  const sid = (item as { did_sid?: unknown } | null)?.did_sid;
  if (typeof sid !== "string") throw malformed("in a list", "it has no did_sid");
  return parseDid(item, sid.toLowerCase());
}

function parseGroupItem(item: unknown): TrunkGroup {
  const group = item as { trunk_group_sid?: unknown; name?: unknown } | null;
  if (typeof group?.trunk_group_sid !== "string" || typeof group.name !== "string") {
    throw new DidrouteError("CarrierX listed a trunk group without trunk_group_sid or name", { system: "CarrierX" });
  }
  return { trunkGroupSid: group.trunk_group_sid.toLowerCase(), name: group.name };
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

/**
Text from an error answer is shown to the user, so anything that echoes the token is masked: CarrierX's error format
is not documented (reference §5.2) and a proxy in between may answer with anything.
*/
function redact(text: string, token: string): string {
  return token === "" ? text : text.split(token).join("[token]");
}

/** CarrierX's `errors[]` (`{field, message, reference_sid}`), reduced to what a person needs. */
function apiErrors(body: unknown, token: string): ApiErrorItem[] {
  const errors = (body as { errors?: unknown } | undefined)?.errors;
  if (!Array.isArray(errors)) return [];
  return errors.map((e: { field?: unknown; message?: unknown; reference_sid?: unknown } | null) => {
    const item: ApiErrorItem = { detail: redact(typeof e?.message === "string" ? e.message : "error", token) };
    if (typeof e?.field === "string" && e.field !== "") item.pointer = redact(e.field, token);
    if (typeof e?.reference_sid === "string" && e.reference_sid !== "") item.reference = redact(e.reference_sid, token);
    return item;
  });
}

/**
What CarrierX said, as one line: its `message` and its error list (`object validation error: trunk group not found
(at trunk_group_sid)`). The reference recommends parsing defensively, so a body of another shape is quoted instead.
*/
function carrierxSaid(body: unknown, errors: ApiErrorItem[], token: string): string {
  const message = (body as { message?: unknown } | undefined)?.message;
  const parts = [typeof message === "string" ? redact(message, token) : "", listErrors(errors)].filter((p) => p !== "");
  if (parts.length > 0) return parts.join(": ");
  // An empty answer, or CarrierX's shape with nothing in it, says nothing more than the status.
  if (body === undefined || body === null) return "";
  if (typeof body === "object" && ("errors" in body || "message" in body || Object.keys(body).length === 0)) return "";
  // Masked before it is shortened, so a cut cannot leave part of the token behind.
  const raw = redact(typeof body === "string" ? body : JSON.stringify(body), token).replace(/\s+/g, " ").trim();
  return raw.length > MAX_QUOTED ? `${raw.slice(0, MAX_QUOTED - 3)}...` : raw;
}

/** The scopes that allow a request (reference §2.1): any one of them is enough. */
function scopesFor(method: string, subject: Subject): string {
  if (subject.noun === "trunk groups") return "trunk_groups.read (or trunk_groups.manage)";
  return method === "GET" ? "phonenumber.read (or phonenumber.manage)" : "phonenumber.update (or phonenumber.manage)";
}

function errorFromResponse(response: HttpResponse, subject: Subject, token: string): DidrouteError {
  const { status, request } = response;
  const errors = apiErrors(response.body, token);
  const details = answerDetails("CarrierX", status, request, errors);
  const said = carrierxSaid(response.body, errors, token);
  // Retries, when there were any, are said last: what was attempted, how often, and why it stopped.
  return new DidrouteError(`${errorMessage(status, request, subject, said)}${response.retries}`, details);
}

function errorMessage(status: number, request: string, subject: Subject, said: string): string {
  const sid = subject.sid;
  const about = sid === undefined ? `listing ${subject.noun}` : `DID ${sid}`;
  switch (status) {
    case 401:
      return (
        `CarrierX rejected the token (401 on ${request}): the token is missing or invalid. ` +
        'Set it with "pulumi config set --secret carrierx:token <token>" or CARRIERX_TOKEN.'
      );
    case 403:
      // CarrierX does not say which: a token without the scope and a DID of another partner both give 403 (§6.2).
      return (
        `CarrierX refused ${request} for ${about} (403${said ? `: ${said}` : ""}): the token lacks the ` +
        `${scopesFor(request.split(" ")[0] ?? "", subject)} scope` +
        (sid === undefined ? "" : ", or the DID belongs to another partner")
      );
    case 404:
      return sid === undefined
        ? `CarrierX has no ${request.split(" ")[1]} (404 on ${request}): check carrierx:endpoint`
        : `CarrierX has no DID ${sid} (404 on ${request}): check the sid and that the DID is rented by this partner`;
    case 422:
      return `CarrierX refused ${request} for ${about} (422)${said ? `: ${said}` : ""}`;
    default:
      return `CarrierX answered ${status} to ${request} for ${about}${said ? `: ${said}` : ""}`;
  }
}

const clientFor = cachedPerSettings((settings: CarrierxSettings) => new CarrierxClient(settings));

export function carrierxClient(): CarrierxClient {
  return clientFor(carrierxSettings());
}
