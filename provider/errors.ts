/** The API a failure came from, as users name it. */
export type ApiSystem = "DIDWW" | "CarrierX";

/** One error object as the API reported it (DIDWW's JSON:API `errors[]`, CarrierX's `errors[]`). */
export interface ApiErrorItem {
  /** The human-readable reason (`detail` at DIDWW, `message` at CarrierX). */
  detail: string;
  /** Where in the request the API found the problem (`source.pointer` at DIDWW, `field` at CarrierX). */
  pointer?: string;
  /** The object the API says the problem concerns (`reference_sid` at CarrierX; DIDWW has no such field). */
  reference?: string;
}

export interface DidrouteErrorDetails {
  /** The API a failure came from; absent for a problem of the routing file itself. */
  system?: ApiSystem;
  /** The HTTP status, when the API answered. */
  status?: number;
  method?: string;
  /** The request path, without host or query (never carries credentials). */
  path?: string;
  /** Node's or got's error code for transport failures (ECONNREFUSED, ETIMEDOUT, ...). */
  code?: string;
  errors?: ApiErrorItem[];
  /** A routing file's problems, each as `file:line:col: message` (also the lines of the message). */
  problems?: string[];
}

/**
The one error type of the package. Its message is what a person reads in `pulumi up`; it names the object and the
request, and it is built only from data that cannot hold a credential (no headers, no got options), which is also why
it never wraps got's own error as `cause`: that object carries the request headers.
*/
export class DidrouteError extends Error {
  override readonly name = "DidrouteError";
  readonly details: DidrouteErrorDetails;

  constructor(message: string, details: DidrouteErrorDetails) {
    super(message);
    this.details = details;
  }

  get status(): number | undefined {
    return this.details.status;
  }
}

/** How every client shows an API's error list: `detail (at pointer, reference …)`, joined with "; ". */
export function listErrors(errors: readonly ApiErrorItem[]): string {
  return errors
    .map((e) => {
      const where = [e.pointer && `at ${e.pointer}`, e.reference && `reference ${e.reference}`].filter(Boolean);
      return where.length > 0 ? `${e.detail} (${where.join(", ")})` : e.detail;
    })
    .join("; ");
}

/** The details of an error answer; `request` is HttpResponse's `METHOD /path`. */
export function answerDetails(
  system: ApiSystem,
  status: number,
  request: string,
  errors: ApiErrorItem[],
): DidrouteErrorDetails {
  const [method = "", path = ""] = request.split(" ");
  return { system, status, method, path, errors };
}

export function isNotFound(error: unknown): boolean {
  return error instanceof DidrouteError && error.status === 404;
}
