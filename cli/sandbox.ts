/**
`didroute sandbox`: serves the DIDWW and CarrierX sandbox APIs on one 127.0.0.1 port until SIGINT or SIGTERM.

stdout carries only the two base URLs, one per line (`<API> <url>`), so a script can read them; the hint on how to
point the provider at them goes to stderr. Exit codes: 0 after a clean stop (or --help), 2 for a bad command line,
1 when the sandbox cannot start (seed file, port).
*/

import { parseArgs } from "node:util";
import {
  createSandbox,
  exampleSeedPath,
  loadSeed,
  type DidwwTokenOptions,
  type FaultSettings,
  type SandboxSeed,
} from "../sandbox/index";

/** Fixed, so the URLs in a README or a CI script stay valid from run to run; --port 0 picks a free port. */
export const DEFAULT_PORT = 8765;

const EXIT_OK = 0;
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;

const OPTIONS = {
  port: { type: "string" },
  seed: { type: "string" },
  "api-key": { type: "string" },
  "read-only-api-key": { type: "string", multiple: true },
  "token-lifetime": { type: "string" },
  token: { type: "string" },
  rate: { type: "string" },
  latency: { type: "string" },
  "error-rate": { type: "string" },
  "drop-rate": { type: "string" },
  "retry-after": { type: "string" },
  "random-seed": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

export function sandboxUsage(): string {
  return `usage: didroute sandbox [options]

Serves local stand-ins of the DIDWW API v3 (/v3) and the CarrierX Core API v2 (/core/v2) on one port of
127.0.0.1, seeded with trunks, trunk groups and DIDs, until Ctrl-C (SIGINT) or SIGTERM. The two base URLs are
printed on stdout, one per line ("DIDWW <url>", "CarrierX <url>").

options:
  --port N          port to listen on (default ${DEFAULT_PORT}; 0 picks a free port)
  --seed FILE       YAML seed to start from (default: the package's examples/sandbox.yaml)
  --api-key K       DIDWW Api-Key to require (default: any non-empty key)
  --read-only-api-key K
                    a DIDWW key whose access tokens (API 2026-11-19) can only read; repeatable
  --token-lifetime S
                    seconds a DIDWW access token lives (API 2026-11-19; default 900)
  --token T         CarrierX bearer token to require (default: any non-empty token)
  --rate R          requests per second per key/token, beyond which the APIs answer 429 (default: unlimited)
  --retry-after S   seconds to send in Retry-After on 429s (default: no header, as DIDWW sends none)
  --latency MS      milliseconds added before every answer (default 0)
  --error-rate F    fraction 0..1 of requests answered 500, 502 or 503 (default 0)
  --drop-rate F     fraction 0..1 of requests whose connection is closed without an answer (default 0)
  --random-seed N   seed for picking failing requests, so a run repeats exactly (default: random)
  -h, --help        show this help

Requests without a valid key/token get the API's 401: the rate limit and injected failures apply only to
authenticated requests (--latency applies to every answer). With X-DIDWW-API-Version 2026-11-19 or later, DIDWW's
/v3 takes only access tokens, minted with the key at /token on the same port.

exit codes: 0 stopped cleanly (or --help), 1 the sandbox could not start (seed file, port), 2 bad command line`;
}

export async function runSandbox(args: string[]): Promise<number> {
  let config: Config;
  try {
    const parsed = parseCommandLine(args);
    if (parsed === "help") {
      process.stdout.write(`${sandboxUsage()}\n`);
      return EXIT_OK;
    }
    config = parsed;
  } catch (error) {
    process.stderr.write(`didroute sandbox: ${usageMessage(error)} (see didroute sandbox --help)\n`);
    return EXIT_USAGE;
  }
  try {
    return await serve(config, loadSeed(config.seedPath));
  } catch (error) {
    process.stderr.write(`didroute sandbox: ${message(error)}\n`);
    return EXIT_FAILED;
  }
}

// --- Command line --------------------------------------------------------------------------------------------------

interface Config {
  port: number;
  seedPath: string;
  apiKey: string | undefined;
  token: string | undefined;
  faults: FaultSettings;
  didwwTokens: DidwwTokenOptions;
}

/** Throws an Error naming the flag for anything not usable as given. */
function parseCommandLine(args: string[]): Config | "help" {
  const { values } = parseArgs({ args, options: OPTIONS, strict: true, allowPositionals: false });
  if (values.help === true) return "help";
  const faults: FaultSettings = {
    rate: numberFlag("--rate", values.rate, { integer: true }),
    retryAfter: numberFlag("--retry-after", values["retry-after"], { integer: true }),
    latencyMs: numberFlag("--latency", values.latency, {}),
    errorRate: numberFlag("--error-rate", values["error-rate"], { fraction: true }),
    dropRate: numberFlag("--drop-rate", values["drop-rate"], { fraction: true }),
    randomSeed: numberFlag("--random-seed", values["random-seed"], { integer: true }),
  };
  if ((faults.errorRate ?? 0) + (faults.dropRate ?? 0) > 1) {
    throw new Error("--error-rate and --drop-rate together must not exceed 1");
  }
  return {
    port: numberFlag("--port", values.port, { integer: true, max: 65535 }) ?? DEFAULT_PORT,
    seedPath: textFlag("--seed", values.seed) ?? exampleSeedPath(),
    apiKey: textFlag("--api-key", values["api-key"]),
    token: textFlag("--token", values.token),
    faults,
    didwwTokens: {
      readOnlyApiKeys: (values["read-only-api-key"] ?? []).map((key) => textFlag("--read-only-api-key", key) ?? key),
      lifetimeSeconds: positiveFlag("--token-lifetime", values["token-lifetime"]),
    },
  };
}

function textFlag(flag: string, value: string | undefined): string | undefined {
  if (value !== undefined && value.trim() === "") throw new Error(`${flag} needs a non-empty value`);
  return value;
}

/** Plain decimal notation only (no "1e3", "0x10" or "" that Number() would accept), never negative. */
function numberFlag(
  flag: string,
  value: string | undefined,
  kind: { integer?: boolean; fraction?: boolean; max?: number },
): number | undefined {
  if (value === undefined) return undefined;
  const pattern = kind.integer === true ? /^\d+$/ : /^(\d+(\.\d*)?|\.\d+)$/;
  const number = pattern.test(value.trim()) ? Number(value) : Number.NaN;
  const max = kind.fraction === true ? 1 : (kind.max ?? Number.MAX_SAFE_INTEGER);
  if (!(number <= max)) {
    const what = kind.fraction === true ? "a number from 0 to 1" : kind.integer === true ? "a whole number" : "a number";
    const limit = kind.max !== undefined ? ` up to ${kind.max}` : kind.fraction === true ? "" : " of at least 0";
    throw new Error(`${flag} must be ${what}${limit}, not "${value}"`);
  }
  return number;
}

/** A number of seconds greater than 0 (a token that lives 0 s is of no use). */
function positiveFlag(flag: string, value: string | undefined): number | undefined {
  const number = numberFlag(flag, value, {});
  if (number === 0) throw new Error(`${flag} must be a number greater than 0, not "${value}"`);
  return number;
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
parseArgs explains at length how to pass a value that starts with "-"; its first sentence names the flag. That case
is nearly always a negative number here, which no option takes, so it is said plainly.
*/
function usageMessage(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code ?? "";
  const text = message(error);
  if (!code.startsWith("ERR_PARSE_ARGS")) return text;
  const flag = /'(--[\w-]+)/.exec(text)?.[1];
  if (flag !== undefined && text.includes("ambiguous")) {
    return `${flag} got a value starting with "-" (negative numbers are not allowed; write ${flag}=VALUE otherwise)`;
  }
  return text.split(/\.(?:\s|$)/)[0] ?? text;
}

// --- Serving -------------------------------------------------------------------------------------------------------

async function serve(config: Config, seed: SandboxSeed): Promise<number> {
  const sandbox = createSandbox({
    seed,
    apiKey: config.apiKey,
    token: config.token,
    faults: config.faults,
    didwwTokens: config.didwwTokens,
  });
  try {
    await sandbox.listen(config.port);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE") throw new Error(`port ${config.port} is in use; pick another with --port (0: any free)`);
    throw error;
  }
  const { didww, carrierx } = sandbox.urls;
  process.stdout.write(`DIDWW     ${didww}\nCarrierX  ${carrierx}\n`);
  process.stderr.write(hint(config, sandbox.urls));
  await stopSignal();
  await sandbox.close();
  return EXIT_OK;
}

/** How to point the provider at the sandbox; keys are never echoed, only referred to. */
function hint(config: Config, urls: { didww: string; carrierx: string }): string {
  const key = config.apiKey === undefined ? "any-key" : "<your --api-key>";
  const token = config.token === undefined ? "any-token" : "<your --token>";
  return [
    "",
    `Seed: ${config.seedPath}`,
    "Point pulumi-didroute at it with environment variables:",
    `  export DIDWW_ENDPOINT=${urls.didww} DIDWW_API_KEY=${key}`,
    `  export CARRIERX_ENDPOINT=${urls.carrierx} CARRIERX_TOKEN=${token}`,
    "or with stack config:",
    `  pulumi config set didww:endpoint ${urls.didww} && pulumi config set --secret didww:apiKey ${key}`,
    `  pulumi config set carrierx:endpoint ${urls.carrierx} && pulumi config set --secret carrierx:token ${token}`,
    "For DIDWW API 2026-11-19 (access tokens, minted with the key at /token on this port), add:",
    "  export DIDWW_API_VERSION=2026-11-19   or   pulumi config set didww:apiVersion 2026-11-19",
    "Stop with Ctrl-C.",
    "",
  ].join("\n");
}

/**
Resolves on the first SIGINT or SIGTERM. Both handlers are removed then, so a second Ctrl-C during shutdown gets
Node's default (the process ends at once) instead of being swallowed.
*/
function stopSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}
