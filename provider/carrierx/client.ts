import { answerDetails, DidrouteError, listErrors, type ApiErrorItem } from "../errors";
import { cachedPerSettings, createHttpClient, type HttpRequest, type HttpSend } from "../http";
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

/**
The CarrierX Core API v2 client: the only module that knows CarrierX's paths, bodies and error format. One instance
per settings; every call goes through `request`, which maps CarrierX's answers to DidrouteError.
*/
export class CarrierxClient {
  private readonly send: HttpSend;
  private readonly token: string;

  constructor(settings: CarrierxSettings) {
    this.token = settings.token;
    this.send = createHttpClient({
      system: "CarrierX",
      baseUrl: settings.endpoint,
      headers: {
        "content-type": MEDIA_TYPE,
        accept: MEDIA_TYPE,
        authorization: `Bearer ${settings.token}`,
      },
    });
  }

  async getDid(sid: string): Promise<Did> {
    const body = await this.request({ method: "GET", path: didPath(sid) }, sid);
    return parseDid(body, sid);
  }

  /**
  Sets (or, with null, clears) the DID's trunk group in one PATCH whose body holds nothing but `trunk_group_sid`:
  PATCH changes only the fields sent, so nothing else of the DID is touched. Never PUT, which replaces the whole
  object. Returns the DID as CarrierX reports it after the change.
  */
  async setDidTrunkGroup(sid: string, trunkGroupSid: string | null): Promise<Did> {
    const body = await this.request(
      { method: "PATCH", path: didPath(sid), body: { trunk_group_sid: trunkGroupSid } },
      sid,
    );
    return parseDid(body, sid);
  }

  private async request(request: HttpRequest, didSid: string): Promise<unknown> {
    const response = await this.send(request);
    if (response.status >= 200 && response.status < 300) return response.body;
    throw errorFromResponse(response.status, response.body, response.request, didSid, this.token);
  }
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
function scopesFor(method: string): string {
  return method === "GET" ? "phonenumber.read (or phonenumber.manage)" : "phonenumber.update (or phonenumber.manage)";
}

function errorFromResponse(status: number, body: unknown, request: string, sid: string, token: string): DidrouteError {
  const errors = apiErrors(body, token);
  const details = answerDetails("CarrierX", status, request, errors);
  const said = carrierxSaid(body, errors, token);
  switch (status) {
    case 401:
      return new DidrouteError(
        `CarrierX rejected the token (401 on ${request}): the token is missing or invalid. ` +
          'Set it with "pulumi config set --secret carrierx:token <token>" or CARRIERX_TOKEN.',
        details,
      );
    case 403:
      // CarrierX does not say which: a token without the scope and a DID of another partner both give 403 (§6.2).
      return new DidrouteError(
        `CarrierX refused ${request} for DID ${sid} (403${said ? `: ${said}` : ""}): the token lacks the ` +
          `${scopesFor(details.method ?? "")} scope, or the DID belongs to another partner`,
        details,
      );
    case 404:
      return new DidrouteError(
        `CarrierX has no DID ${sid} (404 on ${request}): check the sid and that the DID is rented by this partner`,
        details,
      );
    case 422:
      return new DidrouteError(`CarrierX refused ${request} for DID ${sid} (422)${said ? `: ${said}` : ""}`, details);
    default:
      return new DidrouteError(
        `CarrierX answered ${status} to ${request} for DID ${sid}${said ? `: ${said}` : ""}`,
        details,
      );
  }
}

const clientFor = cachedPerSettings((settings: CarrierxSettings) => new CarrierxClient(settings));

export function carrierxClient(): CarrierxClient {
  return clientFor(carrierxSettings());
}
