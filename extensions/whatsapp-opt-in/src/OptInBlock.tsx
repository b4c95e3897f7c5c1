/**
 * "Get order updates on WhatsApp", shared by the thank-you and order-status pages: the shop's
 * name, the shopper's own number and one checkbox. One request to show, one per change; the
 * words shown go with each choice.
 */
import { useEffect, useState } from "preact/hooks";
import type { OptInClient } from "./opt-in-client";
import { afterLoad, afterSave, blockView, INITIAL, whileSaving, wordingShown, type BlockState, type Choice } from "./opt-in";

export interface OptInBlockProps {
  shopName: string;
  phone: string;
  client: OptInClient;
}

export function OptInBlock({ shopName, phone, client }: OptInBlockProps) {
  const [state, setState] = useState<BlockState>(INITIAL);

  const load = () => {
    setState(INITIAL);
    void client.load().then((answer) => setState((current) => afterLoad(current, answer)));
  };
  const save = (choice: Choice) => {
    const before = state;
    setState(whileSaving(before, choice));
    void client.save(choice, wordingShown(shopName, phone)).then((answer) => setState(afterSave(before, choice, answer)));
  };
  // One request when the block first shows; nothing blocks the page meanwhile.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  useEffect(load, []);

  const view = blockView(state, shopName, phone);
  if (view.hidden) return null;
  const retry = () => (state.failed?.kind === "save" ? save(state.failed.choice) : load());
  return (
    <s-section>
      <s-stack gap="small-200">
        <s-checkbox
          label={view.label}
          checked={view.checked}
          disabled={view.disabled}
          onChange={(event) => save((event.currentTarget as unknown as { checked: boolean }).checked ? "opted_in" : "opted_out")}
        />
        <s-text color="subdued">{view.detail}</s-text>
        {view.status ? <s-text color="subdued">{view.status}</s-text> : null}
        {view.error ? (
          <s-banner tone="critical">
            <s-stack gap="small-200">
              <s-text>{view.error}</s-text>
              <s-button onClick={retry}>Try again</s-button>
            </s-stack>
          </s-banner>
        ) : null}
      </s-stack>
    </s-section>
  );
}
