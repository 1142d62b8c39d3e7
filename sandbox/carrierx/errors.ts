/**
CarrierX's errors: `{message, errors: [{field, message, reference_sid}]}`, the shape the project's CarrierX
reference calls plausible (CarrierX has not documented it). Request handling throws an ApiError; the server answers
it with its status and headers.
*/

export interface FieldError {
  field: string;
  message: string;
  reference_sid: string | null;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors: FieldError[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** The body of an error answer. */
export const errorBody = (message: string, errors: readonly FieldError[] = []): object => ({ message, errors });

/** A sid in the path that names no object of the partner's. */
export const itemNotFound = (): ApiError => new ApiError(404, "Cannot find item by SID");

export const validation = (errors: FieldError[]): ApiError => new ApiError(422, "object validation error", errors);

/** A bad query argument: `field` names the argument, so clients that print `errors[]` show what to fix. */
export const badQuery = (field: string, message: string): ApiError =>
  new ApiError(400, "Bad Request", [{ field, message, reference_sid: null }]);
