/**
`didroute export [--output FILE] [--force] [--didww] [--carrierx] [--include-unrouted]`: the routing file of the
account as it is routed now, to review and commit when an existing account comes under code (README, "Bring an
existing account under code"). Reads the lists page by page (DIDWW: 100 per request; CarrierX: 1,000) within the
rate limit, and writes the file only once everything has been read.
*/
import { existsSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { carrierxClient, PAGE_LIMIT } from "../provider/carrierx/client";
import { didwwClient, PAGE_SIZE } from "../provider/didww/client";
import { carrierxSettings, configure, didwwSettings } from "../provider/settings";
import { exportRouting, type CarrierxAccount, type DidwwAccount } from "../routing/export";
import { HELP } from "./file-command";

/** Lists longer than this many pages say on stderr how far they are. */
const PROGRESS_PAGES = 5;

export const EXPORT_USAGE = `usage: didroute export [--output FILE] [--force] [--didww] [--carrierx] [--include-unrouted]

Writes a routing file (the form of routing.yaml) of the account as it is routed now: every routed DID by its number
with its trunk or trunk group, every DIDWW trunk group with all its trunks, by name where the name is unique (by id,
with the name in a comment, where it is not), in a stable order, under a header saying when and from which endpoint.
didroute validate passes on it, didroute plan finds it in sync, and the first pulumi up of it sends no PATCH.
Credentials and endpoints come from DIDWW_API_KEY (or, from DIDWW API 2026-11-19, DIDWW_ACCESS_TOKEN: a read-only
token is enough), DIDWW_ENDPOINT, DIDWW_API_VERSION, CARRIERX_TOKEN and CARRIERX_ENDPOINT; they never appear in the
file.

  --output FILE, -o FILE   write to FILE instead of stdout; an existing FILE is refused unless --force
  --force                  overwrite an existing FILE
  --didww                  export the DIDWW account
  --carrierx               export the CarrierX account
                           (with neither: every API whose credential is set in the environment)
  --include-unrouted       also list DIDs routed nowhere, as comments (an entry needs a trunk or trunk group)
  --help                   show this help

Lists are read 100 per request at DIDWW and 1,000 at CarrierX, at most DIDWW_MAX_REQUESTS_PER_SECOND /
CARRIERX_MAX_REQUESTS_PER_SECOND per second (default 10); progress goes to stderr when a list takes more than
${PROGRESS_PAGES} requests. Exit codes: 0 written, 1 an API could not be read or FILE exists, 2 wrong usage.`;

const OPTIONS = {
  output: { type: "string", short: "o" },
  force: { type: "boolean", default: false },
  didww: { type: "boolean", default: false },
  carrierx: { type: "boolean", default: false },
  "include-unrouted": { type: "boolean", default: false },
  help: HELP,
} as const;

export async function runExport(args: string[]): Promise<number> {
  let values;
  try {
    values = parseArgs({ args, options: OPTIONS, allowPositionals: false, strict: true }).values;
  } catch (error) {
    return usageError((error as Error).message);
  }
  if (values.help) {
    process.stdout.write(`${EXPORT_USAGE}\n`);
    return 0;
  }
  if (values.force && values.output === undefined) return usageError("--force applies to --output FILE only");
  if (values.output === "") return usageError("--output needs a file name");

  const named = values.didww || values.carrierx;
  const set = (name: string) => (process.env[name] ?? "") !== "";
  const apis = {
    didww: named ? values.didww : set("DIDWW_API_KEY") || set("DIDWW_ACCESS_TOKEN"),
    carrierx: named ? values.carrierx : set("CARRIERX_TOKEN"),
  };
  if (!apis.didww && !apis.carrierx) {
    return usageError(
      "nothing to export: set DIDWW_API_KEY (or DIDWW_ACCESS_TOKEN) or CARRIERX_TOKEN, or name the API with --didww or --carrierx",
    );
  }

  if (values.output !== undefined && !values.force && existsSync(values.output)) return fileExists(values.output);

  // No Pulumi stack here: the environment is the only source, as for didroute plan.
  configure(undefined);
  const at = new Date();
  const accounts: { didww?: DidwwAccount; carrierx?: CarrierxAccount } = {};
  try {
    if (apis.didww) {
      const { endpoint } = didwwSettings();
      const client = didwwClient();
      const { dids } = await client.listDids(progress("DIDWW DIDs", PAGE_SIZE));
      accounts.didww = { endpoint, dids, trunks: await client.listTrunks(), trunkGroups: await client.listTrunkGroups() };
    }
    if (apis.carrierx) {
      const { endpoint } = carrierxSettings();
      const client = carrierxClient();
      const dids = await client.listDids(progress("CarrierX DIDs", PAGE_LIMIT));
      accounts.carrierx = { endpoint, dids, trunkGroups: await client.listTrunkGroups() };
    }
  } catch (error) {
    process.stderr.write(`didroute export: ${(error as Error).message}\n`);
    return 1;
  }

  const text = exportRouting(accounts, { at, includeUnrouted: values["include-unrouted"] });
  if (values.output === undefined) {
    process.stdout.write(text);
    return 0;
  }
  try {
    // "wx" refuses a file that exists, even one created while the lists were read.
    writeFileSync(values.output, text, { flag: values.force ? "w" : "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return fileExists(values.output);
    process.stderr.write(`didroute export: ${values.output}: ${(error as Error).message}\n`);
    return 1;
  }
  process.stderr.write(`didroute export: wrote ${values.output} (${summary(accounts, values["include-unrouted"])})\n`);
  return 0;
}

function fileExists(path: string): number {
  process.stderr.write(`didroute export: ${path} exists; pass --force to overwrite it\n`);
  return 1;
}

function usageError(message: string): number {
  process.stderr.write(`didroute export: ${message}\n${EXPORT_USAGE}\n`);
  return 2;
}

/** Reports how far a list is, once it is known to take more than PROGRESS_PAGES requests. */
function progress(what: string, pageSize: number): (read: number, total: number) => void {
  return (read, total) => {
    if (total > PROGRESS_PAGES * pageSize) process.stderr.write(`didroute export: ${what} ${read}/${total}\n`);
  };
}

function summary(accounts: { didww?: DidwwAccount; carrierx?: CarrierxAccount }, includeUnrouted: boolean): string {
  const count = (n: number, what: string) => `${n} ${what}`;
  const parts: string[] = [];
  const unrouted = (n: number) => (n > 0 ? `, ${n} routed nowhere${includeUnrouted ? " as comments" : " left out"}` : "");
  if (accounts.didww) {
    const routed = accounts.didww.dids.filter((d) => d.trunkId !== null || d.trunkGroupId !== null).length;
    parts.push(
      count(routed, "DIDWW DIDs") + unrouted(accounts.didww.dids.length - routed),
      count(accounts.didww.trunkGroups.length, "DIDWW trunk groups"),
    );
  }
  if (accounts.carrierx) {
    const routed = accounts.carrierx.dids.filter((d) => d.trunkGroupSid !== null).length;
    parts.push(count(routed, "CarrierX DIDs") + unrouted(accounts.carrierx.dids.length - routed));
  }
  return parts.join("; ");
}
