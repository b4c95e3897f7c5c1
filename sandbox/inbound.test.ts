import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { controlClient } from "./control-client";
import { startKaleyraSandbox, type KaleyraSandbox } from "./kaleyra-sandbox";
import { startReceiver, type Receiver } from "./test-receiver";

const BUSINESS = "+919876543210";
const SHOPPER = "+919812345678";
const ACCOUNT = { sid: "HXSBX0004IN", apiKey: "SandboxKey0000000000000000000004", numbers: [BUSINESS] };

let sandbox: KaleyraSandbox;
let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver();
  sandbox = await startKaleyraSandbox({ accounts: [ACCOUNT] });
});
beforeEach(() => {
  sandbox.reset();
  receiver.clear();
});
afterAll(async () => {
  await sandbox.close();
  await receiver.close();
});
const control = controlClient(() => sandbox.url);

describe("Given a number with an Incoming URL", () => {
  it("WHEN a shopper writes THEN Meta's message arrives inside meta_object with the profile's header, and the route tells what was posted and the app's answer", async () => {
    await control.setIncomingProfile(ACCOUNT.sid, { url: `${receiver.url}/kaleyra/incoming/tok`, headers: { "X-Callback-Secret": "in-secret" } });
    const at = "2026-12-02T10:00:00.000Z";
    const posted = await control.postInbound({ sid: ACCOUNT.sid, from: SHOPPER, text: "STOP", at, name: "Priya" });

    expect(receiver.arrived).toHaveLength(1);
    const [arrived] = receiver.arrived;
    expect(arrived!.path).toBe("/kaleyra/incoming/tok");
    expect(arrived!.headers["x-callback-secret"]).toBe("in-secret");
    expect(arrived!.body).toEqual({
      meta_object: {
        value: {
          messaging_product: "whatsapp",
          metadata: { display_phone_number: "919876543210", phone_number_id: expect.stringMatching(/^\d{15}$/) },
          contacts: [{ profile: { name: "Priya" }, wa_id: "919812345678" }],
          messages: [
            { from: "919812345678", id: expect.stringMatching(/^wamid\.\S+$/), timestamp: String(Date.parse(at) / 1000), type: "text", text: { body: "STOP" } },
          ],
        },
        field: "messages",
      },
      extra_info: { waba_id: expect.stringMatching(/^\d{15}$/), trace_id: expect.any(String) },
    });
    expect(posted).toMatchObject({ sid: ACCOUNT.sid, businessNumber: BUSINESS, from: SHOPPER, at, httpStatus: 200, attempts: 1, body: arrived!.body });
    expect(await control.inbound()).toEqual([posted]);
  });

  it("WHEN the same number is written to twice THEN its phone_number_id stays the same and each message id is new", async () => {
    sandbox.setIncomingProfile(ACCOUNT.sid, { url: `${receiver.url}/in` });
    const first = await sandbox.postInbound({ number: BUSINESS, from: SHOPPER, text: "Hi" });
    const second = await sandbox.postInbound({ number: BUSINESS, from: SHOPPER, text: "Hello" });
    const value = (p: typeof first) => (p.body.meta_object as { value: { metadata: { phone_number_id: string }; messages: [{ id: string }] } }).value;
    expect(value(second).metadata.phone_number_id).toBe(value(first).metadata.phone_number_id);
    expect(value(second).messages[0].id).not.toBe(value(first).messages[0].id);
    expect((first.body.meta_object as { value: { contacts: [{ profile: { name: string } }] } }).value.contacts[0].profile.name).toBe("Shopper");
  });

  it("WHEN the account is configured with incoming and Basic auth THEN the post carries it, and the secret is never echoed", async () => {
    sandbox.addAccount({ ...ACCOUNT, incoming: { url: `${receiver.url}/in`, basicAuth: { username: "kaleyra", password: "in-pw" } } });
    await sandbox.postInbound({ sid: ACCOUNT.sid, from: SHOPPER, text: "Hi" });
    expect(receiver.arrived[0]!.headers.authorization).toBe(`Basic ${Buffer.from("kaleyra:in-pw").toString("base64")}`);
    const listed = await control("GET", "accounts");
    expect(JSON.stringify(listed.json)).not.toContain("in-pw");
    expect(JSON.stringify(listed.json)).toContain('"incoming"');
  });

  it("WHEN the app answers 503 once THEN the post is tried again and lands; always 503 THEN three tries, logged with 503", async () => {
    sandbox.setIncomingProfile(ACCOUNT.sid, { url: `${receiver.url}/in` });
    receiver.answers.push(503);
    expect(await control.postInbound({ sid: ACCOUNT.sid, from: SHOPPER, text: "Hi" })).toMatchObject({ httpStatus: 200, attempts: 2 });
    receiver.answers.push(503, 503, 503);
    expect(await control.postInbound({ sid: ACCOUNT.sid, from: SHOPPER, text: "Hi" })).toMatchObject({ httpStatus: 503, attempts: 3 });
    expect(receiver.arrived).toHaveLength(5);
    expect(new Set(receiver.arrived.map((a) => JSON.stringify(a.body))).size).toBe(2);
  });
});

describe("Given inbound requests the control API cannot place", () => {
  it("WHEN the number has no Incoming URL THEN the window is still recorded and nothing is posted (attempts 0)", async () => {
    expect(await control.postInbound({ sid: ACCOUNT.sid, from: SHOPPER, text: "Hi" })).toMatchObject({ attempts: 0, businessNumber: BUSINESS });
    expect(receiver.arrived).toHaveLength(0);
  });

  it.each<[string, unknown, string]>([
    ["neither sid nor number", { from: SHOPPER, text: "Hi" }, "sid or number is required"],
    ["a number no account has", { number: "+14155550100", from: SHOPPER, text: "Hi" }, "no sandbox account has the number +14155550100"],
    ["a number outside the account", { sid: ACCOUNT.sid, number: "+14155550100", from: SHOPPER, text: "Hi" }, "account HXSBX0004IN has no number +14155550100"],
    ["a sender that is not E.164", { sid: ACCOUNT.sid, from: "919812345678", text: "Hi" }, "from"],
    ["an empty text", { sid: ACCOUNT.sid, from: SHOPPER, text: "" }, "text"],
    ["a time that is not ISO", { sid: ACCOUNT.sid, from: SHOPPER, text: "Hi", at: "yesterday" }, "at"],
  ])("WHEN it has %s THEN 400 saying why", async (_what, request, reason) => {
    const answer = await control("POST", "inbound", request);
    expect(answer.status).toBe(400);
    expect(String(answer.json.error)).toContain(reason);
    expect((await control("GET", "inbound")).json).toEqual({ posted: [] });
  });
});
