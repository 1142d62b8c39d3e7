/**
`didroute token [--scope read]`: mints a DIDWW access token (API 2026-11-19 and later) from the API key and prints it,
for a job that should hold a token and no key (README, "Least privilege in CI"). The token request is the provider's
own (provider/didww/token.ts), through the same choke point.
*/
import { parseArgs } from "node:util";
import { mintAccessToken } from "../provider/didww/token";
import { configure, didwwTokenSettings } from "../provider/settings";

export const TOKEN_USAGE = `usage: didroute token [--scope read]

Mints a DIDWW access token (API version 2026-11-19 and later) from DIDWW_API_KEY at DIDWW's token service
(DIDWW_TOKEN_ENDPOINT; by default the one of DIDWW_ENDPOINT's environment) and prints it on stdout, alone, for the
DIDWW_ACCESS_TOKEN of a job that should hold no API key. When it expires is said on stderr.

  --scope read   a token that can only read: enough for didroute plan, didroute validate --online and
                 pulumi preview; DIDWW refuses it every write (403)
  --help         show this help

Exit codes: 0 printed, 1 the token service refused or could not be reached, 2 wrong usage.`;

export async function runToken(args: string[]): Promise<number> {
  let scope: "read" | undefined;
  try {
    const { values, positionals } = parseArgs({
      args,
      options: { scope: { type: "string" }, help: { type: "boolean", short: "h", default: false } },
      allowPositionals: true,
    });
    if (values.help) {
      process.stdout.write(`${TOKEN_USAGE}\n`);
      return 0;
    }
    if (positionals.length > 0) throw new Error(`takes no arguments, got "${positionals[0]}"`);
    // The write scope's name is not published, so a token with the key's full access is asked for by asking none.
    if (values.scope !== undefined && values.scope !== "read") {
      throw new Error(`--scope takes only "read" (leave it out for the key's full access), got "${values.scope}"`);
    }
    scope = values.scope;
  } catch (error) {
    process.stderr.write(`didroute token: ${(error as Error).message}\n${TOKEN_USAGE}\n`);
    return 2;
  }
  // No Pulumi stack here: the environment is the only source.
  configure(undefined);
  try {
    const { accessToken, expiresAt } = await mintAccessToken(didwwTokenSettings(), scope);
    process.stdout.write(`${accessToken}\n`);
    if (expiresAt !== undefined) process.stderr.write(`didroute token: expires at ${expiresAt.toISOString()}\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`didroute token: ${(error as Error).message}\n`);
    return 1;
  }
}
