import { useFetcher } from "@remix-run/react";
import { BlockStack, Text } from "@shopify/polaris";
import { useEffect, useRef } from "react";
import type { ShownDelivery } from "../admin/delivery";
import { DateTime } from "./DateTime";

const ASK_EVERY_MS = 2_000;
/** Callbacks come within seconds; after this the merchant reloads to see a late one. */
const ASK_FOR_MS = 120_000;

const waiting = (delivery: ShownDelivery | null) => !delivery || delivery.state === "accepted" || delivery.state === "sent";

/**
 * What WhatsApp said of the latest test message, from Kaleyra's callbacks; asked again every
 * few seconds while the answer is still to come. Key it by the test so a new one starts over.
 */
export function TestDelivery({ initial, callbacksSet }: { initial: ShownDelivery | null; callbacksSet: boolean }) {
  const fetcher = useFetcher<{ delivery: ShownDelivery | null }>();
  const load = useRef(fetcher.load);
  load.current = fetcher.load;
  const delivery = fetcher.data ? fetcher.data.delivery : initial;
  const pending = waiting(delivery);

  useEffect(() => {
    if (!pending || !callbacksSet) return undefined;
    const started = Date.now();
    const timer = setInterval(() => {
      if (Date.now() - started > ASK_FOR_MS) clearInterval(timer);
      else load.current("/app/test-delivery");
    }, ASK_EVERY_MS);
    return () => clearInterval(timer);
  }, [pending, callbacksSet]);

  if (!delivery) return null;
  if (!callbacksSet) {
    return (
      <Text as="p" tone="subdued">
        Whether it reached the phone shows here once delivery updates are set up (below).
      </Text>
    );
  }
  return (
    <div data-testid="test-delivery" aria-live="polite">
      <BlockStack gap="100">
        <Text as="p" fontWeight="semibold">
          Delivery of this test: {pending ? "waiting for WhatsApp's answer…" : delivery.label}
        </Text>
        {delivery.times.map((time) => (
          <Text as="p" tone="subdued" key={time.label}>
            {time.label} <DateTime value={time.at} />
          </Text>
        ))}
        {delivery.failure && (
          <>
            <Text as="p">{delivery.failure.explanation}</Text>
            <Text as="p">What to do: {delivery.failure.fix}</Text>
          </>
        )}
      </BlockStack>
    </div>
  );
}
