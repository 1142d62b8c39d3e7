/**
DIDWW voice in trunks and voice in trunk groups over the API: the request bodies the resources send (built from the
declaration alone, also for showing a request before it is sent), the documents DIDWW answers with (read into the
resources' names), and the requests themselves, through the DIDWW client and its error mapping.

Reference: didww-api.md §6 (trunks: attributes, configuration types, PATCH semantics, delete), §7 (groups), Example A5.
*/

import { DidrouteError } from "../errors";
import type { HttpRequest } from "../http";
import { DidwwClient, identifierId, malformed, PAGE_SIZE, resourceRelationship, type Subject } from "./client";
import type { DidwwNames } from "./names";
import { GENERATED_SIP_ATTRIBUTES, GROUP_FIELDS, PSTN_FIELDS, SIP_FIELDS, TRUNK_FIELDS, type Field } from "./trunkFields";
import type { VoiceInTrunkGroupInputs, VoiceInTrunkInputs } from "./trunkRules";

export type ConfigurationType = "sip_configurations" | "pstn_configurations";

/** A trunk as DIDWW holds it, in the resources' names (camelCase). */
export interface LiveTrunk {
  id: string;
  name: string;
  /** The attributes of TRUNK_FIELDS by input name. */
  attributes: Record<string, unknown>;
  createdAt: string;
  configurationType: ConfigurationType;
  /**
  The configuration's attributes by input name (`sip.*` or `pstn.*`), the SIP password included; the generated
  registration credentials are apart.
  */
  settings: Record<string, unknown>;
  incomingAuthUsername: string | null;
  incomingAuthPassword: string | null;
}

export interface LiveTrunkGroup {
  id: string;
  name: string;
  capacityLimit: number | null;
  externalReferenceId: string | null;
  createdAt: string;
  trunkIds: string[];
}

/** What still routes to a trunk or group: a first page of numbers and how many there are in all. */
interface Users {
  numbers: string[];
  total: number;
}

const toApi = (fields: readonly Field[], values: Record<string, unknown>): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  for (const field of fields) if (values[field.input] !== undefined) out[field.api] = values[field.input];
  return out;
};

const fromApi = (fields: readonly Field[], values: Record<string, unknown>): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  for (const field of fields) if (field.api in values) out[field.input] = values[field.api];
  return out;
};

/**
The configuration a create or update sends: every declared attribute, plus what SIP registration implies. DIDWW
refuses a host or port while registration is on, and use_did_in_ruri without it; DIDWW merges a configuration PATCH
into what it holds (reference §6.4), so turning registration on sends host and port as null and turning it off sends
use_did_in_ruri as false, whether or not the program declares them.
*/
export function configurationOf(inputs: VoiceInTrunkInputs): { type: ConfigurationType; attributes: Record<string, unknown> } {
  if (inputs.pstn !== undefined) return { type: "pstn_configurations", attributes: toApi(PSTN_FIELDS, inputs.pstn) };
  const sip = { ...(inputs.sip ?? {}) };
  if (sip["enabledSipRegistration"] === true) {
    sip["host"] ??= null;
    sip["port"] ??= null;
  } else if (sip["enabledSipRegistration"] === false) {
    sip["useDidInRuri"] ??= false;
  }
  return { type: "sip_configurations", attributes: toApi(SIP_FIELDS, sip) };
}

function trunkAttributes(inputs: VoiceInTrunkInputs): Record<string, unknown> {
  return { name: inputs.name, ...toApi(TRUNK_FIELDS, inputs as unknown as Record<string, unknown>), configuration: configurationOf(inputs) };
}

export function trunkCreateRequest(names: DidwwNames, inputs: VoiceInTrunkInputs): HttpRequest & { method: "POST" } {
  return { method: "POST", path: names.trunkType, body: { data: { type: names.trunkType, attributes: trunkAttributes(inputs) } } };
}

/** The complete declaration: correct whether DIDWW merges a configuration PATCH or replaces it (reference §6.4). */
export function trunkUpdateRequest(names: DidwwNames, id: string, inputs: VoiceInTrunkInputs): HttpRequest & { method: "PATCH" } {
  return {
    method: "PATCH",
    path: `${names.trunkType}/${id}`,
    body: { data: { type: names.trunkType, id, attributes: trunkAttributes(inputs) } },
  };
}

function groupBody(names: DidwwNames, inputs: VoiceInTrunkGroupInputs): Record<string, unknown> {
  return {
    attributes: { name: inputs.name, ...toApi(GROUP_FIELDS, inputs as unknown as Record<string, unknown>) },
    relationships: { [names.groupTrunks]: { data: inputs.trunkIds.map((id) => ({ type: names.trunkType, id })) } },
  };
}

export function groupCreateRequest(names: DidwwNames, inputs: VoiceInTrunkGroupInputs): HttpRequest & { method: "POST" } {
  return {
    method: "POST",
    path: names.trunkGroupType,
    searchParams: { include: names.groupTrunks },
    body: { data: { type: names.trunkGroupType, ...groupBody(names, inputs) } },
  };
}

export function groupUpdateRequest(names: DidwwNames, id: string, inputs: VoiceInTrunkGroupInputs): HttpRequest & { method: "PATCH" } {
  return {
    method: "PATCH",
    path: `${names.trunkGroupType}/${id}`,
    searchParams: { include: names.groupTrunks },
    body: { data: { type: names.trunkGroupType, id, ...groupBody(names, inputs) } },
  };
}

/** The requests about trunks and groups, through one DIDWW client (its rate limiter, retries and error messages). */
export class TrunkApi {
  readonly names: DidwwNames;

  constructor(private readonly client: DidwwClient) {
    this.names = client.names;
  }

  /** The trunks named exactly `name` (DIDWW keeps names unique, so at most one): `filter[name]`, one request. */
  trunksNamed(name: string): Promise<LiveTrunk[]> {
    return this.trunksNamedAny([name]);
  }

  /**
  The trunks named exactly one of `names`: `filter[name]=a,b,…`, which DIDWW matches as "any of", 100 names per
  request. A comma in a filter value means "or" (reference §8), so a name holding one is found by listing every trunk.
  */
  async trunksNamedAny(names: readonly string[]): Promise<LiveTrunk[]> {
    const wanted = [...new Set(names)];
    const lists = wanted.some((name) => name.includes(","))
      ? [{}]
      : Array.from({ length: Math.ceil(wanted.length / PAGE_SIZE) }, (_, i) => ({ "filter[name]": wanted.slice(i * PAGE_SIZE, (i + 1) * PAGE_SIZE).join(",") }));
    const found: LiveTrunk[] = [];
    for (const params of lists) {
      found.push(...(await this.client.list(this.names.trunkType, params, { noun: "voice in trunks" }, (item) => parseTrunk(item))));
    }
    return found.filter((trunk) => wanted.includes(trunk.name));
  }

  async createTrunk(inputs: VoiceInTrunkInputs): Promise<LiveTrunk> {
    const body = await this.client.request(trunkCreateRequest(this.names, inputs), trunkSubject(inputs.name));
    return parseTrunk(dataOf(body));
  }

  async getTrunk(id: string): Promise<LiveTrunk> {
    const body = await this.client.request({ method: "GET", path: `${this.names.trunkType}/${id}` }, { noun: "voice in trunk", id });
    return parseTrunk(dataOf(body));
  }

  async updateTrunk(id: string, inputs: VoiceInTrunkInputs): Promise<LiveTrunk> {
    const body = await this.client.request(trunkUpdateRequest(this.names, id, inputs), { noun: "voice in trunk", id });
    return parseTrunk(dataOf(body));
  }

  async deleteTrunk(id: string): Promise<void> {
    await this.client.request({ method: "DELETE", path: `${this.names.trunkType}/${id}` }, { noun: "voice in trunk", id });
  }

  /** The groups named exactly `name`: DIDWW has no name filter on groups (reference §7.1), so every group is listed. */
  async trunkGroupsNamed(name: string): Promise<LiveTrunkGroup[]> {
    return (await this.trunkGroups()).filter((group) => group.name === name);
  }

  /** Every trunk group of the account with its members, 100 per request. */
  trunkGroups(): Promise<LiveTrunkGroup[]> {
    const { trunkGroupType, groupTrunks } = this.names;
    return this.client.list(trunkGroupType, { include: groupTrunks }, { noun: "voice in trunk groups" }, (item) => this.parseGroup(item));
  }

  async createTrunkGroup(inputs: VoiceInTrunkGroupInputs): Promise<LiveTrunkGroup> {
    const body = await this.client.request(groupCreateRequest(this.names, inputs), { noun: "voice in trunk group", id: JSON.stringify(inputs.name) });
    return this.parseGroup(dataOf(body));
  }

  async getTrunkGroup(id: string): Promise<LiveTrunkGroup> {
    const { trunkGroupType, groupTrunks } = this.names;
    const request: HttpRequest = { method: "GET", path: `${trunkGroupType}/${id}`, searchParams: { include: groupTrunks } };
    return this.parseGroup(dataOf(await this.client.request(request, { noun: "voice in trunk group", id })));
  }

  async updateTrunkGroup(id: string, inputs: VoiceInTrunkGroupInputs): Promise<LiveTrunkGroup> {
    const body = await this.client.request(groupUpdateRequest(this.names, id, inputs), { noun: "voice in trunk group", id });
    return this.parseGroup(dataOf(body));
  }

  /** Moves every trunk out of the group (`voice_in_trunks: {data: []}`), leaving the trunks and the group. */
  emptyTrunkGroup(id: string): Promise<void> {
    return this.client.setTrunkGroupTrunks(id, []);
  }

  async deleteTrunkGroup(id: string): Promise<void> {
    await this.client.request({ method: "DELETE", path: `${this.names.trunkGroupType}/${id}` }, { noun: "voice in trunk group", id });
  }

  /**
  Refuses to delete `what` (a trunk or trunk group) while DIDs are routed to it, naming them: DIDWW would refuse too,
  or leave them unrouted (reference §6.6). One request.
  */
  async refuseWhileRouted(target: "trunk" | "trunkGroup", id: string, what: string): Promise<void> {
    const users = await this.didsRoutedTo(target, id);
    if (users.total === 0) return;
    const one = users.total === 1;
    const more = users.total > users.numbers.length ? ` and ${users.total - users.numbers.length} more` : "";
    throw new DidrouteError(
      `${what} is still in use: ${one ? "DID" : "DIDs"} ${users.numbers.join(", ")}${more} ${one ? "is" : "are"} ` +
        `routed to it, so it was not deleted (nothing was changed). Route ${one ? "that DID" : "those DIDs"} ` +
        "elsewhere first; DIDs a program routes to it through its id are unrouted before it is deleted.",
      { system: "DIDWW", status: 422 },
    );
  }

  /** The DIDs routed to a trunk or a trunk group: one request, the first 100 numbers and the total. */
  private async didsRoutedTo(target: "trunk" | "trunkGroup", id: string): Promise<Users> {
    const filter = target === "trunk" ? this.names.didTrunkFilter : this.names.didTrunkGroupFilter;
    const searchParams = { [`filter[${filter}]`]: id, "page[size]": "100" };
    const body = (await this.client.request({ method: "GET", path: "dids", searchParams }, { noun: "DIDs" })) as
      | { data?: unknown; meta?: { total_records?: unknown } }
      | undefined;
    if (!Array.isArray(body?.data)) throw malformed("DIDs", "the list answer has no data array");
    const numbers = body.data.map((item) => {
      const number = (item as { attributes?: { number?: unknown } } | null)?.attributes?.number;
      return typeof number === "string" ? `+${number}` : identifierId(item, "a DID");
    });
    const total = body.meta?.total_records;
    return { numbers, total: typeof total === "number" ? total : numbers.length };
  }

  private parseGroup(item: unknown): LiveTrunkGroup {
    const id = identifierId(item, "a voice in trunk group");
    const what = `voice in trunk group ${id}`;
    const attributes = attributesOf(item, what);
    const linkage = resourceRelationship(item, this.names.groupTrunks, what);
    if (!Array.isArray(linkage)) throw malformed(what, `${this.names.groupTrunks} linkage is not a list`);
    return {
      id,
      name: stringAttribute(attributes, "name", what),
      capacityLimit: (attributes["capacity_limit"] ?? null) as number | null,
      externalReferenceId: (attributes["external_reference_id"] ?? null) as string | null,
      createdAt: String(attributes["created_at"] ?? ""),
      trunkIds: linkage.map((entry) => identifierId(entry, what)),
    };
  }
}

/** For error messages about a trunk that has no id yet: `voice in trunk "pbx-frankfurt"`. */
function trunkSubject(name: string): Subject {
  return { noun: "voice in trunk", id: JSON.stringify(name) };
}

function dataOf(body: unknown): unknown {
  return (body as { data?: unknown } | undefined)?.data;
}

function attributesOf(item: unknown, what: string): Record<string, unknown> {
  const attributes = (item as { attributes?: unknown } | null)?.attributes;
  if (typeof attributes !== "object" || attributes === null) throw malformed(what, "it has no attributes");
  return attributes as Record<string, unknown>;
}

function stringAttribute(attributes: Record<string, unknown>, name: string, what: string): string {
  const value = attributes[name];
  if (typeof value !== "string") throw malformed(what, `it has no ${name} attribute`);
  return value;
}

export function parseTrunk(item: unknown): LiveTrunk {
  const id = identifierId(item, "a voice in trunk");
  const what = `voice in trunk ${id}`;
  const attributes = attributesOf(item, what);
  const configuration = attributes["configuration"] as { type?: unknown; attributes?: unknown } | undefined;
  const type = configuration?.type;
  if (type !== "sip_configurations" && type !== "pstn_configurations") {
    throw malformed(what, `its configuration type is ${JSON.stringify(type ?? null)}, not sip_configurations or pstn_configurations`);
  }
  const settings = (configuration?.attributes ?? {}) as Record<string, unknown>;
  const [username, password] = GENERATED_SIP_ATTRIBUTES;
  return {
    id,
    name: stringAttribute(attributes, "name", what),
    attributes: fromApi(TRUNK_FIELDS, attributes),
    createdAt: String(attributes["created_at"] ?? ""),
    configurationType: type,
    settings: fromApi(type === "sip_configurations" ? SIP_FIELDS : PSTN_FIELDS, settings),
    incomingAuthUsername: (settings[username] ?? null) as string | null,
    incomingAuthPassword: (settings[password] ?? null) as string | null,
  };
}

/**
A DidrouteError whose message and details never show `secrets` (DIDWW's validation errors can quote the value they
refuse: `"…" is not a valid value for auth_password`).
*/
export function withoutSecrets(error: unknown, secrets: readonly unknown[]): unknown {
  const values = secrets.filter((value): value is string => typeof value === "string" && value !== "");
  if (!(error instanceof DidrouteError) || values.length === 0) return error;
  const mask = (text: string) => values.reduce((masked, value) => masked.split(value).join("[secret]"), text);
  const { errors, ...details } = error.details;
  return new DidrouteError(mask(error.message), {
    ...details,
    ...(errors ? { errors: errors.map((item) => ({ ...item, detail: mask(item.detail) })) } : {}),
  });
}
