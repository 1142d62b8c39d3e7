import type { Host } from "./host";
import { HostPool, startConfigured, type HostKey } from "./hosts";
import { annotate, encrypted, isSecret, recorded, reveal } from "./secrets";

export { HostPool };

/**
A small stand-in for the Pulumi engine: it keeps a stack's state between phases and, for each phase, runs the
phase in a dynamic-provider host (a fresh one per phase, as every `pulumi up`, `refresh` and `destroy` starts, or one
shared through a HostPool where that cannot make a difference: see hosts.ts) and sends the RPCs the engine would, in
the engine's order: Configure first; Check then Diff then Create/Update for each declared resource; Read on
refresh; deletes of removed or replaced resources last.
*/
export interface Declared {
  name: string;
  /** e.g. "didww:DidTrunkAssignment" */
  kind: string;
  /** Secret values wrapped with `secret()` (host.ts), as the SDK sends a program's secrets. */
  inputs: Record<string, unknown>;
  /** The resource's `additionalSecretOutputs`, as its SDK class registers them. */
  secretOutputs?: readonly string[];
}

/** Inputs and outputs as the engine keeps them: secret values wrapped, i.e. encrypted in the state file. */
export interface StateEntry {
  urn: string;
  kind: string;
  id: string;
  inputs: Record<string, any>;
  outputs: Record<string, any>;
  secretOutputs?: readonly string[];
}

export interface Step {
  op: "create" | "update" | "same" | "replace" | "delete" | "refresh" | "gone";
  name: string;
}

export interface Failure {
  name: string;
  rpc: string;
  message: string;
  failures?: { property: string; reason: string }[];
}

export interface PhaseResult {
  steps: Step[];
  failures: Failure[];
  /** What the host printed during the phase. */
  log: string;
}

export interface EngineOptions {
  /** The Pulumi project directory: the host's cwd, where the package and @pulumi/pulumi resolve. */
  cwd: string;
  /** The `__provider` text of each kind, as the program serialized it. */
  providers: Record<string, string>;
  /** Stack config sent with Configure (values already wrapped with `secret()` where the CLI would). */
  config: Record<string, unknown>;
  /** The environment of the host process, which the CLI passes through from the user's shell. */
  env: Record<string, string | undefined>;
  /** Hosts shared with the file's other phases and stacks; without a pool every phase starts its own host. */
  hosts?: HostPool;
  /**
  Phases that start a host of their own even with a pool, as the CLI does for every command: refresh and destroy then
  run the provider text stored in state, in a process that never ran the program.
  */
  newHostFor?: readonly ("refresh" | "destroy")[];
}

/** The host a phase runs in, and how the phase tells the pool that it sent a Create or Update. */
interface Deployment {
  host: Host;
  wrote(): void;
}

/**
Runs `task` for every item, at most `parallel` at once (the engine's `--parallel`), and answers the results in the
items' order, whatever order they finished in.
*/
async function inParallel<T, R>(items: readonly T[], parallel: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(parallel, items.length)) }, worker));
  return results;
}

/** What one resource's step of a phase did, applied to the result and the state in the resources' order. */
interface Outcome {
  step?: Step;
  failure?: Failure;
  apply?: () => void;
}

function urnOf(kind: string, name: string): string {
  const [module, type] = kind.split(":");
  return `urn:pulumi:test::didroute::pulumi-nodejs:dynamic/${module}:${type}::${name}`;
}

export class Engine {
  readonly state = new Map<string, StateEntry>();

  constructor(private readonly options: EngineOptions) {}

  /**
  Runs one phase. `deletes` says whether the phase will send a Delete; it is asked only of a shared host that has
  already run a Create or Update, and may send Check and Diff (which change nothing) to find out.
  */
  private async phase(
    name: "up" | "refresh" | "destroy",
    deletes: (host: Host) => Promise<boolean>,
    body: (deployment: Deployment, result: PhaseResult) => Promise<void>,
  ): Promise<PhaseResult> {
    const result: PhaseResult = { steps: [], failures: [], log: "" };
    const key: HostKey = { cwd: this.options.cwd, env: this.options.env, config: this.options.config };
    const pool = this.options.hosts;
    if (pool === undefined) {
      const host = await startConfigured(key);
      try {
        await body({ host, wrote: () => {} }, result);
      } finally {
        await host.close();
        result.log = host.output();
      }
      return result;
    }
    let lease = await pool.lease(key);
    const renew = name !== "up" && this.options.newHostFor?.includes(name) === true;
    if (renew || (lease.wrote && (await deletes(lease.host)))) lease = await pool.renew(key);
    const { host } = lease;
    const from = host.output().length;
    try {
      await body({ host, wrote: () => (lease.wrote = true) }, result);
    } finally {
      await host.drain();
      result.log = host.output().slice(from);
    }
    return result;
  }

  /** Check then Diff, as `up` sends them: whether `declared` replaces or removes anything the state holds. */
  private async replacesOrRemoves(host: Host, declared: Declared[]): Promise<boolean> {
    const declaredUrns = new Set(declared.map((resource) => urnOf(resource.kind, resource.name)));
    if ([...this.state.keys()].some((urn) => !declaredUrns.has(urn))) return true;
    for (const resource of declared) {
      const old = this.state.get(urnOf(resource.kind, resource.name));
      if (old === undefined) continue;
      const checked = await this.check(host, resource, old).catch(() => undefined);
      if (checked === undefined || "failures" in checked) continue; // nothing is sent for it
      const response = await this.diff(host, old, checked.inputs);
      if (response.getReplacesList().length > 0) return true;
    }
    return false;
  }

  private async check(
    host: Host,
    resource: Declared,
    old: StateEntry | undefined,
  ): Promise<{ inputs: Record<string, any> } | { failures: { property: string; reason: string }[] }> {
    const { provider, Struct } = host.proto;
    const check = new provider.CheckRequest();
    check.setUrn(urnOf(resource.kind, resource.name));
    check.setOlds(Struct.fromJavaScript(reveal(old?.inputs ?? {})));
    check.setNews(Struct.fromJavaScript({ ...reveal(resource.inputs), __provider: this.provider(resource.kind) }));
    const response = await host.rpc("check", check);
    const failures = response.getFailuresList().map((f: any) => ({ property: f.getProperty(), reason: f.getReason() }));
    return failures.length > 0 ? { failures } : { inputs: annotate(response.getInputs().toJavaScript(), resource.inputs) };
  }

  private diff(host: Host, old: StateEntry, inputs: Record<string, any>): Promise<any> {
    const { provider, Struct } = host.proto;
    const diff = new provider.DiffRequest();
    diff.setUrn(old.urn);
    diff.setId(old.id);
    diff.setOlds(Struct.fromJavaScript(reveal(old.outputs)));
    diff.setNews(Struct.fromJavaScript(reveal(inputs)));
    diff.setOldInputs(Struct.fromJavaScript(reveal(old.inputs)));
    return host.rpc("diff", diff);
  }

  private provider(kind: string): string {
    const text = this.options.providers[kind];
    if (!text) throw new Error(`no captured provider for ${kind}`);
    return text;
  }

  /**
  `pulumi up` (or `pulumi preview` with `dryRun`, which stops after Check and Diff). `parallel` is `--parallel`: how
  many resources are checked, diffed and created or updated at once (1 by default: one after the other), and then
  how many deletes are sent at once.
  */
  up(declared: Declared[], { dryRun = false, parallel = 1 } = {}): Promise<PhaseResult> {
    const deletes = async (host: Host) => !dryRun && (await this.replacesOrRemoves(host, declared));
    return this.phase("up", deletes, async ({ host, wrote }, result) => {
      const { provider, Struct } = host.proto;
      const toDelete: { name: string; entry: StateEntry }[] = [];
      const declaredUrns = new Set(declared.map((resource) => urnOf(resource.kind, resource.name)));
      const outcomes = await inParallel(declared, parallel, async (resource): Promise<Outcome & { replaced?: StateEntry }> => {
        const urn = urnOf(resource.kind, resource.name);
        const old = this.state.get(urn);
        let inputs: Record<string, any>;
        try {
          const checked = await this.check(host, resource, old);
          if ("failures" in checked) {
            return { failure: { name: resource.name, rpc: "check", message: "check failed", failures: checked.failures } };
          }
          inputs = checked.inputs;
        } catch (error) {
          return { failure: { name: resource.name, rpc: "check", message: (error as any).details } };
        }

        let op: Step["op"] = "create";
        let deleteFirst = false;
        if (old) {
          const response = await this.diff(host, old, inputs);
          const changes = response.getChanges();
          if (changes === provider.DiffResponse.DiffChanges.DIFF_NONE) op = "same";
          else op = response.getReplacesList().length > 0 ? "replace" : "update";
          deleteFirst = op === "replace" && response.getDeletebeforereplace();
        }
        const step = { op, name: resource.name };
        if (dryRun || op === "same") return { step };
        wrote();
        // A delete-before-replace replacement (the provider asked for it) deletes the old resource first; the state
        // then holds neither until the create succeeds.
        let deletedFirst = false;
        const dropOld = () => {
          if (deletedFirst) this.state.delete(urn);
        };
        try {
          const secretOutputs = resource.secretOutputs;
          if (op === "update") {
            const update = new provider.UpdateRequest();
            update.setUrn(urn);
            update.setId(old!.id);
            update.setOlds(Struct.fromJavaScript(reveal(old!.outputs)));
            update.setNews(Struct.fromJavaScript(reveal(inputs)));
            const response = await host.rpc("update", update);
            const outputs = recorded(response.getProperties().toJavaScript(), inputs, secretOutputs);
            return { step, apply: () => this.state.set(urn, { ...old!, inputs, outputs, secretOutputs }) };
          }
          if (old && deleteFirst) {
            await this.deleteEntry(host, old);
            deletedFirst = true;
          }
          // create, or the create half of a replacement
          const create = new provider.CreateRequest();
          create.setUrn(urn);
          create.setProperties(Struct.fromJavaScript(reveal(inputs)));
          const response = await host.rpc("create", create);
          const outputs = recorded(response.getProperties().toJavaScript(), inputs, secretOutputs);
          const entry = { urn, kind: resource.kind, id: response.getId(), inputs, outputs, secretOutputs };
          return {
            step,
            apply: () => {
              dropOld();
              this.state.set(urn, entry);
            },
            ...(old && !deleteFirst ? { replaced: old } : {}),
          };
        } catch (error) {
          return { step, failure: { name: resource.name, rpc: op, message: (error as any).details }, apply: dropOld };
        }
      });
      declared.forEach((resource, index) => {
        const { step, failure, apply, replaced } = outcomes[index]!;
        if (step) result.steps.push(step);
        if (failure) result.failures.push(failure);
        apply?.();
        if (replaced) toDelete.push({ name: resource.name, entry: replaced });
      });
      if (dryRun) return;
      for (const [urn, entry] of this.state) {
        if (!declaredUrns.has(urn)) toDelete.push({ name: urn.split("::").pop()!, entry });
      }
      // The engine deletes removed and replaced resources after every create and update.
      await this.deleteAll(host, toDelete, parallel, result);
    });
  }

  /** Deletes `entries`, `parallel` at once, recording each as a step (or a failure) in the entries' order. */
  private async deleteAll(
    host: Host,
    entries: { name: string; entry: StateEntry }[],
    parallel: number,
    result: PhaseResult,
  ): Promise<void> {
    const outcomes = await inParallel(entries, parallel, async ({ name, entry }): Promise<Outcome> => {
      try {
        await this.deleteEntry(host, entry);
        const apply = () => {
          if (this.state.get(entry.urn) === entry) this.state.delete(entry.urn);
        };
        return { step: { op: "delete", name }, apply };
      } catch (error) {
        return { failure: { name, rpc: "delete", message: (error as any).details } };
      }
    });
    for (const { step, failure, apply } of outcomes) {
      if (step) result.steps.push(step);
      if (failure) result.failures.push(failure);
      apply?.();
    }
  }

  /**
  `pulumi preview`, or with `refresh` `pulumi preview --refresh`: the reads refresh a copy of the state, and Check and
  Diff run against it; preview saves nothing. `--expect-no-changes` fails exactly when `changes(result)` is not empty.
  */
  async preview(declared: Declared[], { refresh = false, parallel = 1 } = {}): Promise<PhaseResult> {
    const saved = new Map(this.state);
    try {
      const refreshed = refresh ? await this.refresh({ parallel }) : { steps: [], failures: [], log: "" };
      const previewed = await this.up(declared, { dryRun: true, parallel });
      return {
        steps: [...refreshed.steps, ...previewed.steps],
        failures: [...refreshed.failures, ...previewed.failures],
        log: refreshed.log + previewed.log,
      };
    } finally {
      this.state.clear();
      for (const [urn, entry] of saved) this.state.set(urn, entry);
    }
  }

  /**
  `pulumi refresh`: Read with the last outputs and inputs; an empty id drops the resource from state. `parallel`
  reads are sent at once (1 by default).
  */
  refresh({ parallel = 1 } = {}): Promise<PhaseResult> {
    return this.phase("refresh", async () => false, async ({ host }, result) => {
      const { provider, Struct } = host.proto;
      const outcomes = await inParallel([...this.state], parallel, async ([urn, entry]): Promise<Outcome> => {
        const name = urn.split("::").pop()!;
        const read = new provider.ReadRequest();
        read.setUrn(urn);
        read.setId(entry.id);
        read.setProperties(Struct.fromJavaScript(reveal(entry.outputs)));
        read.setInputs(Struct.fromJavaScript(reveal(entry.inputs)));
        try {
          const response = await host.rpc("read", read);
          if (response.getId() === "") return { step: { op: "gone", name }, apply: () => this.state.delete(urn) };
          const inputs = response.getInputs()?.toJavaScript();
          const refreshed = {
            ...entry,
            id: response.getId(),
            outputs: recorded(response.getProperties().toJavaScript(), entry.outputs, entry.secretOutputs),
            inputs: inputs === undefined ? entry.inputs : annotate(inputs, entry.inputs),
          };
          return { step: { op: "refresh", name }, apply: () => this.state.set(urn, refreshed) };
        } catch (error) {
          return { failure: { name, rpc: "read", message: (error as any).details } };
        }
      });
      for (const { step, failure, apply } of outcomes) {
        if (step) result.steps.push(step);
        if (failure) result.failures.push(failure);
        apply?.();
      }
    });
  }

  /** `pulumi destroy`, last created first; `parallel` deletes at once (1 by default). */
  destroy({ parallel = 1 } = {}): Promise<PhaseResult> {
    return this.phase("destroy", async () => this.state.size > 0, async ({ host }, result) => {
      const entries = [...this.state].reverse().map(([urn, entry]) => ({ name: urn.split("::").pop()!, entry }));
      await this.deleteAll(host, entries, parallel, result);
    });
  }

  private async deleteEntry(host: Host, entry: StateEntry): Promise<void> {
    const { provider, Struct } = host.proto;
    const request = new provider.DeleteRequest();
    request.setUrn(entry.urn);
    request.setId(entry.id);
    request.setProperties(Struct.fromJavaScript(reveal(entry.outputs)));
    await host.rpc("delete", request);
  }

  /** A resource's outputs as the engine holds them: secret values still wrapped (see `revealed`). */
  output(name: string, kind: string): Record<string, any> | undefined {
    return this.state.get(urnOf(kind, name))?.outputs;
  }

  /** The outputs with secrets unwrapped, as a program's `.apply` sees them. */
  revealed(name: string, kind: string): Record<string, any> | undefined {
    const outputs = this.output(name, kind);
    return outputs && reveal(outputs);
  }

  /** The state as the state file holds it: every secret encrypted, everything else in plain text. */
  plaintext(): string {
    return JSON.stringify(encrypted([...this.state.values()]));
  }
}


/** The steps that count as changes for `--expect-no-changes`: anything but "same" and a refresh's reads. */
export function changes(result: PhaseResult): Step[] {
  return result.steps.filter((step) => step.op !== "same" && step.op !== "refresh");
}
