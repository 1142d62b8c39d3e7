/**
The attributes of DIDWW voice in trunks and trunk groups that the resources manage: each input's name (the API's
attribute in camelCase), the API's name, and the rule a value must follow. Checking (trunkRules.ts), the request
bodies and documents (trunkApi.ts) and the comparisons (../changes.ts) all read these tables, so an attribute is
added in one place.

Sources: DIDWW's OpenAPI 2026-04-16 (`VoiceInTrunkCreateRequest`, `VoiceInTrunkGroupCreateRequest`: which attributes
exist and their JSON types) and the bounds DIDWW documents (reference: didww-api.md §6.2–6.3, §7.2;
didww-2026-11-19.md: priority and weight 0–65535, capacity 1–32767, cli_prefix, external_reference_id ≤ 100).
*/

export type FieldRule =
  | { kind: "string"; nullable: boolean; maxLength?: number; pattern?: RegExp; patternHint?: string; secret?: boolean }
  | { kind: "integer"; nullable: boolean; min: number; max: number; hint?: string }
  | { kind: "boolean"; nullable: boolean }
  /** One of `values`; `labels` say what each means, for messages. */
  | { kind: "enum"; nullable: boolean; values: readonly (string | number)[]; labels?: Readonly<Record<string, string>> }
  /** A list of integers from `allowed`; `ordered` when the order means something (codec preference). */
  | { kind: "integerList"; nullable: boolean; allowed: (value: number) => boolean; allowedHint: string; ordered: boolean; minItems: number }
  /** A list of strings, each passing `item`; compared as a set. */
  | { kind: "stringList"; nullable: boolean; item: (value: string) => boolean; itemHint: string; maxItems: number };

export interface Field {
  /** The input's name: the API's attribute in camelCase. */
  readonly input: string;
  /** The API's attribute. */
  readonly api: string;
  readonly rule: FieldRule;
}

const field = (input: string, api: string, rule: FieldRule): Field => ({ input, api, rule });
const string = (extra: Partial<Extract<FieldRule, { kind: "string" }>> = {}): FieldRule => ({ kind: "string", nullable: true, ...extra });
const integer = (min: number, max: number, nullable = true, hint?: string): FieldRule =>
  hint === undefined ? { kind: "integer", nullable, min, max } : { kind: "integer", nullable, min, max, hint };
const boolean = (nullable = false): FieldRule => ({ kind: "boolean", nullable });
const oneOf = (values: readonly (string | number)[], nullable = false, labels?: Record<string, string>): FieldRule =>
  labels === undefined ? { kind: "enum", nullable, values } : { kind: "enum", nullable, values, labels };

const INT32_MAX = 2_147_483_647;

/** DIDWW's codec ids (reference §6.3). */
export const CODECS: Readonly<Record<number, string>> = {
  6: "telephone-event",
  7: "G723",
  8: "G729",
  9: "PCMU",
  10: "PCMA",
  12: "speex",
  13: "GSM",
  14: "G726-32",
  15: "G721",
  16: "G726-24",
  17: "G726-40",
  18: "G726-16",
  19: "L16",
};

/** SIP answers that send a call on to the group's next trunk: ids 56–108 (SIP 400–606) and 1505 "Ringing timeout". */
const isDisconnectCode = (id: number): boolean => (id >= 56 && id <= 108) || id === 1505;

const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.?$|^\[?[0-9A-Fa-f:.]+\]?$/;

/** An IPv4 or IPv6 address, with an optional /prefix (a subnet). */
function isIpOrSubnet(value: string): boolean {
  const [address = "", prefix, extra] = value.split("/");
  if (extra !== undefined) return false;
  const v4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/.test(address);
  const v6 = !v4 && /^[0-9A-Fa-f:]+$/.test(address) && address.includes(":") && address.split("::").length <= 2;
  if (!v4 && !v6) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (v4 ? 32 : 128);
}

/** The attributes of a trunk beside its configuration (`VoiceInTrunkCreateRequest.data.attributes`). */
export const TRUNK_FIELDS: readonly Field[] = [
  field("description", "description", string()),
  field("externalReferenceId", "external_reference_id", string({ maxLength: 100 })),
  field("priority", "priority", integer(0, 65535, false, "lower wins")),
  field("weight", "weight", integer(0, 65535, false, "shares calls among trunks of equal priority")),
  field("capacityLimit", "capacity_limit", integer(1, 32767, true, "simultaneous calls; null: no limit")),
  // Not nullable here although the API's schema says so: DIDWW stores a blank cli_format as e164, so a declared
  // null would differ from what DIDWW holds on every refresh.
  field("cliFormat", "cli_format", oneOf(["raw", "e164", "local"])),
  field("cliPrefix", "cli_prefix", string({ pattern: /^[A-Za-z0-9+#]{1,7}$/, patternHint: "up to 7 digits, letters, \"+\" and \"#\"" })),
  field("ringingTimeout", "ringing_timeout", integer(1, 32, true, "seconds; null: DIDWW's default")),
];

/** `sip_configurations` attributes a create accepts (`VoiceInTrunkCreateRequest`, SipConfiguration), all of them. */
export const SIP_FIELDS: readonly Field[] = [
  field("host", "host", string({ maxLength: 255, pattern: HOST, patternHint: "a hostname or IP address, without \"sip:\" or a port" })),
  field("port", "port", integer(1, 65535)),
  field("username", "username", string()),
  field("transportProtocolId", "transport_protocol_id", oneOf([1, 2, 3], false, { 1: "UDP", 2: "TCP", 3: "TLS" })),
  field(
    "networkProtocolPriority",
    "network_protocol_priority",
    oneOf(["force_ipv4", "force_ipv6", "any", "prefer_ipv4", "prefer_ipv6"]),
  ),
  field("resolveRuri", "resolve_ruri", boolean()),
  field("useDidInRuri", "use_did_in_ruri", boolean()),
  field("codecIds", "codec_ids", {
    kind: "integerList",
    nullable: false,
    allowed: (id) => id in CODECS,
    allowedHint: Object.entries(CODECS).map(([id, name]) => `${id} ${name}`).join(", "),
    ordered: true,
    minItems: 1,
  }),
  field("rxDtmfFormatId", "rx_dtmf_format_id", oneOf([1, 2, 3], true, { 1: "RFC 2833", 2: "SIP INFO", 3: "RFC 2833 or SIP INFO" })),
  field(
    "txDtmfFormatId",
    "tx_dtmf_format_id",
    oneOf([1, 2, 3, 4], true, { 1: "disabled", 2: "RFC 2833", 3: "SIP INFO application/dtmf-relay", 4: "SIP INFO application/dtmf" }),
  ),
  field("authEnabled", "auth_enabled", boolean()),
  field("authUser", "auth_user", string()),
  field("authPassword", "auth_password", string({ secret: true })),
  field("authFromUser", "auth_from_user", string()),
  field("authFromDomain", "auth_from_domain", string()),
  field("enabledSipRegistration", "enabled_sip_registration", boolean()),
  field("sstEnabled", "sst_enabled", boolean()),
  field("sstMinTimer", "sst_min_timer", integer(90, 86400, true, "seconds")),
  field("sstMaxTimer", "sst_max_timer", integer(90, 86400, true, "seconds")),
  field("sstSessionExpires", "sst_session_expires", integer(90, 86400, true, "seconds")),
  field("sstRefreshMethodId", "sst_refresh_method_id", oneOf([1, 2, 3], false, { 1: "INVITE", 2: "UPDATE", 3: "UPDATE, falling back to INVITE" })),
  field("sstAccept501", "sst_accept_501", boolean()),
  field("sipTimerB", "sip_timer_b", integer(1, INT32_MAX, true, "milliseconds")),
  field("dnsSrvFailoverTimer", "dns_srv_failover_timer", integer(1, INT32_MAX, true, "milliseconds")),
  field("rtpPing", "rtp_ping", boolean(true)),
  field("rtpTimeout", "rtp_timeout", integer(1, INT32_MAX, true, "seconds")),
  field("forceSymmetricRtp", "force_symmetric_rtp", boolean(true)),
  field("symmetricRtpIgnoreRtcp", "symmetric_rtp_ignore_rtcp", boolean(true)),
  field("allowedRtpIps", "allowed_rtp_ips", {
    kind: "stringList",
    nullable: true,
    item: isIpOrSubnet,
    itemHint: "an IPv4 or IPv6 address or subnet (e.g. 203.0.113.0/24)",
    maxItems: 10,
  }),
  field("mediaEncryptionMode", "media_encryption_mode", oneOf(["disabled", "srtp_sdes", "srtp_dtls", "zrtp"])),
  field("stirShakenMode", "stir_shaken_mode", oneOf(["disabled", "original", "pai", "original_pai", "verstat"])),
  field("diversionRelayPolicy", "diversion_relay_policy", oneOf(["none", "as_is", "sip", "tel"])),
  field("diversionInjectMode", "diversion_inject_mode", oneOf(["none", "did_number"])),
  field("cnamLookup", "cnam_lookup", boolean()),
  field("maxTransfers", "max_transfers", integer(0, INT32_MAX, false)),
  field("max30xRedirects", "max_30x_redirects", integer(0, INT32_MAX, false)),
  field("reroutingDisconnectCodeIds", "rerouting_disconnect_code_ids", {
    kind: "integerList",
    nullable: true,
    allowed: isDisconnectCode,
    allowedHint: "56–108 (SIP 400–606) or 1505 (ringing timeout)",
    ordered: false,
    minItems: 0,
  }),
];

/** `pstn_configurations` attributes: the number calls are forwarded to. */
export const PSTN_FIELDS: readonly Field[] = [
  field("dst", "dst", string({ nullable: false, pattern: /^\+?[1-9]\d{5,16}$/, patternHint: 'E.164 digits, e.g. "4930123456789"' })),
];

/** The attributes of a trunk group (`VoiceInTrunkGroupCreateRequest.data.attributes`) beside its name. */
export const GROUP_FIELDS: readonly Field[] = [
  field("capacityLimit", "capacity_limit", integer(1, 32767, true, "simultaneous calls across the group; null: no limit")),
  field("externalReferenceId", "external_reference_id", string({ maxLength: 100 })),
];

/** SIP attributes DIDWW generates and answers with, never accepted in a request; the resource outputs them. */
export const GENERATED_SIP_ATTRIBUTES = ["incoming_auth_username", "incoming_auth_password"] as const;

export function isSecret(field: Field): boolean {
  return field.rule.kind === "string" && field.rule.secret === true;
}
