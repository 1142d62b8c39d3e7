import { afterEach, beforeAll, beforeEach } from "vitest";
import * as path from "node:path";
import { captureProviders, startHost, type Host } from "./host";

export { captureProviders };

/**
A small stand-in for the Pulumi engine: it keeps a stack's state between phases and, for each phase, starts a fresh
dynamic-provider host (as every `pulumi up`, `refresh` and `destroy` does) and sends the RPCs the engine would, in
the engine's order: Configure first; Check then Diff then Create/Update for each declared resource; Read on
refresh; deletes of removed or replaced resources last.
*/
export interface Declared {
  name: string;
  /** e.g. "didww:DidTrunkAssignment" */
  kind: string;
  inputs: Record<string, unknown>;
}

export interface StateEntry {
  urn: string;
  kind: string;
  id: string;
  inputs: Record<string, any>;
  outputs: Record<string, any>;
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
}

function urnOf(kind: string, name: string): string {
  const [module, type] = kind.split(":");
  return `urn:pulumi:test::didroute::pulumi-nodejs:dynamic/${module}:${type}::${name}`;
}

export class Engine {
  readonly state = new Map<string, StateEntry>();

  constructor(private readonly options: EngineOptions) {}

  private async phase(body: (host: Host, result: PhaseResult) => Promise<void>): Promise<PhaseResult> {
    const host = await startHost(this.options.cwd, this.options.env);
    const result: PhaseResult = { steps: [], failures: [], log: "" };
    try {
      const request = new host.proto.provider.ConfigureRequest();
      request.setArgs(host.proto.Struct.fromJavaScript(this.options.config));
      await host.rpc("configure", request);
      await body(host, result);
    } finally {
      await host.close();
      result.log = host.output();
    }
    return result;
  }

  private provider(kind: string): string {
    const text = this.options.providers[kind];
    if (!text) throw new Error(`no captured provider for ${kind}`);
    return text;
  }

  /** `pulumi up` (or `pulumi preview` with `dryRun`, which stops after Check and Diff). */
  up(declared: Declared[], { dryRun = false } = {}): Promise<PhaseResult> {
    return this.phase(async (host, result) => {
      const { provider, Struct } = host.proto;
      const toDelete: { name: string; entry: StateEntry }[] = [];
      const declaredUrns = new Set<string>();
      for (const resource of declared) {
        const urn = urnOf(resource.kind, resource.name);
        declaredUrns.add(urn);
        const old = this.state.get(urn);
        const news = { ...resource.inputs, __provider: this.provider(resource.kind) };
        const check = new provider.CheckRequest();
        check.setUrn(urn);
        check.setOlds(Struct.fromJavaScript(old?.inputs ?? {}));
        check.setNews(Struct.fromJavaScript(news));
        let inputs: Record<string, any>;
        try {
          const response = await host.rpc("check", check);
          const failures = response.getFailuresList().map((f: any) => ({ property: f.getProperty(), reason: f.getReason() }));
          if (failures.length > 0) {
            result.failures.push({ name: resource.name, rpc: "check", message: "check failed", failures });
            continue;
          }
          inputs = response.getInputs().toJavaScript();
        } catch (error) {
          result.failures.push({ name: resource.name, rpc: "check", message: (error as any).details });
          continue;
        }

        let op: Step["op"] = "create";
        if (old) {
          const diff = new provider.DiffRequest();
          diff.setUrn(urn);
          diff.setId(old.id);
          diff.setOlds(Struct.fromJavaScript(old.outputs));
          diff.setNews(Struct.fromJavaScript(inputs));
          diff.setOldInputs(Struct.fromJavaScript(old.inputs));
          const response = await host.rpc("diff", diff);
          const changes = response.getChanges();
          if (changes === provider.DiffResponse.DiffChanges.DIFF_NONE) op = "same";
          else op = response.getReplacesList().length > 0 ? "replace" : "update";
        }
        result.steps.push({ op, name: resource.name });
        if (dryRun || op === "same") continue;
        try {
          if (op === "update") {
            const update = new provider.UpdateRequest();
            update.setUrn(urn);
            update.setId(old!.id);
            update.setOlds(Struct.fromJavaScript(old!.outputs));
            update.setNews(Struct.fromJavaScript(inputs));
            const response = await host.rpc("update", update);
            this.state.set(urn, { ...old!, inputs, outputs: response.getProperties().toJavaScript() });
          } else {
            // create, or the create half of a create-before-delete replacement
            const create = new provider.CreateRequest();
            create.setUrn(urn);
            create.setProperties(Struct.fromJavaScript(inputs));
            const response = await host.rpc("create", create);
            if (old) toDelete.push({ name: resource.name, entry: old });
            this.state.set(urn, {
              urn,
              kind: resource.kind,
              id: response.getId(),
              inputs,
              outputs: response.getProperties().toJavaScript(),
            });
          }
        } catch (error) {
          result.failures.push({ name: resource.name, rpc: op, message: (error as any).details });
        }
      }
      if (dryRun) return;
      for (const [urn, entry] of this.state) {
        if (!declaredUrns.has(urn)) toDelete.push({ name: urn.split("::").pop()!, entry });
      }
      // The engine deletes removed and replaced resources after every create and update.
      for (const { name, entry } of toDelete) {
        try {
          await this.deleteEntry(host, entry);
          if (this.state.get(entry.urn) === entry) this.state.delete(entry.urn);
          result.steps.push({ op: "delete", name });
        } catch (error) {
          result.failures.push({ name, rpc: "delete", message: (error as any).details });
        }
      }
    });
  }

  /**
  `pulumi preview`, or with `refresh` `pulumi preview --refresh`: the reads refresh a copy of the state, and Check and
  Diff run against it; preview saves nothing. `--expect-no-changes` fails exactly when `changes(result)` is not empty.
  */
  async preview(declared: Declared[], { refresh = false } = {}): Promise<PhaseResult> {
    const saved = new Map(this.state);
    try {
      const refreshed = refresh ? await this.refresh() : { steps: [], failures: [], log: "" };
      const previewed = await this.up(declared, { dryRun: true });
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

  /** `pulumi refresh`: Read with the last outputs and inputs; an empty id drops the resource from state. */
  refresh(): Promise<PhaseResult> {
    return this.phase(async (host, result) => {
      const { provider, Struct } = host.proto;
      for (const [urn, entry] of this.state) {
        const name = urn.split("::").pop()!;
        const read = new provider.ReadRequest();
        read.setUrn(urn);
        read.setId(entry.id);
        read.setProperties(Struct.fromJavaScript(entry.outputs));
        read.setInputs(Struct.fromJavaScript(entry.inputs));
        try {
          const response = await host.rpc("read", read);
          if (response.getId() === "") {
            this.state.delete(urn);
            result.steps.push({ op: "gone", name });
            continue;
          }
          this.state.set(urn, {
            ...entry,
            id: response.getId(),
            outputs: response.getProperties().toJavaScript(),
            inputs: response.getInputs()?.toJavaScript() ?? entry.inputs,
          });
          result.steps.push({ op: "refresh", name });
        } catch (error) {
          result.failures.push({ name, rpc: "read", message: (error as any).details });
        }
      }
    });
  }

  /** `pulumi destroy`. */
  destroy(): Promise<PhaseResult> {
    return this.phase(async (host, result) => {
      for (const [urn, entry] of [...this.state].reverse()) {
        const name = urn.split("::").pop()!;
        try {
          await this.deleteEntry(host, entry);
          this.state.delete(urn);
          result.steps.push({ op: "delete", name });
        } catch (error) {
          result.failures.push({ name, rpc: "delete", message: (error as any).details });
        }
      }
    });
  }

  private async deleteEntry(host: Host, entry: StateEntry): Promise<void> {
    const { provider, Struct } = host.proto;
    const request = new provider.DeleteRequest();
    request.setUrn(entry.urn);
    request.setId(entry.id);
    request.setProperties(Struct.fromJavaScript(entry.outputs));
    await host.rpc("delete", request);
  }

  output(name: string, kind: string): Record<string, any> | undefined {
    return this.state.get(urnOf(kind, name))?.outputs;
  }
}


/** The `__provider` text of every kind, serialized by a program running in `cwd` (see capture-providers.cjs). */

/** A local stand-in of an API (a sandbox) as the engine suites use it. */
export interface StandIn {
  readonly url: string;
  listen(port?: number): Promise<string>;
  close(): Promise<void>;
}

export interface EngineFixture<S extends StandIn> {
  /** The `__provider` text of every kind, captured once per suite from a program in the project directory. */
  readonly providers: Record<string, string>;
  /** A fresh, seeded stand-in for each test. */
  readonly sandbox: S;
  /** A stack with the stand-in's default config and a bare environment, unless overridden. */
  engine(overrides?: { config?: Record<string, unknown>; env?: Record<string, string | undefined> }): Engine;
}

/**
The set-up every engine suite shares; call it inside `describe`. `credential` is put into the capturing program's
config and environment, so the suites can assert the serialized text never holds it.
*/
export function useEngineFixture<S extends StandIn>(options: {
  projectDir: () => Promise<string>;
  credential: string;
  sandbox: () => S;
  config: (sandbox: S) => Record<string, unknown>;
}): EngineFixture<S> {
  let cwd: string | undefined;
  let providers: Record<string, string> | undefined;
  let sandbox: S | undefined;
  beforeAll(async () => {
    cwd = await options.projectDir();
    providers = await captureProviders(cwd, options.credential);
  });
  beforeEach(async () => {
    sandbox = options.sandbox();
    await sandbox.listen(0);
  });
  afterEach(() => sandbox?.close());
  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`the engine fixture has no ${what} yet (used outside a test?)`);
    return value;
  };
  return {
    get providers() {
      return ready(providers, "providers");
    },
    get sandbox() {
      return ready(sandbox, "sandbox");
    },
    engine(overrides = {}) {
      return new Engine({
        cwd: ready(cwd, "project directory"),
        providers: ready(providers, "providers"),
        config: overrides.config ?? options.config(ready(sandbox, "sandbox")),
        env: overrides.env ?? { HOME: process.env["HOME"] },
      });
    },
  };
}

/** The steps that count as changes for `--expect-no-changes`: anything but "same" and a refresh's reads. */
export function changes(result: PhaseResult): Step[] {
  return result.steps.filter((step) => step.op !== "same" && step.op !== "refresh");
}
