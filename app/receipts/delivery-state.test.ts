import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  applyReceipt,
  columnsOf,
  parseRecord,
  RECEIPT_STATUSES,
  recordOfColumns,
  serializeRecord,
  type DeliveryRecord,
  type Receipt,
  type ReceiptStatus,
} from "./delivery-state";

const ACCEPTED: DeliveryRecord = { state: "accepted" };
const at = (second: number) => new Date(Date.UTC(2026, 11, 2, 10, 0, second));

function fold(receipts: readonly Receipt[], from: DeliveryRecord = ACCEPTED): DeliveryRecord {
  return receipts.reduce((record, receipt) => applyReceipt(record, receipt).record, from);
}

describe("a message's delivery state from its callbacks", () => {
  it.each<[string, Receipt[], Partial<DeliveryRecord>]>([
    ["in order", [{ status: "sent", at: at(1) }, { status: "delivered", at: at(2) }, { status: "read", at: at(3) }], { state: "read", sentAt: at(1), deliveredAt: at(2), readAt: at(3) }],
    ["read before delivered", [{ status: "read", at: at(3) }, { status: "delivered", at: at(2) }, { status: "sent", at: at(1) }], { state: "read", sentAt: at(1), deliveredAt: at(2), readAt: at(3) }],
    ["failed", [{ status: "sent", at: at(1) }, { status: "failed", at: at(2), error: { code: "131047" } }], { state: "failed", sentAt: at(1), failedAt: at(2), failure: { code: "131047" } }],
    ["delivered after failed (another device)", [{ status: "failed", at: at(2), error: { code: "131026" } }, { status: "delivered", at: at(4) }], { state: "delivered", failedAt: at(2), deliveredAt: at(4), failure: { code: "131026" } }],
    ["not sent by Kaleyra", [{ status: "not_sent", at: at(1), error: { code: "WAV2101" } }], { state: "not_sent", failedAt: at(1), failure: { code: "WAV2101" } }],
  ])("GIVEN callbacks %s WHEN folded THEN the furthest state and every time", (_name, receipts, expected) => {
    expect(fold(receipts)).toEqual({ state: "accepted", ...expected });
  });

  it("GIVEN a callback already applied WHEN it comes again THEN nothing changes and nothing is to be written", () => {
    const once = applyReceipt(ACCEPTED, { status: "delivered", at: at(2) });
    expect(once).toMatchObject({ changed: true, nowFailed: false });
    const twice = applyReceipt(once.record, { status: "delivered", at: at(2) });
    expect(twice).toEqual({ record: once.record, changed: false, nowFailed: false });
  });

  it("GIVEN a read message WHEN a late sent callback comes THEN its time is kept and the state stays read", () => {
    const read = fold([{ status: "read", at: at(3) }]);
    const applied = applyReceipt(read, { status: "sent", at: at(1) });
    expect(applied).toMatchObject({ changed: true, record: { state: "read", sentAt: at(1), readAt: at(3) } });
  });

  it("GIVEN a message that failed WHEN it fails again THEN it is not acted on twice", () => {
    const failed = applyReceipt(ACCEPTED, { status: "failed", at: at(2), error: { code: "131047" } });
    expect(failed.nowFailed).toBe(true);
    expect(applyReceipt(failed.record, { status: "failed", at: at(2), error: { code: "131047" } }).nowFailed).toBe(false);
    expect(applyReceipt(failed.record, { status: "not_sent", at: at(3), error: { code: "WAV2101" } }).nowFailed).toBe(false);
  });

  it("GIVEN a delivered message WHEN a failure comes late THEN its time and reason are kept but the shopper still got it (no action)", () => {
    const applied = applyReceipt(fold([{ status: "delivered", at: at(2) }]), { status: "failed", at: at(1), error: { code: "131026" } });
    expect(applied).toMatchObject({ changed: true, nowFailed: false, record: { state: "delivered", failedAt: at(1), failure: { code: "131026" } } });
  });

  it("GIVEN any order and duplication of a message's callbacks WHEN folded THEN the state is the furthest reported and each time is the one reported", () => {
    const rank: Record<ReceiptStatus, number> = { sent: 1, not_sent: 2, failed: 3, delivered: 4, read: 5 };
    // One report per status (Kaleyra's callbacks), each with its own time and, for failures, a code.
    const reports = fc
      .subarray([...RECEIPT_STATUSES], { minLength: 1 })
      .chain((statuses) =>
        fc.tuple(
          fc.constant(statuses),
          fc.array(fc.integer({ min: 0, max: 3_600 }), { minLength: statuses.length, maxLength: statuses.length }),
          fc.array(fc.constantFrom("131047", "131026", "2046", "WAV2101"), { minLength: statuses.length, maxLength: statuses.length }),
        ),
      )
      .map(([statuses, seconds, codes]) =>
        statuses.map((status, i): Receipt => ({
          status,
          at: new Date(Date.UTC(2026, 11, 2) + seconds[i]! * 1000),
          ...(status === "failed" || status === "not_sent" ? { error: { code: codes[i]! } } : {}),
        })),
      );
    const arrivals = reports.chain((receipts) =>
      fc.tuple(
        fc.constant(receipts),
        fc.shuffledSubarray(receipts, { minLength: receipts.length, maxLength: receipts.length }),
        fc.array(fc.nat({ max: receipts.length - 1 }), { maxLength: 6 }),
      ),
    );
    fc.assert(
      fc.property(arrivals, ([receipts, shuffled, duplicated]) => {
        const arrived = [...shuffled, ...duplicated.map((i) => receipts[i]!)];
        const record = fold(arrived);
        const furthest = receipts.reduce((best, r) => (rank[r.status] > rank[best.status] ? r : best));
        expect(record.state).toBe(furthest.status);
        const timeOf = (status: ReceiptStatus) => receipts.find((r) => r.status === status)?.at;
        expect(record.sentAt).toEqual(timeOf("sent"));
        expect(record.deliveredAt).toEqual(timeOf("delivered"));
        expect(record.readAt).toEqual(timeOf("read"));
        const failures = receipts.filter((r) => r.status === "failed" || r.status === "not_sent");
        const firstFailure = failures.sort((a, b) => a.at.getTime() - b.at.getTime() || (a.error!.code < b.error!.code ? -1 : 1))[0];
        expect(record.failedAt).toEqual(firstFailure?.at);
        expect(record.failure).toEqual(firstFailure?.error);
        // The same callbacks in the order reported give the same record.
        expect(fold(receipts)).toEqual(record);
      }),
      { numRuns: 500 },
    );
  });
});

describe("a record stored", () => {
  const record: DeliveryRecord = {
    state: "failed",
    sentAt: new Date("2026-12-02T10:00:01.000Z"),
    failedAt: new Date("2026-12-02T10:00:03.000Z"),
    failure: { code: "131047", title: "Re-engagement message" },
  };

  it("GIVEN a record WHEN stored in a message's columns and read back THEN it is the same", () => {
    expect(columnsOf(record)).toEqual({
      deliveryState: "failed",
      whatsappSentAt: record.sentAt,
      deliveredAt: null,
      readAt: null,
      failedAt: record.failedAt,
      failure: '{"code":"131047","title":"Re-engagement message"}',
    });
    expect(recordOfColumns(columnsOf(record))).toEqual(record);
  });

  it("GIVEN a record WHEN stored as one text (the test message's) and read back THEN it is the same; unreadable text is no record", () => {
    expect(parseRecord(serializeRecord(record))).toEqual(record);
    expect(parseRecord(serializeRecord({ state: "accepted" }))).toEqual({ state: "accepted" });
    expect(parseRecord("{")).toBeUndefined();
    expect(parseRecord(null)).toBeUndefined();
  });

  it("GIVEN columns of a message Kaleyra never answered, or an unreadable failure THEN accepted, and no failure", () => {
    const none = { deliveryState: null, whatsappSentAt: null, deliveredAt: null, readAt: null, failedAt: null, failure: "{" };
    expect(recordOfColumns(none)).toEqual({ state: "accepted" });
  });
});
