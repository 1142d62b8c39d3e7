import nock from "nock";
import { afterEach, describe, expect, it } from "vitest";
import { CarrierxClient } from "../provider/carrierx/client";
import { DidwwClient } from "../provider/didww/client";
import type { HttpLimits } from "../provider/http";
import { formatProblem, parseRoutingFile } from "../routing/file";
import { resolveRouting, type ResolveOptions } from "../routing/resolve";
import { createCarrierxSandbox, type CarrierxSandbox } from "../sandbox/carrierx";
import { createDidwwSandbox, type DidwwSandbox, type DidwwSeed } from "../sandbox/didww";

/** Resolution against the sandboxes over real HTTP: the requests it sends, and the problems a person reads. */
const KEY = "resolve-test-key";
const T_FRA = "41b94706-325e-4704-a433-d65105758836";
const T_DUB = "ca7da6d0-aa0b-447d-8fc0-1bc58b51298c";
const T_LON = "e9c1b7e9-253b-46c8-b7e9-5a930ab594c5";
const G_EU = "714e8148-0aea-4cb6-8680-bd1d06453418";
const G_US = "e74fcf6a-bb8d-4ee0-9980-bdc24a728b9a";
const D1 = "9df99644-f1a5-4a3c-99a4-559d758eb96b";
const D2 = "44957076-778a-4802-b60c-d22db0cda284";
const D3 = "2a0c5e1e-8f5b-4d0e-9d8a-1f6a2b3c4d5e";

const seed: DidwwSeed = {
  trunks: [
    { id: T_FRA, name: "pbx-frankfurt" },
    { id: T_DUB, name: "pbx-dublin" },
    { id: T_LON, name: "pbx-london" },
  ],
  trunkGroups: [
    { id: G_EU, name: "eu-primary", trunkIds: [T_FRA] },
    { id: G_US, name: "us-backup", trunkIds: [] },
  ],
  dids: [
    { id: D1, number: "16091609123456797", trunkId: T_LON },
    { id: D2, number: "442037691880" },
    { id: D3, number: "493012345678", trunkGroupId: G_EU },
  ],
};

const limits: HttpLimits = { maxRequestsPerSecond: 0, requestTimeoutMs: 5_000, operationTimeoutMs: 5_000 };
const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function didwwSandbox(apiVersion = "2026-04-16", s: DidwwSeed = seed) {
  const sandbox = createDidwwSandbox({ apiKey: KEY, seed: s });
  servers.push(sandbox);
  const endpoint = await sandbox.listen();
  return { sandbox, client: new DidwwClient({ auth: { scheme: "apiKey", apiKey: KEY }, endpoint, apiVersion, limits }) };
}

async function resolveText(text: string, clients: { didww?: DidwwClient; carrierx?: CarrierxClient }, options: ResolveOptions = {}) {
  const { file, problems } = parseRoutingFile(text, "routing.yaml");
  expect(problems).toEqual([]);
  const result = await resolveRouting(
    file,
    {
      didww: () => clients.didww ?? expect.fail("the DIDWW client was asked for"),
      carrierx: () => clients.carrierx ?? expect.fail("the CarrierX client was asked for"),
    },
    options,
  );
  return { ...result, messages: result.problems.map((p) => formatProblem("routing.yaml", p)) };
}

const gets = (sandbox: DidwwSandbox | CarrierxSandbox) =>
  sandbox.requests.map((r) => ({ method: r.method, path: r.path, query: r.query }));

const FILE = `didww:
  dids:
    - number: "+16091609123456797"
      trunk: pbx-frankfurt
    - number: "+442037691880"
      trunk: pbx-dublin
    - id: ${D3}
      trunkGroup: us-backup
  trunkGroups:
    - group: eu-primary
      trunks: [pbx-frankfurt, pbx-dublin]
    - group: ${G_US}
      trunks: [${T_LON}]
`;

describe("resolving DIDWW numbers and names", () => {
  it("looks every distinct name up once, in batched requests, and reads the live routing", async () => {
    const { sandbox, client } = await didwwSandbox();
    const { routing, messages } = await resolveText(FILE, { didww: client });
    expect(messages).toEqual([]);
    expect(gets(sandbox)).toEqual([
      {
        method: "GET",
        path: "/v3/dids",
        query: {
          "filter[number]": "16091609123456797,442037691880",
          include: "voice_in_trunk,voice_in_trunk_group",
          "page[number]": "1",
          "page[size]": "100",
        },
      },
      {
        method: "GET",
        path: "/v3/dids",
        query: { "filter[id]": D3, include: "voice_in_trunk,voice_in_trunk_group", "page[number]": "1", "page[size]": "100" },
      },
      // No lookup of ${T_LON} by id: DID +16091609123456797 rings it, so it came included with the DIDs.
      {
        method: "GET",
        path: "/v3/voice_in_trunks",
        query: { "filter[name]": "pbx-frankfurt,pbx-dublin", "page[number]": "1", "page[size]": "100" },
      },
      { method: "GET", path: "/v3/voice_in_trunk_groups", query: { include: "voice_in_trunks", "page[number]": "1", "page[size]": "100" } },
    ]);
    expect(routing.didww.dids.map((d) => [d.live.id, d.live.trunkId, d.live.trunkGroupId, d.want])).toEqual([
      [D1, T_LON, null, { kind: "trunk", target: { id: T_FRA } }],
      [D2, null, null, { kind: "trunk", target: { id: T_DUB } }],
      [D3, null, G_EU, { kind: "trunkGroup", target: { id: G_US } }],
    ]);
    expect(routing.didww.trunkGroups.map((g) => [g.live.id, g.live.trunkIds, g.want])).toEqual([
      [G_EU, [T_FRA], [{ id: T_FRA }, { id: T_DUB }]],
      [G_US, [], [{ id: T_LON }]],
    ]);
  });

  it("reads nothing but the DIDs when every trunk and group it names by id is one the DIDs ring now", async () => {
    const { sandbox, client } = await didwwSandbox();
    const { routing, messages } = await resolveText(
      `didww:
  dids:
    - number: "+16091609123456797"
      trunk: ${T_LON}
    - number: "+493012345678"
      trunkGroup: ${G_EU}
    - number: "+442037691880"
      trunk: ${T_LON}
`,
      { didww: client },
    );
    expect(messages).toEqual([]);
    expect(gets(sandbox).map((r) => r.path)).toEqual(["/v3/dids"]);
    expect(routing.didww.dids.map((d) => d.want)).toEqual([
      { kind: "trunk", target: { id: T_LON } },
      { kind: "trunkGroup", target: { id: G_EU } },
      { kind: "trunk", target: { id: T_LON } },
    ]);
    // Named for plans from what the answer included.
    expect([...routing.didww.trunkNames]).toEqual([[T_LON, "pbx-london"]]);
    expect([...routing.didww.groupNames]).toEqual([[G_EU, "eu-primary"]]);
  });

  it("looks up by id a trunk or group no DID rings now, and still refuses one the account lacks", async () => {
    const { sandbox, client } = await didwwSandbox();
    const unknownGroup = "00000000-0000-4000-8000-0000000000aa";
    const { messages } = await resolveText(
      `didww:
  dids:
    - number: "+16091609123456797"
      trunk: ${T_DUB}
    - number: "+493012345678"
      trunkGroup: ${unknownGroup}
`,
      { didww: client },
    );
    expect(messages).toEqual([`routing.yaml:6:19: no DIDWW trunk group has the id ${unknownGroup} in this account`]);
    expect(gets(sandbox).map((r) => [r.path, r.query["filter[id]"] ?? null])).toEqual([
      ["/v3/dids", null],
      ["/v3/voice_in_trunks", T_DUB],
      ["/v3/voice_in_trunk_groups", null],
    ]);
  });

  it("does not trust an included trunk without a name: it looks that trunk up by id", async () => {
    nock.disableNetConnect();
    const api = nock("https://didww.test")
      .get("/v3/dids")
      .query(true)
      .reply(200, {
        data: [
          {
            id: D1,
            type: "dids",
            attributes: { number: "16091609123456797" },
            relationships: { voice_in_trunk: { data: { type: "voice_in_trunks", id: T_LON } }, voice_in_trunk_group: { data: null } },
          },
        ],
        included: [{ type: "voice_in_trunks", id: T_LON }],
        meta: { total_records: 1 },
      })
      .get("/v3/voice_in_trunks")
      .query({ "filter[id]": T_LON, "page[number]": "1", "page[size]": "100" })
      .reply(200, { data: [{ id: T_LON, type: "voice_in_trunks", attributes: { name: "pbx-london" } }], meta: { total_records: 1 } });
    try {
      const client = new DidwwClient({ auth: { scheme: "apiKey", apiKey: KEY }, endpoint: "https://didww.test/v3", apiVersion: "2026-04-16", limits });
      const { routing, messages } = await resolveText(`didww:\n  dids:\n    - number: "+16091609123456797"\n      trunk: ${T_LON}\n`, {
        didww: client,
      });
      expect(messages).toEqual([]);
      expect([...routing.didww.trunkNames]).toEqual([[T_LON, "pbx-london"]]);
      expect(api.isDone()).toBe(true);
    } finally {
      nock.cleanAll();
      nock.enableNetConnect();
    }
  });

  it("sends at most 100 numbers per request", async () => {
    const many: DidwwSeed = {
      ...seed,
      dids: Array.from({ length: 150 }, (_, i) => ({
        id: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
        number: `4930123${String(i).padStart(5, "0")}`,
        trunkId: T_FRA,
      })),
    };
    const { sandbox, client } = await didwwSandbox("2026-04-16", many);
    const entries = many.dids!.map((d) => `    - number: "+${d.number}"\n      trunk: pbx-dublin\n`).join("");
    const { routing, messages } = await resolveText(`didww:\n  dids:\n${entries}`, { didww: client });
    expect(messages).toEqual([]);
    expect(routing.didww.dids).toHaveLength(150);
    const didLookups = sandbox.requests.filter((r) => r.path === "/v3/dids");
    expect(didLookups.map((r) => r.query["filter[number]"]!.split(",").length)).toEqual([100, 50]);
    expect(sandbox.requests).toHaveLength(3); // two DID lookups and one trunk lookup, for 150 resources
  });

  it("reports what the account does not have at the line that names it", async () => {
    const { client } = await didwwSandbox();
    const text = `didww:
  dids:
    - number: "+4930999999"
      trunk: pbx-paris
    - id: 00000000-0000-4000-8000-000000000000
      trunkGroup: nowhere
  trunkGroups:
    - group: eu-primary
      trunks: [pbx-frankfurt, ${T_LON.replace("e9", "ff")}]
`;
    const { messages } = await resolveText(text, { didww: client });
    expect(messages).toEqual([
      "routing.yaml:3:15: no DIDWW DID has the number +4930999999 in this account",
      'routing.yaml:4:14: no DIDWW trunk is named "pbx-paris" in this account',
      "routing.yaml:5:11: no DIDWW DID has the id 00000000-0000-4000-8000-000000000000 in this account",
      'routing.yaml:6:19: no DIDWW trunk group is named "nowhere" in this account',
      `routing.yaml:9:31: no DIDWW trunk has the id ${T_LON.replace("e9", "ff")} in this account`,
    ]);
  });

  it("finds a DID named twice, once by number and once by id, and a trunk put in two groups by name and by id", async () => {
    const { client } = await didwwSandbox();
    const text = `didww:
  dids:
    - number: "+16091609123456797"
      trunk: pbx-frankfurt
    - id: ${D1}
      trunk: pbx-dublin
  trunkGroups:
    - group: eu-primary
      trunks: [pbx-dublin]
    - group: us-backup
      trunks: [${T_DUB}]
`;
    const { messages } = await resolveText(text, { didww: client });
    expect(messages).toEqual([
      `routing.yaml:5:11: DIDWW DID +16091609123456797 (${D1}) is listed twice (first at line 3)`,
      `routing.yaml:11:16: trunk ${T_DUB} is also in trunk group eu-primary (line 8): a DIDWW trunk belongs to at most one group`,
    ]);
  });

  it("uses the old names for API versions before 2021-12-15", async () => {
    const { sandbox, client } = await didwwSandbox("2021-04-19");
    const { routing, messages } = await resolveText(FILE, { didww: client });
    expect(messages).toEqual([]);
    expect(routing.didww.dids).toHaveLength(3);
    expect(new Set(sandbox.requests.map((r) => r.path))).toEqual(new Set(["/v3/dids", "/v3/trunks", "/v3/trunk_groups"]));
    expect(sandbox.requests[0]?.query["include"]).toBe("trunk,trunk_group");
  });

  it("fails with the API's reason when the key is refused, and never echoes the key", async () => {
    const { sandbox } = await didwwSandbox();
    const client = new DidwwClient({ auth: { scheme: "apiKey", apiKey: "wrong-key-123" }, endpoint: sandbox.url, apiVersion: "2026-04-16", limits });
    const failure = await resolveText(FILE, { didww: client }).catch((error: Error) => error);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toMatch(/^DIDWW rejected the API key \(401 on GET \/v3\/dids\)/);
    expect((failure as Error).message).not.toContain("wrong-key-123");
  });
});

describe("resolving CarrierX numbers and names", () => {
  const GROUP_EAST = "c7eae0b4-5eda-4964-8998-d514903b4af0";
  const GROUP_WEST = "f1d2b7a1-0c4e-4d43-9a53-6f0d7f8e9a10";
  const SID1 = "e8df62d5-07a3-4189-a67e-87585067c5fe";
  const SID2 = "b3b0c7e4-5a8d-4a6c-9a0e-2f7b9e1c3d4f";

  async function carrierxSandbox(dids = 2) {
    const sandbox = createCarrierxSandbox({
      token: "tok",
      seed: {
        trunkGroups: [
          { sid: GROUP_EAST, name: "us-east" },
          { sid: GROUP_WEST, name: "us-west" },
        ],
        dids: [
          { sid: SID1, phonenumber: "15162065574", trunkGroupSid: GROUP_WEST },
          { sid: SID2, phonenumber: "15162065575" },
          ...Array.from({ length: dids - 2 }, (_, i) => ({
            sid: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
            phonenumber: `1212555${String(i).padStart(4, "0")}`,
          })),
        ],
      },
    });
    servers.push(sandbox);
    const endpoint = await sandbox.listen();
    return { sandbox, client: new CarrierxClient({ token: "tok", endpoint, limits }) };
  }

  it("lists the partner's DIDs and trunk groups once, 1,000 per request", async () => {
    const { sandbox, client } = await carrierxSandbox();
    const text = `carrierx:\n  dids:\n    - number: "+15162065574"\n      trunkGroup: us-east\n    - sid: ${SID2}\n      trunkGroup: ${GROUP_WEST}\n`;
    const { routing, messages } = await resolveText(text, { carrierx: client });
    expect(messages).toEqual([]);
    expect(gets(sandbox)).toEqual([
      { method: "GET", path: "/core/v2/phonenumber/dids", query: { limit: "1000", offset: "0" } },
      { method: "GET", path: "/core/v2/trunk_groups", query: { limit: "1000", offset: "0" } },
    ]);
    expect(routing.carrierx.dids.map((d) => [d.live.didSid, d.live.trunkGroupSid, d.want])).toEqual([
      [SID1, GROUP_WEST, { id: GROUP_EAST }],
      [SID2, null, { id: GROUP_WEST }],
    ]);
  });

  it("filters one number directly instead of listing every DID", async () => {
    const { sandbox, client } = await carrierxSandbox();
    const { messages } = await resolveText(`carrierx:\n  dids:\n    - number: "+15162065575"\n      trunkGroup: us-east\n`, {
      carrierx: client,
    });
    expect(messages).toEqual([]);
    expect(sandbox.requests[0]?.query).toEqual({ limit: "1000", offset: "0", filter: 'phonenumber eq "15162065575"' });
  });

  it("pages through a large account, and reports a number it does not have", async () => {
    const { sandbox, client } = await carrierxSandbox(1500);
    const text = `carrierx:\n  dids:\n    - number: "+12125551400"\n      trunkGroup: us-east\n    - number: "+12125550001"\n      trunkGroup: us-east\n    - number: "+19999999999"\n      trunkGroup: us-wast\n`;
    const { messages } = await resolveText(text, { carrierx: client });
    expect(messages).toEqual([
      "routing.yaml:7:15: no CarrierX DID has the number +19999999999 in this account",
      'routing.yaml:8:19: no CarrierX trunk group is named "us-wast" in this account',
    ]);
    // Two pages, then the number neither showed, on its own: paging by offset can skip a DID when the account changes
    // between pages, so only a lookup of its own says it is not there.
    const didPages = sandbox.requests.filter((r) => r.path === "/core/v2/phonenumber/dids").map((r) => [r.query["offset"], r.query["filter"] ?? null]);
    expect(didPages).toEqual([["0", null], ["1000", null], ["0", 'phonenumber eq "19999999999"']]);
  });
});

describe("resolving what the file declares", () => {
  const DECLARED = `didww:
  trunks:
    - name: pbx-new
      sip: { host: pbx-new.example.com }
    - name: pbx-frankfurt
      pstn: { dst: "4930123456789" }
  trunkGroups:
    - name: de-primary
      trunks: [pbx-new, pbx-london]
    - group: eu-primary
      trunks: [pbx-frankfurt, pbx-dublin]
  dids:
    - number: "+16091609123456797"
      trunk: pbx-new
    - number: "+442037691880"
      trunkGroup: de-primary
`;

  it("a program's resolution looks up only what the file does not declare: a declared name resolves to the declaration", async () => {
    const { sandbox, client } = await didwwSandbox();
    const { routing, messages } = await resolveText(DECLARED, { didww: client });
    expect(messages).toEqual([]);
    expect(gets(sandbox).map((r) => [r.path, r.query["filter[name]"] ?? null])).toEqual([
      ["/v3/dids", null],
      ["/v3/voice_in_trunks", "pbx-dublin,pbx-london"],
      ["/v3/voice_in_trunk_groups", null],
    ]);
    expect(routing.didww.trunks.map((t) => [t.entry.name.value, t.live])).toEqual([
      ["pbx-new", null],
      ["pbx-frankfurt", null],
    ]);
    expect(routing.didww.declaredGroups.map((g) => [g.entry.name.value, g.live, g.want])).toEqual([
      ["de-primary", null, [{ declared: "pbx-new", id: null }, { id: T_LON }]],
    ]);
    // pbx-frankfurt is declared, so the file means its own trunk, whose id the program takes from the resource.
    expect(routing.didww.trunkGroups.map((g) => [g.live.id, g.want])).toEqual([[G_EU, [{ declared: "pbx-frankfurt", id: null }, { id: T_DUB }]]]);
    expect(routing.didww.dids.map((d) => d.want)).toEqual([
      { kind: "trunk", target: { declared: "pbx-new", id: null } },
      { kind: "trunkGroup", target: { declared: "de-primary", id: null } },
    ]);
  });

  it("a file of declarations alone asks no client for anything; a plan's resolution reads them by name", async () => {
    const text = 'didww:\n  trunks:\n    - name: pbx-new\n      sip: { host: pbx-new.example.com }\n  trunkGroups:\n    - name: de-primary\n      trunks: [pbx-new]\n';
    const offline = await resolveText(text, {});
    expect(offline.messages).toEqual([]);
    expect(offline.routing.didww.declaredGroups[0]?.want).toEqual([{ declared: "pbx-new", id: null }]);

    const { sandbox, client } = await didwwSandbox();
    const read = await resolveText(DECLARED, { didww: client }, { readDeclared: true });
    expect(read.messages).toEqual([]);
    expect(gets(sandbox).map((r) => [r.path, r.query["filter[name]"] ?? null])).toEqual([
      ["/v3/dids", null],
      ["/v3/voice_in_trunks", "pbx-dublin,pbx-london"],
      // One request for every declared trunk; groups are listed once, as before.
      ["/v3/voice_in_trunks", "pbx-new,pbx-frankfurt"],
      ["/v3/voice_in_trunk_groups", null],
    ]);
    expect(read.routing.didww.trunks.map((t) => [t.entry.name.value, t.live?.id ?? null])).toEqual([
      ["pbx-new", null],
      ["pbx-frankfurt", T_FRA],
    ]);
    expect(read.routing.didww.trunkGroups[0]?.want).toEqual([{ declared: "pbx-frankfurt", id: T_FRA }, { id: T_DUB }]);
  });

  it("refuses a declared trunk or group given by its id: only its name makes what names it follow the declaration", async () => {
    const { client } = await didwwSandbox();
    const text = `didww:
  trunks:
    - name: pbx-frankfurt
      pstn: { dst: "4930123456789" }
  trunkGroups:
    - name: eu-primary
      trunks: []
  dids:
    - number: "+16091609123456797"
      trunk: ${T_FRA}
    - number: "+442037691880"
      trunkGroup: ${G_EU}
`;
    const { messages } = await resolveText(text, { didww: client }, { readDeclared: true });
    expect(messages).toEqual([
      `routing.yaml:10:14: trunk ${T_FRA} is pbx-frankfurt, which this file declares: name it pbx-frankfurt here, so that it follows the declaration`,
      `routing.yaml:12:19: trunk group ${G_EU} is eu-primary, which this file declares: name it eu-primary here, so that it follows the declaration`,
    ]);
  });

  it("CarrierX: declared groups and their trunks are read by name (a plan), DIDs naming them resolve to the declaration", async () => {
    const EAST = "c7eae0b4-5eda-4964-8998-d514903b4af0";
    const EAST_1 = "5d2e7c1a-3b4f-4a6d-8e9f-0a1b2c3d4e5f";
    const DID = "e8df62d5-07a3-4189-a67e-87585067c5fe";
    const sandbox = createCarrierxSandbox({
      token: "tok",
      seed: {
        trunkGroups: [
          { sid: EAST, name: "us-east", trunks: [{ sid: EAST_1, name: "pbx-east-1" }] },
          { sid: "0a4c2e6f-8b1d-4f3a-9c5e-7d9f1b3a5c7e", name: "twice" },
          { sid: "1b5d3f7a-9c2e-4a4b-8d6f-8e0a2c4b6d8f", name: "twice" },
        ],
        dids: [{ sid: DID, phonenumber: "15162065574" }],
      },
    });
    servers.push(sandbox);
    const client = new CarrierxClient({ token: "tok", endpoint: await sandbox.listen(), limits });
    const text = `carrierx:
  trunkGroups:
    - name: us-east
      trunks:
        - name: pbx-east-1
        - name: pbx-east-2
    - name: us-central
      trunks: [{ name: pbx-chicago }]
    - name: twice
      trunks: []
  dids:
    - number: "+15162065574"
      trunkGroup: us-central
`;
    const program = await resolveText(text, { carrierx: client });
    // The DID names a declared group: nothing to look up for it, and no group to list.
    expect(program.messages).toEqual([]);
    expect(gets(sandbox).map((r) => r.path)).toEqual(["/core/v2/phonenumber/dids"]);
    expect(program.routing.carrierx.dids[0]?.want).toEqual({ declared: "us-central", id: null });

    const before = sandbox.requests.length;
    const plan = await resolveText(text.replace("    - name: twice\n      trunks: []\n", ""), { carrierx: client }, { readDeclared: true });
    expect(plan.messages).toEqual([]);
    expect(gets(sandbox).slice(before).map((r) => r.path)).toEqual([
      "/core/v2/phonenumber/dids",
      "/core/v2/trunk_groups",
      `/core/v2/trunk_groups/${EAST}/trunks`,
    ]);
    expect(plan.routing.carrierx.trunkGroups.map((g) => [g.entry.name.value, g.live?.["trunk_group_sid"] ?? null, g.trunks.map((t) => t.live?.["trunk_sid"] ?? null)])).toEqual([
      ["us-east", EAST, [EAST_1, null]],
      ["us-central", null, [null]],
    ]);

    const twice = await resolveText(text, { carrierx: client }, { readDeclared: true });
    expect(twice.messages).toEqual([
      expect.stringMatching(/^routing\.yaml:9:13: CarrierX has 2 trunk groups named "twice" \(0a4c2e6f-.*, 1b5d3f7a-.*\): TrunkGroup cannot tell which to manage/),
    ]);
  });
});
