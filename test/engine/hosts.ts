import { startHost, type Host } from "./host";

/**
Provider hosts shared by the phases of a test file.

The Pulumi CLI starts a dynamic-provider host for every `pulumi up`, `refresh` and `destroy`. Starting one costs about
a second of CPU (the host loads @pulumi/pulumi), which made host starts most of the suite's time. A later phase may
run in the host of an earlier one wherever the difference cannot show:

- The provider is configured once per process (per provider text), so a host serves only stacks with the same
  project directory, environment and config: those are its key.
- A provider process remembers, between operations, what changes results:
  - the rename safety of provider/claims.ts (`claims`): a delete skips an object that a create or update of the same
    process set. So a phase that deletes gets a fresh host when its host has already run a create or update, exactly
    as it would in a new `pulumi up`;
  - which kind declares each DIDWW trunk group's members (`membershipOwners`, same file), recorded at check, diff,
    create and update: a later test of the file declaring one group with the other kind in a shared host is refused;
  - a DIDWW token minted from an API key (provider/didww/token.ts), reused by every later operation with that key and
    token endpoint until it is due for renewal: a later test in a shared host sends no token request.
  Tests of a file that meet either of the last two use distinct group ids or API keys per test, or an Engine without
  a pool.

Everything else a process keeps (the rate limiter's spacing, clients per settings) shapes timing, not results. Tests
about what a new process does (refresh and destroy running the stored provider text in a process that never ran the
program) use an Engine without a pool, which starts a host per phase.
*/
export interface HostKey {
  cwd: string;
  env: Record<string, string | undefined>;
  config: Record<string, unknown>;
}

export interface Lease {
  readonly host: Host;
  /** Whether the host has been sent a Create or Update, i.e. whether its provider may hold claims. */
  wrote: boolean;
}

export class HostPool {
  private readonly leases = new Map<string, Lease>();

  /** The host for `key`, started and configured if there is none (or the last one exited). */
  async lease(key: HostKey): Promise<Lease> {
    const id = JSON.stringify(key);
    const current = this.leases.get(id);
    if (current !== undefined && current.host.alive()) return current;
    const lease = { host: await startConfigured(key), wrote: false };
    this.leases.set(id, lease);
    return lease;
  }

  /** Replaces the host for `key` with a fresh one: a new process, as a new `pulumi` command would have. */
  async renew(key: HostKey): Promise<Lease> {
    const id = JSON.stringify(key);
    await this.leases.get(id)?.host.close();
    this.leases.delete(id);
    return this.lease(key);
  }

  async closeAll(): Promise<void> {
    const hosts = [...this.leases.values()].map((lease) => lease.host);
    this.leases.clear();
    await Promise.all(hosts.map((host) => host.close()));
  }
}

/** A host that has received Configure, which the engine sends first, before any other RPC. */
export async function startConfigured(key: HostKey): Promise<Host> {
  const host = await startHost(key.cwd, key.env);
  try {
    const request = new host.proto.provider.ConfigureRequest();
    request.setArgs(host.proto.Struct.fromJavaScript(key.config));
    await host.rpc("configure", request);
  } catch (error) {
    await host.close();
    throw error;
  }
  return host;
}
