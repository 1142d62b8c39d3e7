import { AsyncLocalStorage } from "node:async_hooks";

/**
One resource operation (a create, read, update or delete) as the requests it makes see it: when it started, so that
retries stop once the operation's time budget is spent, however many requests the operation needs (a DID declared by
number needs a lookup and a PATCH).
*/
interface Operation {
  startedAt: number;
}

const current = new AsyncLocalStorage<Operation>();

/** Runs `body` as one operation; requests made outside any operation count from their own start. */
export function inOperation<T>(body: () => Promise<T>): Promise<T> {
  return current.run({ startedAt: Date.now() }, body);
}

export function operationStartedAt(): number | undefined {
  return current.getStore()?.startedAt;
}

/**
Runs `body` for operations that share its requests (batch.ts), counted from `startedAt`, the start of the earliest of
them: no retry starts after the first of their budgets is spent.
*/
export function onBehalfOf<T>(startedAt: number | undefined, body: () => Promise<T>): Promise<T> {
  return startedAt === undefined ? body() : current.run({ startedAt }, body);
}
