import { secret } from "./host";

/**
Secrets as the Pulumi engine handles them for a dynamic provider, which does not accept secrets: values are sent to the
provider unwrapped, and outputs come back re-marked (the engine's annotateSecrets, plus `additionalSecretOutputs`);
in the state file a secret is ciphertext. The stand-in engine (engine.ts) keeps its state this way, so tests can look
at the state as `pulumi stack export` shows it.
*/
const SECRET_SIG = "4dabf18193072939515e22adb298388d";

export function isSecret(value: unknown): value is { value: unknown } {
  return typeof value === "object" && value !== null && SECRET_SIG in value;
}

function wrap(value: unknown): unknown {
  return isSecret(value) ? value : secret(value as string);
}

/** What the engine sends a provider that does not accept secrets (a dynamic provider): every value unwrapped. */
export function reveal<T>(value: T): T {
  if (isSecret(value)) return reveal(value.value) as T;
  if (Array.isArray(value)) return value.map(reveal) as T;
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, reveal(item)])) as T;
  }
  return value;
}

function containsSecrets(value: unknown): boolean {
  if (isSecret(value)) return true;
  if (Array.isArray(value)) return value.some(containsSecrets);
  return typeof value === "object" && value !== null && Object.values(value).some(containsSecrets);
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value) && !isSecret(value);

/**
The engine's `annotateSecrets` (sdk/go/common/resource/plugin/provider_plugin.go): an output whose same-named input
held a secret becomes secret, recursing into objects on both sides, so one secret field does not hide its object.
*/
export function annotate(outs: Record<string, unknown>, ins: Record<string, unknown>): Record<string, unknown> {
  const annotated: Record<string, unknown> = { ...outs };
  for (const [key, input] of Object.entries(ins)) {
    if (!(key in annotated)) continue;
    const output = annotated[key];
    if (isPlainObject(output) && isPlainObject(input)) annotated[key] = annotate(output, input);
    else if (!isSecret(output) && containsSecrets(input)) annotated[key] = wrap(output);
  }
  return annotated;
}

/** Outputs as the engine records them: secrets carried over from the inputs, and `additionalSecretOutputs`. */
export function recorded(outs: Record<string, unknown>, ins: Record<string, unknown>, secretOutputs: readonly string[] = []): Record<string, any> {
  const annotated = annotate(outs, ins);
  for (const key of secretOutputs) if (key in annotated) annotated[key] = wrap(annotated[key]);
  return annotated;
}

/** A secret as `pulumi stack export` shows it without --show-secrets: ciphertext, never the value. */
export function encrypted(value: unknown): unknown {
  if (isSecret(value)) return { [SECRET_SIG]: "1b47061264138c4ac30d75fd1eb44270", ciphertext: "[encrypted]" };
  if (Array.isArray(value)) return value.map(encrypted);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, encrypted(item)]));
  }
  return value;
}
