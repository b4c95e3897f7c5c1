import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import seed from "../app/kaleyra/__fixtures__/seed-responses.json";
import { startKaleyraSandbox, type KaleyraSandbox, type SandboxAccount, type SandboxTemplate } from "./kaleyra-sandbox";
import { startReceiver, type Receiver } from "./test-receiver";

const BUSINESS = "+919876543210";
const SHOPPER = "+919812345678";
const TEMPLATES: SandboxTemplate[] = [
  { name: "order_shipped", language: "en", bodyParams: 2, header: true, button: "url" },
  { name: "order_shipped", language: "hi", bodyParams: 2, header: true, button: "url" },
  { name: "order_update", language: "en", bodyParams: 1, button: "order_status" },
  { name: "order_paused", language: "en", bodyParams: 0, status: "paused" },
  { name: "order_disabled", language: "en", bodyParams: 0, status: "disabled" },
];
const ACCOUNT: SandboxAccount = { sid: "HXSBX0003IN", apiKey: "SandboxKey0000000000000000000003", numbers: [BUSINESS, "+919876543211"] };

type Component = Record<string, unknown>;
const text = (value: string) => ({ type: "text", text: value });
const header = (value = "Order #1001") => ({ type: "header", parameters: [text(value)] });
const body = (...values: string[]) => ({ type: "body", parameters: values.map(text) });
const urlButton = (value = "orders/1001") => ({ type: "button", sub_type: "url", index: "0", parameters: [text(value)] });
const orderButton = () => ({
  type: "button",
  sub_type: "order_status",
  index: "0",
  parameters: [{ type: "order_status", order_status: { reference_id: "1001", order: { status: "shipped", description: "On its way" } } }],
});

function template(name: string, language: string, components: Component[], to = SHOPPER) {
  return {
    messaging_object: {
      messaging_product: "whatsapp",
      recipient_type: "individual",
      to,
      type: "template",
      template: { name, language: { policy: "deterministic", code: language }, components },
    },
    extra_info: { ref: "msg:t1", ref1: "1001", wa_source: "shopify" },
  };
}
const shipped = (components: Component[] = [header(), body("Priya", "1001"), urlButton()]) => template("order_shipped", "en", components);

function textMessage(value: string, to = SHOPPER) {
  return {
    messaging_object: { messaging_product: "whatsapp", recipient_type: "individual", to, type: "text", text: { preview_url: false, body: value } },
    extra_info: { ref: "msg:x1", wa_source: "shopify" },
  };
}

function interactive(to = SHOPPER) {
  return {
    messaging_object: {
      messaging_product: "whatsapp",
      to,
      type: "interactive",
      interactive: {
        type: "order_status",
        body: { text: "Your order is on its way" },
        action: { name: "review_order", parameters: { reference_id: "1001", order: { status: "shipped" } } },
      },
    },
    extra_info: { ref: "msg:i1", wa_source: "shopify" },
  };
}

let sandbox: KaleyraSandbox;
let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver();
  sandbox = await startKaleyraSandbox({ accounts: [ACCOUNT] });
});
afterAll(async () => {
  await sandbox.close();
  await receiver.close();
});

/** Replaces the account with these options and a fast callback profile. */
function configure(options: Partial<SandboxAccount> = {}): void {
  sandbox.addAccount({ ...ACCOUNT, callback: { url: `${receiver.url}/callbacks`, delaysMs: { sent: 0, delivered: 10, read: 20 } }, ...options });
}
beforeEach(() => {
  sandbox.reset();
  receiver.clear();
  configure({ templates: TEMPLATES });
});

async function send(payload: unknown, number = BUSINESS) {
  const res = await fetch(`${sandbox.url}/v2/${ACCOUNT.sid}/whatsapp/${encodeURIComponent(number)}/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", "api-key": ACCOUNT.apiKey },
    body: JSON.stringify(payload),
  });
  const json = (await res.json()) as { data: { message_id?: string } };
  return { status: res.status, id: json.data.message_id ?? "", reason: res.headers.get("x-sandbox-reason"), json };
}

interface StatusBody {
  status: string;
  message_id: string;
  meta_object: { value: { statuses: [{ errors?: [{ code: number; title: string; message: string }] }] } };
}

/** The callbacks of one message once all have been posted, sorted by status name (close ones may swap). */
async function callbacksOf(id: string): Promise<StatusBody[]> {
  const deadline = Date.now() + 10_000;
  const mine = () => receiver.arrived.map((a) => a.body as unknown as StatusBody).filter((b) => b.message_id === id);
  while ((mine().length === 0 || sandbox.callbacks().pending > 0) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return mine().sort((a, b) => a.status.localeCompare(b.status));
}
const statuses = async (id: string) => (await callbacksOf(id)).map((b) => b.status);
async function failure(id: string) {
  const failed = (await callbacksOf(id)).find((b) => b.status === "failed");
  return failed?.meta_object.value.statuses[0].errors?.[0];
}

describe("Given an account with approved templates", () => {
  it("WHEN a template goes with its name, language and parameters THEN 202, then sent, delivered and read, and the message lists what it carried", async () => {
    const res = await send(shipped());
    expect(res.status).toBe(202);
    expect(res.json).toMatchObject({ code: "WA202", data: { message_id: res.id } });
    expect(await statuses(res.id)).toEqual(["delivered", "read", "sent"]);
    expect(sandbox.received[0]).toMatchObject({
      messageId: res.id,
      body: shipped(),
      summary: {
        form: "template",
        to: SHOPPER,
        template: { name: "order_shipped", language: "en", header: "Order #1001", body: ["Priya", "1001"], button: { subType: "url", text: "orders/1001" } },
      },
    });
    expect(sandbox.received[0]!.refusedWith).toBeUndefined();
  });

  it("WHEN the order-status template goes with its order_status button THEN it is delivered and the update is listed", async () => {
    const res = await send(template("order_update", "en", [body("Your order shipped"), orderButton()]));
    expect(res.status).toBe(202);
    expect(await statuses(res.id)).toEqual(["delivered", "read", "sent"]);
    expect(sandbox.received[0]!.summary.template).toEqual({
      name: "order_update",
      language: "en",
      body: ["Your order shipped"],
      button: { subType: "order_status", referenceId: "1001", status: "shipped" },
    });
  });

  it.each<[string, unknown, number, string]>([
    ["an unknown name", template("order_lost", "en", [body("a")]), 132001, "Template name does not exist in the translation"],
    ["a known name in a language it lacks", template("order_shipped", "en_US", [header(), body("a", "b"), urlButton()]), 132001, "Template name does not exist in the translation"],
    ["one body parameter too few", shipped([header(), body("Priya"), urlButton()]), 132000, "Number of parameters does not match the expected number of params"],
    ["one body parameter too many", shipped([header(), body("Priya", "1001", "x"), urlButton()]), 132000, "Number of parameters does not match the expected number of params"],
    ["the header parameter missing", shipped([body("Priya", "1001"), urlButton()]), 132000, "Number of parameters does not match the expected number of params"],
    ["a header the template lacks", template("order_update", "en", [header(), body("a"), orderButton()]), 132000, "Number of parameters does not match the expected number of params"],
    ["the button parameter missing", shipped([header(), body("Priya", "1001")]), 132000, "Number of parameters does not match the expected number of params"],
    ["a url button where an order_status one is expected", template("order_update", "en", [body("a"), urlButton()]), 132000, "Number of parameters does not match the expected number of params"],
    ["a paused template", template("order_paused", "en", []), 132015, "Template is paused"],
    ["a disabled template", template("order_disabled", "en", []), 132016, "Template is disabled"],
  ])("WHEN a template with %s goes THEN 202, then a failed callback with Meta's %s", async (_what, payload, code, title) => {
    const res = await send(payload);
    expect(res.status).toBe(202);
    expect(await statuses(res.id)).toEqual(["failed", "sent"]);
    expect(await failure(res.id)).toMatchObject({ code, title });
    expect(sandbox.received[0]!.refusedWith).toBe(code);
  });

  it("WHEN the account has no template list THEN any template is delivered", async () => {
    configure();
    const res = await send(template("anything_at_all", "pt_BR", [body("x")]));
    expect(res.status).toBe(202);
    expect(await statuses(res.id)).toEqual(["delivered", "read", "sent"]);
  });

  const shapes: [string, (t: Record<string, unknown>) => void][] = [
    ["messaging_object.template.name", (t) => void (t.name = "")],
    ["messaging_object.template.language.policy", (t) => void (t.language = { policy: "fallback", code: "en" })],
    ["messaging_object.template.language.code", (t) => void (t.language = { policy: "deterministic" })],
    ["messaging_object.template.components[0].parameters[0].text", (t) => void (t.components = [header(""), body("a", "b")])],
    ["messaging_object.template.components[0].type", (t) => void (t.components = [{ type: "footer", parameters: [] }])],
    ["messaging_object.template.components[0].sub_type", (t) => void (t.components = [{ ...urlButton(), sub_type: "quick_reply" }])],
    ["messaging_object.template.components[1].type", (t) => void (t.components = [body("a"), body("b")])],
    ["messaging_object.template.components[0].parameters[0].order_status.reference_id", (t) => {
      const button = orderButton();
      button.parameters[0]!.order_status.reference_id = "#1001";
      t.components = [button];
    }],
    ["messaging_object.template.namespace", (t) => void (t.namespace = "x")],
  ];
  it.each(shapes)("WHEN %s is malformed THEN WA400 at once, as for the seed's message", async (path, mutate) => {
    const payload = shipped();
    mutate(payload.messaging_object.template as unknown as Record<string, unknown>);
    const res = await send(payload);
    expect(res.status).toBe(400);
    expect(res.json).toEqual(seed.WA400.body);
    expect(res.reason).toContain(path);
    expect(sandbox.received).toHaveLength(0);
  });
});

describe("Given text messages", () => {
  it("WHEN a text goes THEN 202, delivered, and the text is listed", async () => {
    const res = await send(textMessage("You will no longer get order updates."));
    expect(res.status).toBe(202);
    expect(await statuses(res.id)).toEqual(["delivered", "read", "sent"]);
    expect(sandbox.received[0]!.summary).toEqual({ form: "text", to: SHOPPER, text: "You will no longer get order updates." });
  });

  it.each<[string, unknown, string]>([
    ["an empty body", textMessage(""), "messaging_object.text.body: must be non-empty text"],
    ["a body over 4,096 characters", textMessage("a".repeat(4_097)), "messaging_object.text.body: over 4096 characters"],
    ["preview_url that is not true or false", { messaging_object: { ...textMessage("hi").messaging_object, text: { preview_url: "no", body: "hi" } } }, "messaging_object.text.preview_url"],
    ["no text object", { messaging_object: { ...textMessage("hi").messaging_object, text: undefined } }, "messaging_object.text: required"],
    ["a template object beside it", { messaging_object: { ...textMessage("hi").messaging_object, template: {} } }, "messaging_object.type"],
  ])("WHEN a text has %s THEN WA400 naming it", async (_what, payload, reason) => {
    const res = await send(payload);
    expect(res.status).toBe(400);
    expect(res.json).toEqual(seed.WA400.body);
    expect(res.reason).toContain(reason);
  });
});

describe("Given an account that enforces the 24-hour window", () => {
  beforeEach(() => configure({ templates: TEMPLATES, enforceWindow: true }));
  const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000).toISOString();

  it("WHEN an order_status message goes to a shopper who never wrote THEN 202, then failed with 131047", async () => {
    const res = await send(interactive());
    expect(res.status).toBe(202);
    expect(await statuses(res.id)).toEqual(["failed", "sent"]);
    expect(await failure(res.id)).toEqual({
      code: 131047,
      title: "Re-engagement message",
      message: "More than 24 hours have passed since the recipient last replied to the sender number.",
      error_data: { details: "More than 24 hours have passed since the recipient last replied to the sender number." },
    });
  });

  it("WHEN the shopper wrote an hour ago THEN the message and a text are delivered", async () => {
    await sandbox.postInbound({ sid: ACCOUNT.sid, from: SHOPPER, text: "Hi", at: hoursAgo(1) });
    const order = await send(interactive());
    const reply = await send(textMessage("Thanks for writing"));
    expect(await statuses(order.id)).toEqual(["delivered", "read", "sent"]);
    expect(await statuses(reply.id)).toEqual(["delivered", "read", "sent"]);
  });

  it("WHEN the shopper last wrote 25 hours ago THEN 131047 again, for interactive and text alike", async () => {
    await sandbox.postInbound({ sid: ACCOUNT.sid, from: SHOPPER, text: "Hi", at: hoursAgo(25) });
    const order = await send(interactive());
    const reply = await send(textMessage("Thanks for writing"));
    expect(await failure(order.id)).toMatchObject({ code: 131047 });
    expect(await failure(reply.id)).toMatchObject({ code: 131047 });
  });

  it("WHEN the shopper wrote to the account's other number THEN the window of this number stays closed", async () => {
    await sandbox.postInbound({ sid: ACCOUNT.sid, number: "+919876543211", from: SHOPPER, text: "Hi" });
    expect(await failure((await send(interactive())).id)).toMatchObject({ code: 131047 });
    expect(await statuses((await send(interactive(), "+919876543211")).id)).toEqual(["delivered", "read", "sent"]);
  });

  it("WHEN a template goes to a shopper who never wrote THEN it is delivered: templates are never refused for the window", async () => {
    const res = await send(shipped());
    expect(await statuses(res.id)).toEqual(["delivered", "read", "sent"]);
  });

  it("WHEN enforceWindow is off (the default) THEN a shopper who never wrote still gets the message", async () => {
    configure();
    expect(await statuses((await send(interactive())).id)).toEqual(["delivered", "read", "sent"]);
  });
});
