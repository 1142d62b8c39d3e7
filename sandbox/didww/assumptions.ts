/**
What DIDWW has not published about trunks and trunk groups, decided here for the sandbox, in one place
(reference: didww-api.md §6.3, §6.4, §6.6, §7.4, §13; didww-2026-11-19.md). Each decision takes the side a client
must survive, so a client that works against the sandbox also works against the stricter reading of DIDWW's sources:

- Deleting a trunk that DIDs are routed to is refused (422), as DIDWW's 2026-11-19 documentation and its MCP tool
  say, not done with the DIDs left unrouted, as the 2026-04-16 OpenAPI says.
- Deleting a trunk group deletes the trunks in it, and is refused (422) while the group or one of its trunks is routed
  to a DID: DIDWW's 2026-11-19 documentation and SDK examples, against the OpenAPI's "its trunks survive".
- A trunk PATCH's `configuration` is merged into the stored one (the attributes sent are written, the rest kept): the
  recorded sandbox traffic and DIDWW's 2026-10-22 OpenAPI source, against the 2026-04-16 OpenAPI's "replaces".
- Names are unique among trunks and, separately, among trunk groups (DIDWW documents one shared name space only
  from 2026-11-19).
- The defaults of SIP attributes no recording shows (below), and registration credentials generated when SIP
  registration is turned on, kept while it stays on, and cleared when it is turned off.
*/

import { randomBytes } from "node:crypto";
import type { SandboxState } from "./state";

/** Why a trunk cannot be deleted now, or undefined: DIDs still routed to it. */
export function trunkInUse(state: SandboxState, trunkId: string): string | undefined {
  const routed = [...state.dids.values()].filter((did) => did.trunkId === trunkId).length;
  return routed === 0 ? undefined : `The trunk is still in use by ${routed} ${routed === 1 ? "DID" : "DIDs"}`;
}

/** Why a trunk group cannot be deleted now, or undefined: DIDs routed to it or to one of its trunks. */
export function trunkGroupInUse(state: SandboxState, groupId: string): string | undefined {
  const members = new Set(state.requireGroup(groupId).trunkIds);
  const routed = [...state.dids.values()].filter(
    (did) => did.trunkGroupId === groupId || (did.trunkId !== null && members.has(did.trunkId)),
  ).length;
  return routed === 0 ? undefined : `The trunk group, or a trunk in it, is still in use by ${routed} ${routed === 1 ? "DID" : "DIDs"}`;
}

/** Deleting a group deletes the trunks in it. */
export function deleteTrunkGroup(state: SandboxState, groupId: string): void {
  for (const trunkId of state.requireGroup(groupId).trunkIds) state.trunks.delete(trunkId);
  state.groups.delete(groupId);
}

/** A PATCH's configuration attributes written over the stored ones; what it does not send is kept. */
export function mergeConfiguration(stored: Readonly<Record<string, unknown>>, sent: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return { ...stored, ...sent };
}

/** Whether another trunk (or, for a group, another group) already has the name. */
export function nameTaken(state: SandboxState, kind: "trunks" | "groups", name: string, exceptId?: string): boolean {
  const records = kind === "trunks" ? state.trunks.values() : state.groups.values();
  return [...records].some((record) => record.id !== exceptId && record.name === name);
}

/** DIDWW's values for a trunk created with only a name and a configuration (recorded 2026-04-30, reference §6.3). */
export const TRUNK_DEFAULTS: Readonly<Record<string, unknown>> = {
  description: null,
  external_reference_id: null,
  priority: 1,
  weight: 65535,
  capacity_limit: null,
  cli_format: "e164",
  cli_prefix: null,
  ringing_timeout: null,
};

/**
The SIP configuration of a trunk created without the attribute. Recorded (reference §6.3) except: `codec_ids` (what
many existing trunks show), `network_protocol_priority`, `enabled_sip_registration`, `use_did_in_ruri`,
`diversion_relay_policy`, `diversion_inject_mode` and `cnam_lookup`, which every recording sends.
*/
export const SIP_DEFAULTS: Readonly<Record<string, unknown>> = {
  host: null,
  port: null,
  username: null,
  transport_protocol_id: 1,
  network_protocol_priority: "force_ipv4",
  resolve_ruri: false,
  use_did_in_ruri: false,
  codec_ids: [9, 10, 8, 7, 6],
  rx_dtmf_format_id: 1,
  tx_dtmf_format_id: 1,
  auth_enabled: false,
  auth_user: null,
  auth_password: null,
  auth_from_user: null,
  auth_from_domain: null,
  enabled_sip_registration: false,
  incoming_auth_username: null,
  incoming_auth_password: null,
  sst_enabled: false,
  sst_min_timer: 600,
  sst_max_timer: 900,
  sst_session_expires: null,
  sst_refresh_method_id: 1,
  sst_accept_501: true,
  sip_timer_b: 8000,
  dns_srv_failover_timer: 2000,
  rtp_ping: false,
  rtp_timeout: 30,
  force_symmetric_rtp: false,
  symmetric_rtp_ignore_rtcp: false,
  allowed_rtp_ips: null,
  media_encryption_mode: "disabled",
  stir_shaken_mode: "disabled",
  diversion_relay_policy: "as_is",
  diversion_inject_mode: "none",
  cnam_lookup: false,
  max_transfers: 0,
  max_30x_redirects: 0,
  rerouting_disconnect_code_ids: null,
};

export const PSTN_DEFAULTS: Readonly<Record<string, unknown>> = { dst: null };

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** 16 letters and digits, like the recorded `incoming_auth_username` "3cf5RQEzegAyRYAc". */
function credential(): string {
  return [...randomBytes(16)].map((byte) => ALPHANUMERIC[byte % ALPHANUMERIC.length]).join("");
}

/**
The registration credentials after a write: generated when registration turns on, kept while it stays on, cleared
when it is off.
*/
export function registrationCredentials(
  wasEnabled: boolean,
  enabled: boolean,
  current: { incoming_auth_username: unknown; incoming_auth_password: unknown },
): { incoming_auth_username: string | null; incoming_auth_password: string | null } {
  if (!enabled) return { incoming_auth_username: null, incoming_auth_password: null };
  if (wasEnabled && typeof current.incoming_auth_username === "string" && typeof current.incoming_auth_password === "string") {
    return { incoming_auth_username: current.incoming_auth_username, incoming_auth_password: current.incoming_auth_password };
  }
  return { incoming_auth_username: credential(), incoming_auth_password: credential() };
}
