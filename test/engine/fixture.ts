import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";
import { projectDir, providersOf, type Mode } from "../setup/projects";
import { Engine, HostPool, type EngineOptions } from "./engine";

/**
A local stand-in of an API (a sandbox) as the engine suites use it: it answers requests that a server of the fixture's
hands it, `baseUrl` being the URL the API is served under (for the links it renders).
*/
export interface StandIn {
  handle(request: IncomingMessage, response: ServerResponse, baseUrl: string): Promise<void>;
}

export interface EngineFixture<S extends StandIn> {
  /** The `__provider` text of every kind, captured once per run from a program in the project directory. */
  readonly providers: Record<string, string>;
  /** A fresh, seeded stand-in for each test. */
  readonly sandbox: S;
  /** Where the stand-in is served: the same URL for every test of the file (the base path included). */
  readonly url: string;
  /** A stack with the stand-in's default config and a bare environment, unless overridden. */
  engine(overrides?: { config?: Record<string, unknown>; env?: Record<string, string | undefined> }): Engine;
  /**
  A stack whose refresh and destroy each start a host of their own, as `pulumi refresh` and `pulumi destroy` do: they
  run the provider text stored in state, in a process that never ran the program (see hosts.ts).
  */
  engineWithNewHostsForRefreshAndDestroy(overrides?: { config?: Record<string, unknown>; env?: Record<string, string | undefined> }): Engine;
}

/**
The set-up every engine suite shares; call it inside `describe`. The providers were serialized by a program whose
every credential was CAPTURE_SECRET (test/setup/global.ts), so the suites can assert the text never holds it.

Each test gets a new stand-in, served at one URL for the whole file: with the same URL the stacks of different tests
have the same config, so they can share provider hosts (see hosts.ts).
*/
export function useEngineFixture<S extends StandIn>(options: {
  /** The Pulumi project the hosts run in (see test/setup/projects.ts). */
  mode: Mode;
  sandbox: () => S;
  /** The API's path under the server, e.g. "/v3"; "" for the combined sandbox, which dispatches by path itself. */
  basePath: string;
  config: (url: string) => Record<string, unknown>;
}): EngineFixture<S> {
  let cwd: string | undefined;
  let providers: Record<string, string> | undefined;
  let sandbox: S | undefined;
  let url: string | undefined;
  const hosts = new HostPool();
  const server = createServer((request, response) => {
    const current = sandbox;
    if (current === undefined) {
      response.writeHead(503).end("no test is running");
      return;
    }
    current.handle(request, response, `${url}`).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500, { "content-type": "text/plain" });
      response.end(`stand-in failed: ${error instanceof Error ? error.message : String(error)}`);
    });
  });
  beforeAll(async () => {
    cwd = projectDir(options.mode);
    providers = providersOf(options.mode);
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
    });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${options.basePath}`;
  });
  afterAll(async () => {
    await hosts.closeAll();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  });
  beforeEach(() => {
    sandbox = options.sandbox();
  });
  afterEach(() => {
    sandbox = undefined;
  });
  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`the engine fixture has no ${what} yet (used outside a test?)`);
    return value;
  };
  const stack = (overrides: { config?: Record<string, unknown>; env?: Record<string, string | undefined> }, newHostFor: EngineOptions["newHostFor"] = []) =>
    new Engine({
      cwd: ready(cwd, "project directory"),
      providers: ready(providers, "providers"),
      config: overrides.config ?? options.config(ready(url, "url")),
      env: overrides.env ?? { HOME: process.env["HOME"] },
      hosts,
      newHostFor,
    });
  return {
    get providers() {
      return ready(providers, "providers");
    },
    get sandbox() {
      return ready(sandbox, "sandbox");
    },
    get url() {
      return ready(url, "url");
    },
    engine: (overrides = {}) => stack(overrides),
    engineWithNewHostsForRefreshAndDestroy: (overrides = {}) => stack(overrides, ["refresh", "destroy"]),
  };
}
