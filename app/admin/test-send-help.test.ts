import { describe, expect, it } from "vitest";
import { OUTCOME_HELP, OUTCOME_KEYS } from "../kaleyra/outcome";
import { testSendHelp } from "./test-send-help";

describe("test-send help", () => {
  it.each(OUTCOME_KEYS)("GIVEN a test answered %s WHEN explained THEN nothing promises a retry or a later send", (key) => {
    const help = testSendHelp(key);
    const text = `${help.title} ${help.explanation} ${help.action}`;
    expect(text).not.toMatch(/retried automatically|sent again afterwards|Messages resume/i);
    expect(help.action.length).toBeGreaterThan(10);
  });

  it.each(OUTCOME_KEYS.filter((key) => key.startsWith("retry:") || key.startsWith("pause:") || key.startsWith("rejected:")))(
    "GIVEN a failed test (%s) WHEN explained THEN it says the test is not tried again",
    (key) => {
      expect(testSendHelp(key).action).toContain("This test was not sent and is not tried again by itself.");
      expect(testSendHelp(key).title).toMatch(/^Test not sent: /);
    },
  );

  it("GIVEN a settings problem WHEN explained THEN the fix is the one order messages get", () => {
    expect(testSendHelp("config_error:credentials").action).toBe(OUTCOME_HELP["config_error:credentials"].action);
    expect(testSendHelp("accepted").title).toBe("Test message sent");
  });
});
