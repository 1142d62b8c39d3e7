import { answerDetails, DidrouteError, listErrors, type ApiErrorItem } from "../errors";
import { cachedPerSettings, createHttpClient, type HttpRequest, type HttpSend } from "../http";
import { didwwSettings, type DidwwSettings } from "../settings";
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

/** What a request is about, for error messages: "DID 9df9…", "trunk group 714e…". */
interface Subject {
  noun: string;
  id: string;
}

/**
The DIDWW API v3 client: the only module that knows DIDWW's paths, bodies and error format. One instance per
settings; every call goes through `request`, which maps DIDWW's answers to DidrouteError.
*/
export class DidwwClient {
  readonly names: DidwwNames;
  private readonly send: HttpSend;

  constructor(settings: DidwwSettings) {
    this.names = namesFor(settings.apiVersion);
    this.send = createHttpClient({
      system: "DIDWW",
      baseUrl: settings.endpoint,
      headers: {
        "content-type": MEDIA_TYPE,
        accept: MEDIA_TYPE,
        "api-key": settings.apiKey,
        "x-didww-api-version": settings.apiVersion,
      },
    });
  }

  /** GET the DID with both routing relationships included: DIDWW returns linkage only for included ones. */
  async getDid(id: string): Promise<Did> {
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
    const { didTrunk, trunkType, didTrunkGroup, trunkGroupType } = this.names;
    const trunk = { [didTrunk]: { data: routing.trunkId ? { type: trunkType, id: routing.trunkId } : null } };
    const group = {
      [didTrunkGroup]: { data: routing.trunkGroupId ? { type: trunkGroupType, id: routing.trunkGroupId } : null },
    };
    // The relationship being set goes first, as in DIDWW's documented examples.
    const relationships = routing.trunkGroupId ? { ...group, ...trunk } : { ...trunk, ...group };
    const body = await this.request(
      { method: "PATCH", path: `dids/${id}`, body: { data: { type: "dids", id, relationships } } },
      { noun: "DID", id },
    );
    return { number: this.parseDidNumber(body, id) };
  }

  async getTrunkGroup(id: string): Promise<TrunkGroup> {
    const { trunkGroupType, groupTrunks } = this.names;
    const body = await this.request(
      { method: "GET", path: `${trunkGroupType}/${id}`, searchParams: { include: groupTrunks } },
      { noun: "trunk group", id },
    );
    const linkage = relationshipData(body, groupTrunks, `trunk group ${id}`);
    if (!Array.isArray(linkage)) throw malformed(`trunk group ${id}`, `${groupTrunks} linkage is not a list`);
    return { id, trunkIds: linkage.map((item) => identifierId(item, `trunk group ${id}`)) };
  }

  /** Replaces the group's whole membership in one PATCH (`[]` empties it). */
  async setTrunkGroupTrunks(id: string, trunkIds: readonly string[]): Promise<void> {
    const { trunkGroupType, groupTrunks, trunkType } = this.names;
    await this.request(
      {
        method: "PATCH",
        path: `${trunkGroupType}/${id}`,
        body: {
          data: {
            id,
            type: trunkGroupType,
            relationships: { [groupTrunks]: { data: trunkIds.map((trunkId) => ({ type: trunkType, id: trunkId })) } },
          },
        },
      },
      { noun: "trunk group", id },
    );
  }

  private async request(request: HttpRequest, subject: Subject): Promise<unknown> {
    const response = await this.send(request);
    if (response.status >= 200 && response.status < 300) return response.body;
    throw errorFromResponse(response.status, response.body, response.request, subject);
  }

  private parseDid(body: unknown, id: string): Did {
    const { didTrunk, didTrunkGroup } = this.names;
    const what = `DID ${id}`;
    const trunk = relationshipData(body, didTrunk, what);
    const group = relationshipData(body, didTrunkGroup, what);
    return {
      id,
      number: this.parseDidNumber(body, id),
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

/** The linkage of an included relationship; DIDWW omits `data` for relationships that were not included. */
function relationshipData(body: unknown, name: string, what: string): unknown {
  const relationship = (body as { data?: { relationships?: Record<string, { data?: unknown }> } } | undefined)?.data
    ?.relationships?.[name];
  if (relationship === undefined || !("data" in relationship)) {
    throw malformed(what, `the answer has no linkage for "${name}" although it was included`);
  }
  return relationship.data ?? null;
}

function identifierId(item: unknown, what: string): string {
  const id = (item as { id?: unknown } | null)?.id;
  if (typeof id !== "string") throw malformed(what, "a relationship entry has no id");
  return id.toLowerCase();
}

function malformed(what: string, problem: string): DidrouteError {
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

function errorFromResponse(status: number, body: unknown, request: string, subject: Subject): DidrouteError {
  const errors = apiErrors(body);
  const details = answerDetails("DIDWW", status, request, errors);
  const listed = listErrors(errors);
  switch (status) {
    case 401:
      return new DidrouteError(
        `DIDWW rejected the API key (401 on ${request}): the key is missing or invalid. ` +
          'Set it with "pulumi config set --secret didww:apiKey <key>" or DIDWW_API_KEY.',
        details,
      );
    case 404:
      return new DidrouteError(
        `DIDWW has no ${subject.noun} ${subject.id} (404 on ${request}): check the id and that it belongs to this account`,
        details,
      );
    case 422:
      return new DidrouteError(`DIDWW refused ${request} for ${subject.noun} ${subject.id} (422): ${listed}`, details);
    default:
      return new DidrouteError(
        `DIDWW answered ${status} to ${request} for ${subject.noun} ${subject.id}${listed ? `: ${listed}` : ""}`,
        details,
      );
  }
}

const clientFor = cachedPerSettings((settings: DidwwSettings) => new DidwwClient(settings));

export function didwwClient(): DidwwClient {
  return clientFor(didwwSettings());
}
