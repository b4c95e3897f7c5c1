/**
 * What a test send's answer means for the test itself. A test message is sent once and
 * never retried or paused, so the advice the log gives for order messages ("retried
 * automatically", "sent again afterwards") would be untrue here. Pure.
 */
import { OUTCOME_HELP, type OutcomeHelp, type OutcomeKey } from "../kaleyra/outcome";

const SEND_AGAIN = "This test was not sent and is not tried again by itself.";

const TEST_ACTIONS: Partial<Record<OutcomeKey, string>> = {
  accepted: "Nothing to do: the test arrives on your WhatsApp within moments.",
  invalid: "Fix what the error names, then send the test again.",
  "pause:low_balance": `${SEND_AGAIN} Top up your Kaleyra balance, then send the test again.`,
  "pause:daily_limit": `${SEND_AGAIN} Send it again after the daily limit resets, or ask Kaleyra to raise the limit.`,
  "rejected:payload": `${SEND_AGAIN} The test uses your “Processing” template: check its text in Templates, then send the test again. If it looks right, contact the app's support.`,
  "rejected:unknown": `${SEND_AGAIN} Read Kaleyra's answer below; contact Kaleyra or the app's support if it is unclear.`,
  "retry:server_error": `${SEND_AGAIN} Kaleyra's problem is usually over within minutes: send the test again shortly.`,
  "retry:rate_limited": `${SEND_AGAIN} Wait a minute, then send the test again.`,
  "retry:network": `${SEND_AGAIN} Send it again in a minute; if it keeps failing, check Kaleyra's status page.`,
  "retry:timeout": `${SEND_AGAIN} Kaleyra may still deliver it; wait a minute and check your WhatsApp before sending another.`,
  "retry:unexpected_response": `${SEND_AGAIN} Send it again in a minute; if the same answer comes back, contact the app's support.`,
};

export const TEST_ACCEPTED_TITLE = "Test message sent";

export function testSendHelp(key: OutcomeKey): OutcomeHelp {
  const help = OUTCOME_HELP[key];
  const title = key === "accepted" ? TEST_ACCEPTED_TITLE : `Test not sent: ${help.title.charAt(0).toLowerCase()}${help.title.slice(1)}`;
  // The settings problems (config_error:*) need the same fix for a test as for an order message.
  return { title, explanation: help.explanation, action: TEST_ACTIONS[key] ?? help.action };
}
