import { describe, expect, it } from "vitest";
import type { SqlExecutor } from "../db/sql.server";
import { Announcer } from "./notify.server";

/** A connection whose answers the test releases one by one. */
function heldConnection() {
  const sent: string[] = [];
  const answers: Array<() => void> = [];
  const db = {
    provider: "postgresql",
    query: (statement: string) => {
      sent.push(statement);
      return new Promise<unknown[]>((resolve) => answers.push(() => resolve([])));
    },
  } as unknown as SqlExecutor;
  return { db, sent, answer: () => answers.shift()?.() };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe("notifications from a busy process", () => {
  it("GIVEN one notification on its way WHEN fifty more are asked for THEN one more is sent, a spacing after the first was answered", async () => {
    const { db, sent, answer } = heldConnection();
    const announcer = new Announcer(db, "NOTIFY", () => {});
    announcer.request();
    expect(sent).toHaveLength(1);
    for (let i = 0; i < 50; i += 1) announcer.request();
    answer();
    await flush();
    expect(sent).toHaveLength(1);
    await expect.poll(() => sent.length, { timeout: 5000 }).toBe(2);
    answer();
    await flush();
    expect(sent).toHaveLength(2);
  });

  it("GIVEN an idle process WHEN a notification is asked for THEN it is sent at once", async () => {
    const { db, sent, answer } = heldConnection();
    const announcer = new Announcer(db, "NOTIFY", () => {});
    announcer.request();
    answer();
    await flush();
    announcer.request();
    expect(sent).toEqual(["NOTIFY", "NOTIFY"]);
  });
});
