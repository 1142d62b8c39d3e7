/**
Secrets in the routing file: never written in it. A secret attribute (a SIP trunk's `authPassword`) is written as
`{ config: KEY }`, and its value comes from where the reader runs:

- a Pulumi program (`routing.fromFile`) reads the stack's config KEY, set with `pulumi config set --secret KEY …`;
- `didroute plan` and `didroute validate --online`, which have no stack, read the environment variable
  `DIDROUTE_CONFIG_<KEY>`: KEY upper-cased, every character other than a letter or digit made "_"
  (`pbxFraPassword` → `DIDROUTE_CONFIG_PBXFRAPASSWORD`, `team:pbx-fra` → `DIDROUTE_CONFIG_TEAM_PBX_FRA`).
*/
import type { Position, Problem } from "./file";

/** `{ config: KEY }` where the file declares a secret, with where it is written. */
export interface SecretRef {
  /** A Pulumi config key, optionally with its namespace (`pbxFraPassword`, `team:pbxFraPassword`). */
  config: string;
  at: Position;
  /** What the value is, for messages: `sip.authPassword of trunk pbx-frankfurt`. */
  what: string;
}

/** Pulumi config keys: a name, or `namespace:name`, of letters, digits, "_", "-" and ".". */
const CONFIG_KEY = /^(?:[A-Za-z][\w.-]*:)?[A-Za-z][\w.-]*$/;

export function isConfigKey(value: string): boolean {
  return CONFIG_KEY.test(value);
}

export function isSecretRef(value: unknown): value is SecretRef {
  return typeof value === "object" && value !== null && !Array.isArray(value) && typeof (value as SecretRef).config === "string" && "at" in value;
}

/** The environment variable `didroute plan` and `validate --online` read a config key from. */
export function environmentVariableOf(key: string): string {
  return `DIDROUTE_CONFIG_${key.toUpperCase().replace(/[^A-Z0-9]/g, "_")}`;
}

/** Every SecretRef in `value` (a declaration's inputs), in the order written. */
export function secretRefsIn(value: unknown): SecretRef[] {
  if (isSecretRef(value)) return [value];
  if (Array.isArray(value)) return value.flatMap(secretRefsIn);
  if (typeof value === "object" && value !== null) return Object.values(value).flatMap(secretRefsIn);
  return [];
}

/** `value` with every SecretRef replaced by what `secret` gives for it. */
export function withSecrets<T>(value: unknown, secret: (ref: SecretRef) => T): unknown {
  if (isSecretRef(value)) return secret(value);
  if (Array.isArray(value)) return value.map((item) => withSecrets(item, secret));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withSecrets(item, secret)]));
  }
  return value;
}

/**
The values of `refs` from `env`, by config key; a problem at each ref whose variable is not set (or empty), naming
both the config key and the variable.
*/
export function secretsFromEnvironment(
  refs: readonly SecretRef[],
  env: NodeJS.ProcessEnv,
): { values: Map<string, string>; problems: Problem[] } {
  const values = new Map<string, string>();
  const problems: Problem[] = [];
  for (const ref of refs) {
    const variable = environmentVariableOf(ref.config);
    const value = env[variable];
    if (value === undefined || value === "") {
      problems.push({
        ...ref.at,
        message:
          `${ref.what} reads the stack config ${ref.config}, and outside a Pulumi program from the environment: ` +
          `${variable} is not set`,
      });
      continue;
    }
    values.set(ref.config, value);
  }
  return { values, problems };
}

/** Shown in place of a secret in plans and messages. */
export const MASK = "[secret]";
