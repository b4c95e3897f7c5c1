import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OUTCOME_HELP } from "../kaleyra/outcome";
import { PAGE_SIZE, parseMessageFilter } from "./messages";
import { getMessage, listMessages } from "./messages.server";
import { makeMessage } from "../../tests/factories";
import { openAdminTestDatabase, type AdminTestDatabase } from "../../tests/helpers/admin-database";

const SHOP = "log.myshopify.com";
const OTHER = "other-log.myshopify.com";
let t: AdminTestDatabase;

function at(minutes: number): Date {
  return new Date(Date.UTC(2026, 2, 10, 10, minutes));
}

beforeAll(async () => {
  t = await openAdminTestDatabase();
  // 25 orders of SHOP, each created a minute after the last; one of another shop.
  for (let i = 1; i <= 25; i += 1) {
    await makeMessage(t.deps.sql, SHOP, {
      orderId: String(5000 + i),
      orderName: `#${1000 + i}`,
      state: i === 7 ? "failed" : i === 8 ? "sending" : i === 9 ? "queued" : "sent",
      createdAt: at(i),
    });
  }
  await makeMessage(t.deps.sql, OTHER, { orderId: "9001", orderName: "#1007", state: "failed", createdAt: at(30) });
});

afterAll(async () => {
  await t?.close();
});

const filter = (query: string) => parseMessageFilter(new URLSearchParams(query));

describe("listMessages", () => {
  it("GIVEN 25 messages WHEN the first page is read THEN the newest 20 of this shop only, and a next page", async () => {
    const page = await listMessages(t.deps, SHOP, filter(""));
    expect(page.rows).toHaveLength(PAGE_SIZE);
    expect(page.rows[0]?.orderName).toBe("#1025");
    expect(page.rows.at(-1)?.orderName).toBe("#1006");
    expect(page).toMatchObject({ page: 1, hasNext: true, hasPrevious: false });
    expect(page.rows.every((row) => row.recipient.text === "•••••••0147" && !row.recipient.missing)).toBe(true);
  });

  it("GIVEN the second page WHEN read THEN the oldest five and no next page", async () => {
    const page = await listMessages(t.deps, SHOP, filter("page=2"));
    expect(page.rows.map((row) => row.orderName)).toEqual(["#1005", "#1004", "#1003", "#1002", "#1001"]);
    expect(page).toMatchObject({ hasNext: false, hasPrevious: true });
  });

  it("GIVEN a state filter WHEN read THEN only those states; queued includes messages being sent", async () => {
    expect((await listMessages(t.deps, SHOP, filter("state=failed"))).rows.map((row) => row.orderName)).toEqual(["#1007"]);
    expect((await listMessages(t.deps, SHOP, filter("state=queued"))).rows.map((row) => row.state)).toEqual(["queued", "sending"]);
    expect((await listMessages(t.deps, SHOP, filter("state=paused"))).rows).toEqual([]);
  });

  it("GIVEN a search WHEN read THEN it matches the order name, with or without #, or the exact order id", async () => {
    expect((await listMessages(t.deps, SHOP, filter("q=%231012"))).rows.map((row) => row.orderName)).toEqual(["#1012"]);
    expect((await listMessages(t.deps, SHOP, filter("q=1012"))).rows.map((row) => row.orderName)).toEqual(["#1012"]);
    expect((await listMessages(t.deps, SHOP, filter("q=5003"))).rows.map((row) => row.orderName)).toEqual(["#1003"]);
    expect((await listMessages(t.deps, SHOP, filter("q=101"))).rows.map((row) => row.orderName)).toEqual([
      "#1019", "#1018", "#1017", "#1016", "#1015", "#1014", "#1013", "#1012", "#1011", "#1010",
    ]);
  });

  it("GIVEN another shop's order name WHEN searched THEN only this shop's message with that name is found", async () => {
    const rows = (await listMessages(t.deps, SHOP, filter("q=%231007"))).rows;
    expect(rows.map((row) => row.orderId)).toEqual(["5007"]);
  });
});

describe("getMessage", () => {
  it("GIVEN a failed message WHEN read THEN Kaleyra's answer, the table's explanation and a retry are offered", async () => {
    const help = OUTCOME_HELP["rejected:payload"];
    const id = await makeMessage(t.deps.sql, SHOP, {
      orderId: "6001",
      state: "failed",
      lastOutcome: "rejected",
      lastCode: "WA400",
      lastHttpStatus: 400,
      lastDetail: `${help.title}. Refer to correct payload format`,
      requestJson: JSON.stringify({ url: "https://api.in.kaleyra.io/v2/HX/whatsapp/+919876500001/messages", headers: { "api-key": "[redacted]" }, body: { messaging_object: { to: "+15025550147" } } }),
    });
    const detail = await getMessage(t.deps, SHOP, id);
    expect(detail).toMatchObject({
      state: "failed",
      stateLabel: "Failed",
      answer: { code: "WA400", httpStatus: 400, words: "Refer to correct payload format" },
      help,
      canRetry: true,
      recipient: { text: "•••••••0147", missing: false, why: null },
      orderUrl: "https://admin.shopify.com/store/log/orders/6001",
    });
    expect(detail?.request).not.toContain("api-key");
    expect(detail?.request).not.toContain("5025550147");
  });

  it("GIVEN a skipped message WHEN read THEN the reason explains it", async () => {
    const id = await makeMessage(t.deps.sql, SHOP, { orderId: "6002", state: "skipped", skipReason: "the shipped template is switched off", attempts: 0 });
    const detail = await getMessage(t.deps, SHOP, id);
    expect(detail?.help?.explanation).toBe("The app did not send this message: the shipped template is switched off.");
    expect(detail?.canRetry).toBe(true);
    expect(detail?.request).toBeNull();
  });

  it("GIVEN a message queued again by a retry WHEN read THEN it says it is waiting, not the old failure", async () => {
    const id = await makeMessage(t.deps.sql, SHOP, { orderId: "6003", state: "queued", attempts: 0, lastOutcome: "rejected", lastCode: "WA400" });
    const detail = await getMessage(t.deps, SHOP, id);
    expect(detail?.help?.title).toBe("Waiting to be sent");
    expect(detail?.answer?.code).toBe("WA400");
    expect(detail?.canRetry).toBe(false);
  });

  it("GIVEN a message Kaleyra accepted and WhatsApp refused (131047) WHEN read THEN the delivery, Meta's reason in plain words and the fix", async () => {
    const id = await makeMessage(t.deps.sql, SHOP, {
      orderId: "6004",
      state: "failed",
      lastOutcome: "accepted",
      lastCode: "WA202",
      lastHttpStatus: 202,
      deliveryState: "failed",
      failedAt: at(40),
      failure: JSON.stringify({ code: "131047", title: "Re-engagement message" }),
    });
    const detail = await getMessage(t.deps, SHOP, id);
    expect(detail?.delivery).toMatchObject({ label: "Not delivered", failure: { code: "131047", metaWords: "Re-engagement message" } });
    expect(detail?.help).toMatchObject({ title: "Not delivered", explanation: expect.stringContaining("24 hours"), action: expect.stringContaining("template") });
    // Kaleyra's own answer stays what it was, and the same message is not offered again.
    expect(detail?.answer?.code).toBe("WA202");
    expect(detail?.canRetry).toBe(false);
    const listed = (await listMessages(t.deps, SHOP, filter("state=failed"))).rows.find((row) => row.id === id);
    expect(listed?.deliveryState).toBe("failed");
  });

  it("GIVEN another shop's message id WHEN read THEN it is not found", async () => {
    const foreign = await t.prisma.message.findFirst({ where: { shopDomain: OTHER } });
    expect(foreign).not.toBeNull();
    expect(await getMessage(t.deps, SHOP, foreign?.id ?? "")).toBeNull();
    expect(await getMessage(t.deps, OTHER, foreign?.id ?? "")).not.toBeNull();
  });
});
