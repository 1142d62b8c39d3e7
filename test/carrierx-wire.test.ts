import nock from "nock";
import { beforeEach, describe, expect, it } from "vitest";
import { DidrouteError, resource } from "../provider";
import { carrierxClient } from "../provider/carrierx/client";
import { exportRouting } from "../routing/export";
import { failureWithout, useConfig, useNock } from "./wire";

/**
The exact requests CarrierX documents (reference: carrierx-api.md §2, §3.7–3.9), pinned with nock, and the errors a
person reads (§5). Bodies are matched as raw strings: nothing but `trunk_group_sid` may be sent.
*/
const TOKEN = "nock-token-3c9e51f0-7a2b";
const BASE = "https://api.carrierx.com";
const DID = "e8df62d5-07a3-4189-a67e-87585067c5fe";
const GROUP = "c7eae0b4-5eda-4964-8998-d514903b4af0";
const GROUP2 = "e74fcf6a-bb8d-4ee0-9980-bdc24a728b9a";
// Never created or updated in this file, so this process holds no claim on it (see provider/claims.ts).
const OTHER_DID = "2a0c5e1e-8f5b-4d0e-9d8a-1f6a2b3c4d5e";

const assignment = resource("carrierx:DidTrunkGroupAssignment");
const didPath = (sid: string) => `/core/v2/phonenumber/dids/${sid}`;

/** The documented GET sample (§3.7), with the given sid and trunk group. */
const didObject = (sid: string, trunkGroupSid: string | null) => ({
  active_capabilities: 4,
  attributes: {},
  callback_url: null,
  capabilities: 7,
  country_code: "USA",
  did_sid: sid,
  in_country_format: "(516) 206-5574",
  international_format: "+1 516-206-5574",
  name: "N/A",
  partner_sid: "e00430c3-a7d0-4666-ab5c-f7202448382f",
  phonenumber: "15162065574",
  status: "assigned",
  transformations: [],
  trunk_group_sid: trunkGroupSid,
});

const headers = {
  reqheaders: {
    "content-type": "application/json",
    accept: "application/json",
    authorization: `Bearer ${TOKEN}`,
  },
  badheaders: ["api-key", "x-didww-api-version"],
};

// Whatever CarrierX answered, the token is in no part of the error a log or a state file could keep.
const failure = (promise: Promise<unknown>): Promise<DidrouteError> => failureWithout(TOKEN, promise);

useNock();
beforeEach(() => {
  delete process.env["CARRIERX_TOKEN"];
  delete process.env["CARRIERX_ENDPOINT"];
  useConfig({ "carrierx:token": TOKEN });
});

describe("CarrierX wire format", () => {
  it("create sets the trunk group with a PATCH whose body is exactly {trunk_group_sid}", async () => {
    nock(BASE, headers)
      .patch(didPath(DID), `{"trunk_group_sid":"${GROUP}"}`)
      .reply(200, didObject(DID, GROUP));
    expect(await assignment.create({ didSid: DID, trunkGroupSid: GROUP })).toEqual({
      id: DID,
      outs: { didSid: DID, trunkGroupSid: GROUP, phonenumber: "15162065574" },
    });
  });

  it("update to another trunk group is one PATCH of the same shape", async () => {
    nock(BASE, headers)
      .patch(didPath(DID), `{"trunk_group_sid":"${GROUP2}"}`)
      .reply(200, didObject(DID, GROUP2));
    const olds = { didSid: DID, trunkGroupSid: GROUP, phonenumber: "15162065574" };
    const news = { didSid: DID, trunkGroupSid: GROUP2 };
    expect(await assignment.diff(DID, olds, news)).toEqual({ changes: true });
    expect(await assignment.update(DID, olds, news)).toEqual({
      outs: { didSid: DID, trunkGroupSid: GROUP2, phonenumber: "15162065574" },
    });
  });

  it("delete clears with {trunk_group_sid: null}", async () => {
    nock(BASE, headers).patch(didPath(OTHER_DID), '{"trunk_group_sid":null}').reply(200, didObject(OTHER_DID, null));
    await assignment.delete(OTHER_DID, { didSid: OTHER_DID, trunkGroupSid: GROUP, phonenumber: "15162065574" });
  });

  it("read is one GET and reports the trunk group as CarrierX has it, lower-cased", async () => {
    nock(BASE, headers).get(didPath(DID)).reply(200, didObject(DID, GROUP.toUpperCase()));
    expect(await assignment.read(DID, {})).toEqual({
      id: DID,
      props: { didSid: DID, trunkGroupSid: GROUP, phonenumber: "15162065574" },
      inputs: { didSid: DID, trunkGroupSid: GROUP },
    });
  });

  it("read of a DID without trunk group reports null and leaves trunkGroupSid out of the inputs", async () => {
    nock(BASE, headers).get(didPath(DID)).reply(200, didObject(DID, null));
    expect(await assignment.read(DID, {})).toEqual({
      id: DID,
      props: { didSid: DID, trunkGroupSid: null, phonenumber: "15162065574" },
      inputs: { didSid: DID },
    });
  });

  it("an answer without a phonenumber is reported, not stored", async () => {
    nock(BASE).get(didPath(DID)).reply(200, { did_sid: DID });
    expect((await failure(assignment.read(DID, {}))).message).toBe(
      `CarrierX answered with an unexpected object for DID ${DID}: it has no phonenumber`,
    );
  });
});

describe("CarrierX DIDs declared by number", () => {
  it("create looks the number up with CarrierX's filter, then sends the one PATCH", async () => {
    nock(BASE, headers)
      .get("/core/v2/phonenumber/dids")
      .query({ limit: "1000", offset: "0", filter: 'phonenumber eq "15162065574"' })
      .reply(200, { count: 1, has_more: false, items: [didObject(DID, null)], limit: 1000, offset: 0, pagination: {}, total: 1 })
      .patch(didPath(DID), `{"trunk_group_sid":"${GROUP}"}`)
      .reply(200, didObject(DID, GROUP));
    const created = await assignment.create({ number: "+15162065574", trunkGroupSid: GROUP });
    expect(created).toEqual({ id: DID, outs: { didSid: DID, trunkGroupSid: GROUP, phonenumber: "15162065574" } });
  });

  it("a number the partner does not rent fails the create, naming it, and sends no PATCH", async () => {
    nock(BASE)
      .get("/core/v2/phonenumber/dids")
      .query(true)
      .reply(200, { count: 0, has_more: false, items: [], limit: 1000, offset: 0, pagination: {}, total: 0 });
    const error = await failure(assignment.create({ number: "+15160000000", trunkGroupSid: GROUP }));
    expect(error.message).toBe("CarrierX has no DID with the number +15160000000 rented by this partner (GET /core/v2/phonenumber/dids)");
  });
});

describe("CarrierX errors", () => {
  it("401: says the token is missing or invalid and how to set it", async () => {
    nock(BASE).patch(didPath(DID)).reply(401, { message: "Bad credentials", errors: [] });
    const error = await failure(assignment.create({ didSid: DID, trunkGroupSid: GROUP }));
    expect(error.message).toBe(
      `CarrierX rejected the token (401 on PATCH ${didPath(DID)}): the token is missing or invalid. ` +
        'Set it with "pulumi config set --secret carrierx:token <token>" or CARRIERX_TOKEN.',
    );
    expect(error.details).toEqual({ system: "CarrierX", status: 401, method: "PATCH", path: didPath(DID), errors: [] });
  });

  it("403: names the scope the operation needs, with what CarrierX said", async () => {
    nock(BASE).patch(didPath(DID)).reply(403, { message: "Forbidden", errors: [] });
    nock(BASE).get(didPath(DID)).reply(403, {});
    expect((await failure(assignment.create({ didSid: DID, trunkGroupSid: GROUP }))).message).toBe(
      `CarrierX refused PATCH ${didPath(DID)} for DID ${DID} (403: Forbidden): the token lacks the ` +
        "phonenumber.update (or phonenumber.manage) scope, or the DID belongs to another partner",
    );
    // A read needs a read scope; a 403 is an error there, not "gone": state must not lose the resource.
    expect((await failure(assignment.read(DID, {}))).message).toBe(
      `CarrierX refused GET ${didPath(DID)} for DID ${DID} (403): the token lacks the ` +
        "phonenumber.read (or phonenumber.manage) scope, or the DID belongs to another partner",
    );
  });

  it("404: names the DID on create; means gone on read and done on delete", async () => {
    const notFound = { message: "Cannot find item by SID", errors: [] };
    nock(BASE).patch(didPath(DID)).reply(404, notFound);
    nock(BASE).get(didPath(DID)).reply(404, notFound);
    nock(BASE).patch(didPath(OTHER_DID)).reply(404, notFound);
    expect((await failure(assignment.create({ didSid: DID, trunkGroupSid: GROUP }))).message).toBe(
      `CarrierX has no DID ${DID} (404 on PATCH ${didPath(DID)}): check the sid and that the DID is rented by this partner`,
    );
    expect(await assignment.read(DID, {})).toEqual({});
    await assignment.delete(OTHER_DID, { didSid: OTHER_DID, trunkGroupSid: GROUP, phonenumber: "1" });
  });

  it("422: shows CarrierX's message and each error with its field and reference_sid", async () => {
    nock(BASE)
      .patch(didPath(DID))
      .reply(422, {
        message: "object validation error",
        errors: [
          { field: "trunk_group_sid", message: "trunk group not found", reference_sid: GROUP },
          { field: "name", message: "field is read only", reference_sid: null },
        ],
      });
    const error = await failure(assignment.create({ didSid: DID, trunkGroupSid: GROUP }));
    expect(error.message).toBe(
      `CarrierX refused PATCH ${didPath(DID)} for DID ${DID} (422): object validation error: ` +
        `trunk group not found (at trunk_group_sid, reference ${GROUP}); field is read only (at name)`,
    );
    expect(error.details.errors).toEqual([
      { detail: "trunk group not found", pointer: "trunk_group_sid", reference: GROUP },
      { detail: "field is read only", pointer: "name" },
    ]);
  });

  it("other answers: the status with CarrierX's message, or the body quoted when it is not CarrierX's shape", async () => {
    // A budget too small for any retry: each answer is final, as after the last retry.
    useConfig({ "carrierx:token": TOKEN, "carrierx:operationTimeoutSeconds": "0.001" });
    nock(BASE).patch(didPath(DID)).reply(415, { message: "Unsupported media type", errors: [] });
    nock(BASE).patch(didPath(DID)).reply(502, "<html>\n  <body>Bad gateway</body>\n</html>");
    nock(BASE).patch(didPath(DID)).reply(500);
    const create = () => assignment.create({ didSid: DID, trunkGroupSid: GROUP });
    expect((await failure(create())).message).toBe(
      `CarrierX answered 415 to PATCH ${didPath(DID)} for DID ${DID}: Unsupported media type`,
    );
    expect((await failure(create())).message).toBe(
      `CarrierX answered 502 to PATCH ${didPath(DID)} for DID ${DID}: <html> <body>Bad gateway</body> </html>`,
    );
    expect((await failure(create())).message).toBe(`CarrierX answered 500 to PATCH ${didPath(DID)} for DID ${DID}`);
  });

  it("masks the token wherever an answer echoes it", async () => {
    nock(BASE)
      .patch(didPath(DID))
      .reply(400, {
        message: `bad header Authorization: Bearer ${TOKEN}`,
        errors: [{ field: `token ${TOKEN}`, message: `${TOKEN} rejected`, reference_sid: TOKEN }],
      });
    nock(BASE).patch(didPath(DID)).reply(400, `echo: Bearer ${TOKEN}`);
    // Long answers are cut to 200 characters, after masking: the cut falls inside where the token was.
    nock(BASE).patch(didPath(DID)).reply(400, `${"x".repeat(195)}${TOKEN}${"y".repeat(50)}`);
    const create = () => assignment.create({ didSid: DID, trunkGroupSid: GROUP });
    expect((await failure(create())).message).toBe(
      `CarrierX answered 400 to PATCH ${didPath(DID)} for DID ${DID}: bad header Authorization: Bearer [token]: ` +
        "[token] rejected (at token [token], reference [token])",
    );
    expect((await failure(create())).message).toBe(
      `CarrierX answered 400 to PATCH ${didPath(DID)} for DID ${DID}: echo: Bearer [token]`,
    );
    expect((await failure(create())).message).toBe(
      `CarrierX answered 400 to PATCH ${didPath(DID)} for DID ${DID}: ${"x".repeat(195)}[t...`,
    );
  });

  it("a network failure is retried within the budget, then names the endpoint, the request and the attempts", async () => {
    useConfig({
      "carrierx:token": TOKEN,
      "carrierx:endpoint": "http://127.0.0.1:9/core/v2",
      "carrierx:operationTimeoutSeconds": "1.2",
    });
    nock.enableNetConnect("127.0.0.1:9");
    const error = await failure(assignment.create({ didSid: DID, trunkGroupSid: GROUP }));
    nock.disableNetConnect();
    // The first retry waits 0.5-0.625 s; the second would wait at least 1 s more, past the 1.2 s budget.
    expect(error.message).toMatch(
      new RegExp(
        `^CarrierX PATCH ${didPath(DID)} failed before an answer arrived: ECONNREFUSED \\(http://127.0.0.1:9/core/v2\\) ` +
          "\\(after 2 attempts over 0\\.[5-9] s; the carrierx:operationTimeoutSeconds budget of 1.2 s was spent\\)$",
      ),
    );
  });
});

describe("CarrierX settings", () => {
  it("config wins over the environment", async () => {
    process.env["CARRIERX_TOKEN"] = "env-token";
    process.env["CARRIERX_ENDPOINT"] = "https://env.example.com/core/v2";
    useConfig({ "carrierx:token": TOKEN, "carrierx:endpoint": "https://qa.example.com/core/v2/" });
    nock("https://qa.example.com", headers).get(didPath(DID)).reply(200, didObject(DID, null));
    await assignment.read(DID, {});
  });

  it("the environment applies when config is absent, and the endpoint defaults to api.carrierx.com", async () => {
    process.env["CARRIERX_TOKEN"] = TOKEN;
    useConfig({});
    nock(BASE, headers).get(didPath(DID)).reply(200, didObject(DID, null));
    await assignment.read(DID, {});
    process.env["CARRIERX_ENDPOINT"] = "https://env.example.com/core/v2";
    nock("https://env.example.com", headers).get(didPath(DID)).reply(200, didObject(DID, null));
    await assignment.read(DID, {});
  });

  it("refuses a missing token and plain http off loopback, naming the setting", async () => {
    useConfig({});
    expect((await failure(assignment.read(DID, {}))).message).toBe(
      'CarrierX token is not set: run "pulumi config set --secret carrierx:token <token>" or set CARRIERX_TOKEN',
    );
    useConfig({ "carrierx:token": TOKEN, "carrierx:endpoint": "http://api.carrierx.com/core/v2" });
    expect((await failure(assignment.read(DID, {}))).message).toBe(
      'carrierx:endpoint must use https (plain http is accepted only for 127.0.0.1/localhost), got "http://api.carrierx.com"',
    );
  });
});

describe("rename safety inside one provider process", () => {
  it("a delete after a create of the same DID in this process sends nothing", async () => {
    const THIRD = "3b0c5e1e-8f5b-4d0e-9d8a-1f6a2b3c4d5f";
    nock(BASE).patch(didPath(THIRD)).reply(200, didObject(THIRD, GROUP));
    await assignment.create({ didSid: THIRD, trunkGroupSid: GROUP });
    // No interceptor is left: a PATCH here would fail the test with nock's no-match answer.
    await assignment.delete(THIRD, { didSid: THIRD, trunkGroupSid: GROUP, phonenumber: "15162065574" });
  });
});

describe("a trunk group without a name (CarrierX allows one)", () => {
  it("is listed with the name \"\", and didroute export writes it by its sid, saying so", async () => {
    nock(BASE, headers)
      .get("/core/v2/trunk_groups")
      .query({ limit: "1000", offset: "0" })
      .reply(200, { count: 1, has_more: false, items: [{ trunk_group_sid: GROUP, name: null }], limit: 1000, offset: 0, pagination: {}, total: 1 });
    const trunkGroups = await carrierxClient().listTrunkGroups();
    expect(trunkGroups).toEqual([{ trunkGroupSid: GROUP, name: "" }]);
    const dids = [{ didSid: DID, phonenumber: "15162065574", trunkGroupSid: GROUP }];
    const text = exportRouting({ carrierx: { endpoint: `${BASE}/core/v2`, dids, trunkGroups } }, { at: new Date(0), includeUnrouted: false });
    expect(text.split("\n").slice(-4)).toEqual(["  dids:", '    - number: "+15162065574"', `      trunkGroup: ${GROUP}   # it has no name`, ""]);
  });
});
