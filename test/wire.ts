import nock from "nock";
import { afterAll, afterEach, beforeAll, expect } from "vitest";
import { configure, DidrouteError } from "../provider";

/**
What the wire-test files share: nock in front of every request the provider makes in this process, and the provider's
config as a stack gives it.
*/

/** The stack config the provider's `configure` receives: `values` by fully qualified key (`didww:apiKey`). */
export function useConfig(values: Record<string, string>): void {
  configure({ get: (key) => values[key] });
}

/**
nock for the calling test file: no request leaves the process, and a test fails when a request it expected was not
made (a pending mock), after which the next test starts with no mocks.
*/
export function useNock(): void {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    expect(pending).toEqual([]);
  });
  afterAll(() => nock.restore());
}

/**
The DidrouteError `promise` rejects with (failing the test if it resolves or throws anything else), checked to hold
`secret` in no part a log or a state file could keep: message, stack, or the error serialized.
*/
export async function failureWithout(secret: string, promise: Promise<unknown>): Promise<DidrouteError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DidrouteError);
  const thrown = error as DidrouteError;
  for (const text of [thrown.message, String(thrown.stack), JSON.stringify(thrown)]) expect(text).not.toContain(secret);
  return thrown;
}
