import * as pulumi from "@pulumi/pulumi";
import { providerFor } from "../shim";

/** One provider object for every instance: Pulumi serializes it once per object, not once per resource. */
const provider = providerFor("didww:VoiceInTrunk");

/**
A SIP trunk's settings: every attribute DIDWW's `sip_configurations` accepts on create, in camelCase
(`codec_ids` → `codecIds`). Leave out what you do not want to manage: DIDWW's default (or whatever the trunk has)
stays, and a change made by hand is never reverted. `null` clears a setting that takes null.
*/
export interface SipSettings {
  /** Hostname or IP address calls are sent to; required unless `enabledSipRegistration` is true, refused with it. */
  host?: pulumi.Input<string | null>;
  /** 1–65535; refused with SIP registration. */
  port?: pulumi.Input<number | null>;
  /** User part of the request URI. */
  username?: pulumi.Input<string | null>;
  /** 1 UDP, 2 TCP, 3 TLS. */
  transportProtocolId?: pulumi.Input<1 | 2 | 3>;
  networkProtocolPriority?: pulumi.Input<"force_ipv4" | "force_ipv6" | "any" | "prefer_ipv4" | "prefer_ipv6">;
  resolveRuri?: pulumi.Input<boolean>;
  /** Put the DID in the request URI's user part; requires `enabledSipRegistration: true`. */
  useDidInRuri?: pulumi.Input<boolean>;
  /**
  Codecs in preference order: 6 telephone-event, 7 G723, 8 G729, 9 PCMU, 10 PCMA, 12 speex, 13 GSM, 14 G726-32,
  15 G721, 16 G726-24, 17 G726-40, 18 G726-16, 19 L16.
  */
  codecIds?: pulumi.Input<pulumi.Input<number>[]>;
  /** 1 RFC 2833, 2 SIP INFO, 3 either. */
  rxDtmfFormatId?: pulumi.Input<1 | 2 | 3 | null>;
  /** 1 disabled, 2 RFC 2833, 3 SIP INFO application/dtmf-relay, 4 SIP INFO application/dtmf. */
  txDtmfFormatId?: pulumi.Input<1 | 2 | 3 | 4 | null>;
  /** Authenticate to the host; needs `authUser` and `authPassword`. */
  authEnabled?: pulumi.Input<boolean>;
  authUser?: pulumi.Input<string | null>;
  /** Always stored as a secret: encrypted in state, `[secret]` in outputs, never in logs or errors. */
  authPassword?: pulumi.Input<string | null>;
  authFromUser?: pulumi.Input<string | null>;
  authFromDomain?: pulumi.Input<string | null>;
  /** The PBX registers with DIDWW (which generates `incomingAuthUsername`/`incomingAuthPassword`) instead of a fixed host. */
  enabledSipRegistration?: pulumi.Input<boolean>;
  sstEnabled?: pulumi.Input<boolean>;
  /** Session timer bounds, seconds (90–86400). */
  sstMinTimer?: pulumi.Input<number | null>;
  sstMaxTimer?: pulumi.Input<number | null>;
  sstSessionExpires?: pulumi.Input<number | null>;
  /** 1 INVITE, 2 UPDATE, 3 UPDATE falling back to INVITE. */
  sstRefreshMethodId?: pulumi.Input<1 | 2 | 3>;
  sstAccept501?: pulumi.Input<boolean>;
  /** INVITE transaction timeout, milliseconds. */
  sipTimerB?: pulumi.Input<number | null>;
  /** SRV failover timeout, milliseconds. */
  dnsSrvFailoverTimer?: pulumi.Input<number | null>;
  rtpPing?: pulumi.Input<boolean | null>;
  /** Seconds of RTP silence before the call is dropped. */
  rtpTimeout?: pulumi.Input<number | null>;
  forceSymmetricRtp?: pulumi.Input<boolean | null>;
  symmetricRtpIgnoreRtcp?: pulumi.Input<boolean | null>;
  /** Up to 10 IPv4/IPv6 addresses or subnets RTP may come from; null: no restriction. */
  allowedRtpIps?: pulumi.Input<pulumi.Input<string>[] | null>;
  mediaEncryptionMode?: pulumi.Input<"disabled" | "srtp_sdes" | "srtp_dtls" | "zrtp">;
  stirShakenMode?: pulumi.Input<"disabled" | "original" | "pai" | "original_pai" | "verstat">;
  diversionRelayPolicy?: pulumi.Input<"none" | "as_is" | "sip" | "tel">;
  diversionInjectMode?: pulumi.Input<"none" | "did_number">;
  cnamLookup?: pulumi.Input<boolean>;
  maxTransfers?: pulumi.Input<number>;
  max30xRedirects?: pulumi.Input<number>;
  /** Disconnect codes that send the call on to the group's next trunk: 56–108 (SIP 400–606), 1505 ringing timeout. */
  reroutingDisconnectCodeIds?: pulumi.Input<pulumi.Input<number>[] | null>;
}

/** A PSTN trunk forwards calls to a phone number. */
export interface PstnSettings {
  /** The number, E.164 digits as DIDWW stores them ("4930123456789"); a leading "+" is accepted and dropped. */
  dst: pulumi.Input<string>;
}

export interface VoiceInTrunkArgs {
  /** The trunk's name in DIDWW, unique in the account; changing it renames the trunk in place. */
  name: pulumi.Input<string>;
  description?: pulumi.Input<string | null>;
  /** Your own identifier for the trunk, up to 100 characters. */
  externalReferenceId?: pulumi.Input<string | null>;
  /** 0–65535, lower wins within a trunk group. */
  priority?: pulumi.Input<number>;
  /** 0–65535, shares calls among trunks of equal priority. */
  weight?: pulumi.Input<number>;
  /** Simultaneous calls, 1–32767; null: no limit. */
  capacityLimit?: pulumi.Input<number | null>;
  /** How the caller's number is delivered. */
  cliFormat?: pulumi.Input<"raw" | "e164" | "local">;
  /** Up to 7 digits, letters, "+" and "#" put before the caller's number. */
  cliPrefix?: pulumi.Input<string | null>;
  /** Seconds to ring, 1–32; null: DIDWW's default. */
  ringingTimeout?: pulumi.Input<number | null>;
  /** A SIP trunk. Set exactly one of `sip` and `pstn`; switching between them replaces the trunk. */
  sip?: pulumi.Input<SipSettings>;
  /** A PSTN trunk. */
  pstn?: pulumi.Input<PstnSettings>;
  /**
  Take over an existing trunk of the same name on create, updating it to this declaration, instead of refusing.
  Without it, create stops when the name is taken. Deleting the resource then deletes the trunk (use
  `retainOnDelete` to keep it).
  */
  adopt?: pulumi.Input<boolean>;
}

type Unwrapped<T> = { [K in keyof T]: pulumi.Unwrap<T[K]> };

/** The outputs of generated secrets: `additionalSecretOutputs`, so they are encrypted in state and never shown. */
const SECRET_OUTPUTS = ["incomingAuthUsername", "incomingAuthPassword"];

/**
A DIDWW voice in trunk (SIP or PSTN), created, updated and deleted as declared. The resource id is the trunk id: give
`trunk.id` to a `DidTrunkAssignment` or a `VoiceInTrunkGroup`, so Pulumi routes DIDs to it once it exists and
unroutes them before it is deleted.
*/
export class VoiceInTrunk extends pulumi.dynamic.Resource {
  declare readonly name: pulumi.Output<string>;
  declare readonly description: pulumi.Output<string | null | undefined>;
  declare readonly externalReferenceId: pulumi.Output<string | null | undefined>;
  declare readonly priority: pulumi.Output<number | undefined>;
  declare readonly weight: pulumi.Output<number | undefined>;
  declare readonly capacityLimit: pulumi.Output<number | null | undefined>;
  declare readonly cliFormat: pulumi.Output<string | undefined>;
  declare readonly cliPrefix: pulumi.Output<string | null | undefined>;
  declare readonly ringingTimeout: pulumi.Output<number | null | undefined>;
  /** The declared SIP settings with DIDWW's values (`authPassword` secret). */
  declare readonly sip: pulumi.Output<Unwrapped<SipSettings> | undefined>;
  declare readonly pstn: pulumi.Output<Unwrapped<PstnSettings> | undefined>;
  declare readonly adopt: pulumi.Output<boolean | undefined>;
  /** When DIDWW created the trunk. */
  declare readonly createdAt: pulumi.Output<string>;
  /** Everything DIDWW holds for the configuration, defaults included, by input name; without passwords. */
  declare readonly configuration: pulumi.Output<{ type: "sip_configurations" | "pstn_configurations"; attributes: Record<string, unknown> }>;
  /** Generated while SIP registration is on, else null. Secret. */
  declare readonly incomingAuthUsername: pulumi.Output<string | null>;
  /** Generated while SIP registration is on, else null. Secret. */
  declare readonly incomingAuthPassword: pulumi.Output<string | null>;

  constructor(name: string, args: VoiceInTrunkArgs, opts?: pulumi.CustomResourceOptions) {
    // Placeholders make every output exist; spread, because Pulumi writes `__provider` into the object it is given.
    const props = {
      description: undefined,
      externalReferenceId: undefined,
      priority: undefined,
      weight: undefined,
      capacityLimit: undefined,
      cliFormat: undefined,
      cliPrefix: undefined,
      ringingTimeout: undefined,
      sip: undefined,
      pstn: undefined,
      adopt: undefined,
      createdAt: undefined,
      configuration: undefined,
      incomingAuthUsername: undefined,
      incomingAuthPassword: undefined,
      ...args,
      ...(args.sip === undefined ? {} : { sip: secretPassword(args.sip) }),
    };
    super(provider, name, props, pulumi.mergeOptions(opts, { additionalSecretOutputs: SECRET_OUTPUTS }), "didww", "VoiceInTrunk");
  }
}

/**
`sip` with its `authPassword` as a secret, whatever the program passed: encrypted in state and shown as `[secret]`.
An object given directly keeps the rest of its settings readable; one only known later (an Output) becomes secret as
a whole when it carries a password, as Pulumi cannot mark part of an Output.
*/
function secretPassword(sip: pulumi.Input<SipSettings>): pulumi.Input<SipSettings> {
  if (pulumi.Output.isInstance(sip) || sip instanceof Promise) {
    return pulumi.output(sip).apply((value) =>
      value?.authPassword === undefined || value.authPassword === null ? value : pulumi.secret(value),
    ) as pulumi.Input<SipSettings>;
  }
  const settings = sip as SipSettings;
  if (settings.authPassword === undefined || settings.authPassword === null) return settings;
  return { ...settings, authPassword: pulumi.secret(settings.authPassword) };
}
