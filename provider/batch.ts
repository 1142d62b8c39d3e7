import { AsyncResource } from "node:async_hooks";
import { inTakenSlot } from "./http";
import { onBehalfOf, operationName, operationStartedAt } from "./operation";

/**
Reads shared by the concurrent operations of one provider process.

Pulumi runs a deployment's operations concurrently in one provider process (16 at a time by default on a 4-core
runner), and every request waits for a slot of the rate limiter of its API and credential (http.ts). So the slot is
the window: the reads queued when it comes go out together, as one request for up to `max` objects
(`GET /v3/dids?filter[id]=a,b,…`), and a refresh of 1,000 DIDs costs about 1,000 / 16 requests instead of 1,000. A
read alone in the queue costs the one request it always did (`one`, e.g. `GET /v3/dids/{id}`), and waits for nothing
but its slot.

Creates and deletes read as well, to leave out a PATCH that would change nothing, but for them a read is worth its
request only when it is shared. One that is alone when the slot comes gets the slot for the PATCH it then sends at
once (`readUnlessAlone`), and costs exactly one request, as before.

Error meaning does not change: an object missing from a shared answer is gone, for that object alone (`undefined`);
a failed request fails every operation that waited for it, each with the error about its own object when `many`
says how (SharedReadFailure), after the retries http.ts makes.
*/
export interface SharedReadsOptions<V> {
  /** Waits for the next slot of the client's rate limiter (HttpSend.slot). */
  slot(): Promise<void>;
  /** The most objects one request may ask for. */
  max: number;
  /** Reads one object; undefined when it is gone. */
  one(key: string): Promise<V | undefined>;
  /** Reads several objects in one request (or as few as the API allows); those gone are absent from the map. */
  many(keys: string[]): Promise<Map<string, V>>;
}

/** What a create or delete learns: the object as it is now (undefined: gone), or, alone, what its write returned. */
export type ReadOrWrote<V, W> = { live: V | undefined } | { wrote: W };

/**
A shared request that failed: each operation that waited for it gets `errorFor(key)`, the error about its own object
(`DIDWW answered 503 to GET /v3/dids for DID 9df9…`).
*/
export class SharedReadFailure extends Error {
  constructor(readonly errorFor: (key: string) => Error) {
    super("a shared read failed");
  }
}

interface Waiting<V> {
  key: string;
  /** A create's or delete's write, bound to its operation, run in the taken slot when the operation is alone. */
  write?: () => Promise<unknown>;
  startedAt: number | undefined;
  /** The operation's kind ("read", "create", …), for messages about what it needed. */
  name: string | undefined;
  resolve(outcome: ReadOrWrote<V, unknown>): void;
  reject(error: unknown): void;
}

export class SharedReads<V> {
  private queue: Waiting<V>[] = [];
  /** Whether a slot has been asked for that will serve the queue. */
  private asked = false;

  constructor(private readonly options: SharedReadsOptions<V>) {}

  /** The object as it is now; undefined when it is gone. */
  async read(key: string): Promise<V | undefined> {
    const outcome = await new Promise<ReadOrWrote<V, unknown>>((resolve, reject) => this.enqueue({ key, resolve, reject }));
    return "live" in outcome ? outcome.live : undefined;
  }

  /**
  The object as it is now, read with others; or, when no other operation is waiting for the same slot, nothing read:
  `write` is sent in that slot instead and its result returned.
  */
  readUnlessAlone<W>(key: string, write: () => Promise<W>): Promise<ReadOrWrote<V, W>> {
    // Bound to the caller's operation (its time budget), then given the slot.
    const bound = AsyncResource.bind(() => inTakenSlot(write));
    return new Promise((resolve, reject) =>
      this.enqueue({ key, write: bound, resolve: resolve as Waiting<V>["resolve"], reject }),
    );
  }

  private enqueue(entry: Omit<Waiting<V>, "startedAt" | "name">): void {
    this.queue.push({ ...entry, startedAt: operationStartedAt(), name: operationName() });
    this.ask();
  }

  private ask(): void {
    if (this.asked || this.queue.length === 0) return;
    this.asked = true;
    this.options
      .slot()
      // Operations that arrived with the one that asked (in the same turn of the event loop) join it.
      .then(() => new Promise<void>((resolve) => setImmediate(resolve)))
      .then(
        () => {
          const batch = this.take();
          try {
            this.serve(batch);
          } catch (error) {
            // Whatever went wrong, no operation is left waiting for an answer that will not come.
            batch.forEach((entry) => entry.reject(error));
          }
        },
        (error: unknown) => this.take().forEach((entry) => entry.reject(error)),
      )
      .finally(() => {
        this.asked = false;
        // What is left (over `max` objects) or arrived since waits for the next slot.
        this.ask();
      });
  }

  /** The waiting operations of the first `max` distinct objects, in arrival order. */
  private take(): Waiting<V>[] {
    const keys = new Set<string>();
    const taken: Waiting<V>[] = [];
    const left: Waiting<V>[] = [];
    for (const entry of this.queue) {
      if (keys.has(entry.key) || keys.size < this.options.max) {
        keys.add(entry.key);
        taken.push(entry);
      } else {
        left.push(entry);
      }
    }
    this.queue = left;
    return taken;
  }

  /** Sends the batch's one request in the slot taken for it; the answers settle in the background. */
  private serve(batch: Waiting<V>[]): void {
    const [first] = batch;
    if (first === undefined) return;
    if (batch.length === 1 && first.write !== undefined) {
      first.write().then((wrote) => first.resolve({ wrote }), first.reject);
      return;
    }
    const keys = [...new Set(batch.map((entry) => entry.key))];
    const starts = batch.map((entry) => entry.startedAt).filter((start) => start !== undefined);
    const startedAt = starts.length > 0 ? Math.min(...starts) : undefined;
    const names = new Set(batch.map((entry) => entry.name));
    const [name] = names.size === 1 ? names : [undefined];
    const read = async (): Promise<Map<string, V>> => {
      if (keys.length > 1) return this.options.many(keys);
      const [key] = keys as [string];
      const value = await this.options.one(key);
      return new Map(value === undefined ? [] : [[key, value]]);
    };
    onBehalfOf(startedAt, name, () => inTakenSlot(read)).then(
      (found) => batch.forEach((entry) => entry.resolve({ live: found.get(entry.key) })),
      (error: unknown) =>
        batch.forEach((entry) => entry.reject(error instanceof SharedReadFailure ? error.errorFor(entry.key) : error)),
    );
  }
}
