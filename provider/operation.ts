import { AsyncLocalStorage } from "node:async_hooks";

/**
One resource operation (a create, read, update or delete) as the requests it makes see it: when it started, so that
retries stop once the operation's time budget is spent, however many requests the operation needs (a DID declared by
number needs a lookup and a PATCH).
*/
interface Operation {
  startedAt: number;
  /** "create", "read", "update" or "delete", for a message about what the operation needed (a token that can only read). */
  name?: string;
}

const current = new AsyncLocalStorage<Operation>();

/** Runs `body` as one operation; requests made outside any operation count from their own start. */
export function inOperation<T>(body: () => Promise<T>, name?: string): Promise<T> {
  return current.run(name === undefined ? { startedAt: Date.now() } : { startedAt: Date.now(), name }, body);
}

export function operationStartedAt(): number | undefined {
  return current.getStore()?.startedAt;
}

/** The name of the running operation ("create", …), undefined outside one (the CLI, a program's lookups). */
export function operationName(): string | undefined {
  return current.getStore()?.name;
}

/**
Runs `body` for operations that share its requests (batch.ts), counted from `startedAt`, the start of the earliest of
them: no retry starts after the first of their budgets is spent. `name` is theirs when they are all the same kind.
*/
export function onBehalfOf<T>(startedAt: number | undefined, name: string | undefined, body: () => Promise<T>): Promise<T> {
  if (startedAt === undefined) return body();
  return current.run(name === undefined ? { startedAt } : { startedAt, name }, body);
}
