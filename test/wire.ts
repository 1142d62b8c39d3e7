import nock from "nock";
import { afterAll, afterEach, beforeAll, expect } from "vitest";
import { configure } from "../provider";

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
