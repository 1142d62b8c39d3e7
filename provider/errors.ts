/** The API a failure came from, as users name it. */
export type ApiSystem = "DIDWW" | "CarrierX";

/** One error object as the API reported it (DIDWW's JSON:API `errors[]`, CarrierX's `errors[]`). */
export interface ApiErrorItem {
  /** The human-readable reason (`detail` at DIDWW, `message` at CarrierX). */
  detail: string;
  /** Where in the request the API found the problem (`source.pointer` at DIDWW, `field` at CarrierX). */
  pointer?: string;
}

export interface DidrouteErrorDetails {
  system: ApiSystem;
  /** The HTTP status, when the API answered. */
  status?: number;
  method?: string;
  /** The request path, without host or query (never carries credentials). */
  path?: string;
  /** Node's or got's error code for transport failures (ECONNREFUSED, ETIMEDOUT, ...). */
  code?: string;
  errors?: ApiErrorItem[];
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

export function isNotFound(error: unknown): boolean {
  return error instanceof DidrouteError && error.status === 404;
}
