import type { CheckFailure } from "./validate";

/**
The operations of one resource kind, with the signatures of Pulumi's dynamic ResourceProvider. The serialized shim
in state forwards each call here (see sdk/shim.ts), so these run as ordinary code inside the provider host.
*/
export interface ResourceOperations<Inputs, Outputs> {
  check(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<{ inputs?: Inputs; failures?: CheckFailure[] }>;
  diff(id: string, olds: Outputs, news: Inputs): Promise<{ changes: boolean; replaces?: string[]; deleteBeforeReplace?: boolean }>;
  create(inputs: Inputs): Promise<{ id: string; outs: Outputs }>;
  /** `inputs` are what exists live; a relationship that is not set is left out, so the next diff shows it. */
  read(id: string, props: Partial<Outputs>): Promise<{ id?: string; props?: Outputs; inputs?: Partial<Inputs> }>;
  update(id: string, olds: Outputs, news: Inputs): Promise<{ outs: Outputs }>;
  delete(id: string, props: Outputs): Promise<void>;
}

/** Logs a line to the person running Pulumi: the host passes a provider's stderr through to the CLI. */
export function notice(message: string): void {
  process.stderr.write(`pulumi-didroute: ${message}\n`);
}

/** What creates found already as declared since the last line was written (see `adoptedAsDeclared`). */
let adopted: string[] = [];

/**
Says that a create found `what` (e.g. "DIDWW DID +16091609123456797") already as declared, and sent no PATCH. Creates
that shared a read finish together, so their names are gathered into one line per turn of the event loop: a
thousand DIDs adopted 64 at a time make about 16 lines, not a thousand.
*/
export function adoptedAsDeclared(what: string): void {
  adopted.push(what);
  if (adopted.length > 1) return;
  setImmediate(() => {
    const names = adopted;
    adopted = [];
    const count = names.length === 1 ? "" : ` (${names.length})`;
    notice(`already as declared, adopted without a PATCH${count}: ${names.join(", ")}`);
  });
}
