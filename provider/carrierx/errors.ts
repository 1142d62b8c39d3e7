/**
CarrierX's answers as the errors a person reads: the one place that knows CarrierX's error body (reference §5.2,
undocumented, parsed defensively), its scopes (§2.1) and what each status means for the object a request is about.
*/
import { answerDetails, DidrouteError, listErrors, type ApiErrorItem } from "../errors";
import type { HttpResponse } from "../http";

/** Longest stretch of an unrecognised error body quoted in a message. */
const MAX_QUOTED = 200;

/** What a request is about, for its error messages. */
export interface Subject {
  /** For "refused … for <about>": `DID e8df…`, `trunk group c7ea…`, `listing trunk groups`. */
  about: string;
  /** The scope family the request needs (reference §2.1). */
  scope: "phonenumber" | "trunk_groups" | "trunk_groups.trunks";
  /**
  What a 404 means and what to check, for a request about one object (`DID e8df…`, `check the sid and …`); absent
  for a list of the account's objects, where a 404 means the endpoint is wrong.
  */
  notFound?: { missing: string; check: string };
  /** For a 403 about one object: it may belong to another partner (`the DID`). */
  owned?: string;
}

export const didSubject = (sid: string): Subject => ({
  about: `DID ${sid}`,
  scope: "phonenumber",
  notFound: { missing: `DID ${sid}`, check: "check the sid and that the DID is rented by this partner" },
  owned: "the DID",
});

/** `name`, when known, is shown with the sid: `trunk group c7ea… ("us-east")`. */
const named = (sid: string, name: string | undefined): string => (name === undefined ? sid : `${sid} (${JSON.stringify(name)})`);

export const groupSubject = (sid: string, name?: string): Subject => ({
  about: `trunk group ${named(sid, name)}`,
  scope: "trunk_groups",
  notFound: { missing: `trunk group ${named(sid, name)}`, check: "check the sid and that the trunk group belongs to this partner" },
  owned: "the trunk group",
});

/** The trunks of one group (listing them, creating one): a 404 means the group is missing. */
export const groupTrunksSubject = (groupSid: string): Subject => ({
  about: `the trunks of trunk group ${groupSid}`,
  scope: "trunk_groups.trunks",
  notFound: { missing: `trunk group ${groupSid}`, check: "check trunkGroupSid and that the group belongs to this partner" },
  owned: "the trunk group",
});

export const trunkSubject = (groupSid: string, sid: string, name?: string): Subject => ({
  about: `trunk ${named(sid, name)} of trunk group ${groupSid}`,
  scope: "trunk_groups.trunks",
  notFound: { missing: `trunk ${named(sid, name)} in trunk group ${groupSid}`, check: "the trunk or its group was deleted" },
  owned: "the trunk",
});

/** Creating a trunk group: a 404 means the endpoint is wrong. */
export const NEW_GROUP: Subject = { about: "a new trunk group", scope: "trunk_groups" };

export const listSubject = (noun: string, scope: Subject["scope"]): Subject => ({ about: `listing ${noun}`, scope });

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

const ACTIONS: Readonly<Record<string, string>> = { GET: "read", POST: "create", PATCH: "update", PUT: "update", DELETE: "delete" };

/** The scopes that allow a request (reference §2.1): any one of them is enough. */
function scopesFor(method: string, subject: Subject): string {
  return `${subject.scope}.${ACTIONS[method] ?? "manage"} (or ${subject.scope}.manage)`;
}

export function errorFromResponse(response: HttpResponse, subject: Subject, token: string): DidrouteError {
  const { status, request } = response;
  const errors = apiErrors(response.body, token);
  const details = answerDetails("CarrierX", status, request, errors);
  const said = carrierxSaid(response.body, errors, token);
  // Retries, when there were any, are said last: what was attempted, how often, and why it stopped.
  return new DidrouteError(`${errorMessage(status, request, subject, said)}${response.retries}`, details);
}

function errorMessage(status: number, request: string, subject: Subject, said: string): string {
  const [method = "", path = ""] = request.split(" ");
  switch (status) {
    case 401:
      return (
        `CarrierX rejected the token (401 on ${request}): the token is missing or invalid. ` +
        'Set it with "pulumi config set --secret carrierx:token <token>" or CARRIERX_TOKEN.'
      );
    case 403:
      // CarrierX does not say which: a token without the scope and another partner's object both give 403 (§6.2).
      return (
        `CarrierX refused ${request} for ${subject.about} (403${said ? `: ${said}` : ""}): the token lacks the ` +
        `${scopesFor(method, subject)} scope` +
        (subject.owned === undefined ? "" : `, or ${subject.owned} belongs to another partner`)
      );
    case 404:
      return subject.notFound === undefined
        ? `CarrierX has no ${path} (404 on ${request}): check carrierx:endpoint`
        : `CarrierX has no ${subject.notFound.missing} (404 on ${request}): ${subject.notFound.check}`;
    case 422:
      return `CarrierX refused ${request} for ${subject.about} (422)${said ? `: ${said}` : ""}`;
    default:
      return `CarrierX answered ${status} to ${request} for ${subject.about}${said ? `: ${said}` : ""}`;
  }
}
