import { describe, expect, it } from "vitest";
import sample from "./__fixtures__/seed-sample-request.json";
import { strictLength } from "./limits";
import {
  KaleyraValidationError,
  buildOrderStatusRequest,
  checkOrderStatusInput,
  parseCredentials,
  renderOrderStatusRequest,
  type KaleyraCredentialsInput,
  type OrderStatusMessageInput,
} from "./request";
import { ORDER_STATUSES, WIRE_STATUS } from "./statuses";

const API_KEY = "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q";
const creds: KaleyraCredentialsInput = { sid: "HXAP16ABCDEF97IN", apiKey: API_KEY, businessNumber: "+919876543210", pod: "IN" };
const message: OrderStatusMessageInput = {
  to: "+919812345678",
  bodyText: "Your order #1001 has shipped",
  referenceId: "gid-1001",
  status: "shipped",
};

function issuesOf(fn: () => unknown): KaleyraValidationError {
  try {
    fn();
  } catch (err) {
    if (err instanceof KaleyraValidationError) return err;
    throw err;
  }
  throw new Error("expected a KaleyraValidationError");
}

describe("Given Kaleyra's sample request (fixture copied from the seed document)", () => {
  it("When the sample's inputs are rendered, Then URL, headers and body deep-equal the sample, apart from status and wa_source", () => {
    // The sample's numbers are masked with X, which no honest E.164 check accepts, so the
    // sample goes through the render layer (no validation) rather than a validation bypass.
    const request = renderOrderStatusRequest(
      { sid: "HXAP16XXXXXX97IN", apiKey: "Axxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx3", businessNumber: "+91XXXXXXXXXX", pod: "IN" },
      {
        to: "+91XXXXXXXXX",
        bodyText: "This is an update about your order",
        referenceId: "123XXXXX",
        status: "cancelled",
        description: "The shipment has been cancelled due to insufficient data",
        ref: "customer1",
        ref1: "marketing",
        ref2: "dictionary",
      },
    );
    // The two intended differences: one status instead of the sample's list, and our wa_source.
    const expected = structuredClone(sample.body);
    expected.messaging_object.interactive.action.parameters.order.status = "cancelled";
    expected.extra_info.wa_source = "shopify";

    expect(request.url).toBe(sample.url);
    expect(request.headers).toEqual(sample.headers);
    expect(request.body).toEqual(expected);
    expect(JSON.stringify(request.body)).toBe(JSON.stringify(expected)); // same key order too
  });

  it("When the same sample credentials are validated, Then only the masked business number is refused", () => {
    const err = issuesOf(() =>
      parseCredentials({ sid: "HXAP16XXXXXX97IN", apiKey: "Axxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx3", businessNumber: "+91XXXXXXXXXX", pod: "IN" }),
    );
    expect(err.issues.map((i) => i.path)).toEqual(["businessNumber"]);
  });
});

describe("Given valid credentials and a message", () => {
  it("When built, Then every status is sent with its wire spelling", () => {
    for (const status of ORDER_STATUSES) {
      const { body } = buildOrderStatusRequest(creds, { ...message, status });
      expect(body.messaging_object.interactive.action.parameters.order.status).toBe(WIRE_STATUS[status]);
    }
  });

  it("When description and refs are absent, empty or null, Then their keys are left out", () => {
    const a = buildOrderStatusRequest(creds, message).body;
    const b = buildOrderStatusRequest(creds, { ...message, description: "", ref: null, ref1: "", ref2: undefined }).body;
    for (const body of [a, b]) {
      expect(Object.keys(body.messaging_object.interactive.action.parameters.order)).toEqual(["status"]);
      expect(body.extra_info).toEqual({ wa_source: "shopify" });
    }
  });

  it("When a base URL override is given, Then the request goes there with the same path", () => {
    const { url } = buildOrderStatusRequest(creds, message, { baseUrl: "http://127.0.0.1:4010" });
    expect(url).toBe("http://127.0.0.1:4010/v2/HXAP16ABCDEF97IN/whatsapp/+919876543210/messages");
  });

  it("When the pod is SG, Then the SG domain is used", () => {
    expect(buildOrderStatusRequest({ ...creds, pod: "SG" }, message).url).toMatch(/^https:\/\/api\.ap\.kaleyra\.io\/v2\//);
  });
});

describe("Given the seed's field limits", () => {
  it("When the body text has 1,025 characters, Then it is rejected naming interactive.body.text", () => {
    const err = issuesOf(() => buildOrderStatusRequest(creds, { ...message, bodyText: "a".repeat(1025) }));
    expect(err.issues).toHaveLength(1);
    expect(err.issues[0]!.path).toContain("interactive.body.text");
    expect(err.message).toContain("interactive.body.text");
  });

  it("When the body text is empty or blank, Then it is rejected", () => {
    for (const bodyText of ["", "   \n"]) {
      const err = issuesOf(() => buildOrderStatusRequest(creds, { ...message, bodyText }));
      expect(err.issues[0]!.field).toBe("bodyText");
    }
  });

  it("When the body is 256 emoji with skin tones (1,024 UTF-16 units), Then it is accepted unchanged", () => {
    const text = "👍🏽".repeat(256);
    const { body } = buildOrderStatusRequest(creds, { ...message, bodyText: text });
    expect(body.messaging_object.interactive.body.text).toBe(text);
  });

  it("When the body is 1,024 emoji with skin tones (4,096 UTF-16 units), Then it is rejected with the strict count", () => {
    const err = issuesOf(() => buildOrderStatusRequest(creds, { ...message, bodyText: "👍🏽".repeat(1024) }));
    expect(err.issues).toEqual([
      {
        path: "messaging_object.interactive.body.text",
        field: "bodyText",
        message: "must be at most 1024 characters counted the strict way (graphemes, code points and UTF-16 units) (got 4096)",
      },
    ]);
  });

  it("When the description has 121 characters, Then it is rejected naming order.description; 120 passes", () => {
    const err = issuesOf(() => buildOrderStatusRequest(creds, { ...message, description: "d".repeat(121) }));
    expect(err.issues.map((i) => i.path)).toEqual(["messaging_object.interactive.action.parameters.order.description"]);
    expect(err.message).toContain("order.description");
    expect(() => buildOrderStatusRequest(creds, { ...message, description: "d".repeat(120) })).not.toThrow();
  });

  it("When refs are 300 characters, Then they are cut to 255 (strictly counted) between graphemes, not rejected", () => {
    const { body } = buildOrderStatusRequest(creds, { ...message, ref: "r".repeat(300), ref1: "é".repeat(300), ref2: "👍🏽".repeat(300) });
    expect(body.extra_info.ref).toBe("r".repeat(255));
    expect(strictLength(body.extra_info.ref1!)).toBe(255);
    expect(body.extra_info.ref2).toBe("👍🏽".repeat(63)); // 252 units: a 64th emoji would need 256
  });

  it.each([
    ["#1001", "a hash"],
    ["a".repeat(36), "36 characters"],
    ["order 1001", "a space"],
    ["", "empty"],
  ])("When reference_id is %j (%s), Then it is rejected naming reference_id", (referenceId) => {
    const err = issuesOf(() => buildOrderStatusRequest(creds, { ...message, referenceId }));
    expect(err.issues.map((i) => i.path)).toEqual(["messaging_object.interactive.action.parameters.reference_id"]);
  });

  it("When reference_id has 35 letters, digits, _, - and ., Then it is accepted", () => {
    const referenceId = "Ab9_-.".padEnd(35, "x");
    expect(buildOrderStatusRequest(creds, { ...message, referenceId }).body.messaging_object.interactive.action.parameters.reference_id).toBe(referenceId);
  });

  it("When the status is not one of the five, Then it is rejected naming order.status", () => {
    const err = issuesOf(() => buildOrderStatusRequest(creds, { ...message, status: "canceled" as never }));
    expect(err.issues[0]!.path).toMatch(/order\.status$/);
  });

  it.each(["919812345678", "+91 98123 45678", "+0912345678", "+1555", "+91XXXXXXXXXX", "+1234567890123456"])(
    "When the recipient is %j, Then it is rejected as not E.164",
    (to) => {
      const err = issuesOf(() => buildOrderStatusRequest(creds, { ...message, to }));
      expect(err.issues.map((i) => i.path)).toEqual(["messaging_object.to"]);
    },
  );
});

describe("Given bad credentials", () => {
  it.each(["HX/AP16", "HX?a=1", "HX#frag", "..", "HX..IN", "HX%2F", "HX AP", "HX\tAP", "", "ü"])(
    "When the SID is %j, Then it is rejected naming sid",
    (sid) => {
      const err = issuesOf(() => buildOrderStatusRequest({ ...creds, sid }, message));
      expect(err.issues.map((i) => i.path)).toEqual(["sid"]);
    },
  );

  it("When the API key has whitespace, Then the error names apiKey but never contains the key", () => {
    const badKey = `${API_KEY} `;
    const err = issuesOf(() => buildOrderStatusRequest({ ...creds, apiKey: badKey }, message));
    expect(err.issues.map((i) => i.path)).toEqual(["apiKey"]);
    expect(`${err.message}\n${err.stack}\n${JSON.stringify(err.issues)}`).not.toContain(API_KEY);
  });

  it("When the pod is unknown and the business number is local, Then both are reported at once, with message problems", () => {
    const result = checkOrderStatusInput({ ...creds, pod: "US", businessNumber: "09876543210" }, { ...message, bodyText: "" });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((i) => i.path)).toEqual(["businessNumber", "pod", "messaging_object.interactive.body.text"]);
  });

  it("When the input has an unknown field, Then it is rejected rather than silently dropped", () => {
    const result = checkOrderStatusInput(creds, { ...message, descripton: "typo" });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues[0]!.message).toContain("descripton");
  });
});
