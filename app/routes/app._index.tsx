import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Badge, BlockStack, Button, Card, InlineGrid, InlineStack, Layout, Link, Page, Text } from "@shopify/polaris";
import type { MessageFilterState } from "../admin/message-states";
import type { DeliveryRates } from "../admin/delivery-rates";
import { DELIVERY_UPDATES_URL, type SendingState } from "../admin/sending-state";
import { COUNT_WINDOW_DAYS, loadDashboard, resumeSending, type MessageCounts } from "../admin/dashboard.server";
import { adminDeps } from "../admin/deps.server";
import { formToObject, readForm } from "../admin/form-data";
import { grantScopes } from "../admin/scope-grant.server";
import { sendTestMessage } from "../admin/settings.server";
import { AttentionBanners } from "../components/AttentionBanners";
import { SetupChecklist } from "../components/SetupChecklist";
import { config } from "../config.server";
import { authenticate } from "../shopify.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const dashboard = await loadDashboard(adminDeps(), session.shop, { required: config().SCOPES, granted: session.scope });
  return { ...dashboard, days: COUNT_WINDOW_DAYS };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session, scopes, redirect } = await authenticate.admin(request);
  const form = await readForm(request);
  const intent = form?.get("intent");
  if (intent === "grant_scopes") {
    const app = { apiKey: config().SHOPIFY_API_KEY, requiredScopes: config().SCOPES };
    const outcome = await grantScopes(adminDeps().sql, app, { shop: session.shop, granted: session.scope, queryScopes: scopes.query });
    // The grant screen is Shopify's, outside the app's frame: for this fetch the library answers
    // 401 with the URL in X-Shopify-API-Request-Failure-Reauthorize-Url, which App Bridge opens in the admin.
    if (!outcome.granted) throw redirect(outcome.grantUrl, { target: "_top" });
    return json({ intent: "grant_scopes" as const, ok: true as const, granted: true as const });
  }
  if (form && intent === "recheck") {
    // Kaleyra refused the credentials or number: a test send to the merchant checks them and resumes on success.
    const result = await sendTestMessage(adminDeps(), session.shop, formToObject(form));
    if (!result.ok) return json({ intent: "recheck" as const, ok: false as const, errors: result.errors });
    return json({ intent: "recheck" as const, ok: true as const, report: result.report, resumedMessages: result.resumedMessages });
  }
  if (intent !== "resume") return json({ ok: false as const, error: "Unknown action." }, { status: 400 });
  const result = await resumeSending(adminDeps(), session.shop);
  return json({ ok: true as const, resumed: result.resumed, messages: result.messages });
};

/** Each tile counts with its filter's states (FILTER_STATES) over the same days its link asks for. */
const COUNT_TILES: ReadonlyArray<{ key: MessageFilterState & keyof MessageCounts; label: string }> = [
  { key: "sent", label: "Sent" },
  { key: "failed", label: "Failed" },
  { key: "skipped", label: "Skipped" },
  { key: "queued", label: "Waiting to send" },
];

function Counts({ counts, days }: { counts: MessageCounts; days: number }) {
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Messages in the last {days} days
        </Text>
        <InlineGrid columns={{ xs: 2, md: 4 }} gap="300">
          {COUNT_TILES.map((tile) => (
            <BlockStack key={tile.key} gap="100">
              <Text as="p" tone="subdued">
                {tile.label}
              </Text>
              <Text as="p" variant="heading2xl" tone={tile.key === "failed" && counts.failed > 0 ? "critical" : undefined}>
                <span data-testid={`count-${tile.key}`}>{counts[tile.key]}</span>
              </Text>
              <Link
                url={`/app/messages?state=${tile.key}&days=${days}`}
                accessibilityLabel={`Show the ${counts[tile.key]} ${tile.label.toLowerCase()} messages`}
              >
                View
              </Link>
            </BlockStack>
          ))}
        </InlineGrid>
        {counts.paused > 0 && (
          <Text as="p" tone="subdued">
            {counts.paused} of the messages waiting to send are paused until sending resumes.
          </Text>
        )}
      </BlockStack>
    </Card>
  );
}

/** What WhatsApp said about the window's messages, from Kaleyra's status callbacks. */
function Delivery({ delivery, callbacksArrive, days }: { delivery: DeliveryRates; callbacksArrive: boolean; days: number }) {
  const shown = (value: number | null) => (value === null ? "–" : `${value}%`);
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Delivered and read in the last {days} days
        </Text>
        {!callbacksArrive ? (
          <Text as="p" tone="subdued">
            These rates come from Kaleyra&apos;s delivery updates, which have not arrived yet.{" "}
            <Link url={DELIVERY_UPDATES_URL}>Set up delivery updates</Link>
          </Text>
        ) : (
          <>
            <InlineGrid columns={{ xs: 2, md: 4 }} gap="300">
              {(
                [
                  ["Delivered", "rate-delivered", delivery.deliveredPercent],
                  ["Read", "rate-read", delivery.readPercent],
                ] as const
              ).map(([label, testId, percent]) => (
                <BlockStack gap="100" key={testId}>
                  <Text as="p" tone="subdued">
                    {label}
                  </Text>
                  <Text as="p" variant="heading2xl">
                    <span data-testid={testId}>{shown(percent)}</span>
                  </Text>
                </BlockStack>
              ))}
            </InlineGrid>
            <Text as="p" tone="subdued">
              <span data-testid="rate-basis">
                Of {delivery.answered} {delivery.answered === 1 ? "message" : "messages"} WhatsApp answered for:{" "}
                {delivery.delivered} delivered, {delivery.read} read, {delivery.failed} not delivered.
                {delivery.waiting > 0 ? ` ${delivery.waiting} more waiting for WhatsApp's answer.` : ""}
              </span>
            </Text>
          </>
        )}
      </BlockStack>
    </Card>
  );
}

/** The one-line answer to "are my shoppers getting messages?" and its one next step. */
function SendingStatus({ sending }: { sending: SendingState }) {
  const next = sending.next && "url" in sending.next ? sending.next : null;
  return (
    <Card>
      <InlineStack align="space-between" blockAlign="center" gap="300">
        <InlineStack gap="200" blockAlign="center" wrap={false}>
          <Badge tone={sending.setupComplete ? "success" : sending.canSend ? "attention" : "critical"}>
            {sending.setupComplete ? "Sending" : sending.canSend ? "Almost ready" : "Not sending"}
          </Badge>
          <Text as="p" fontWeight="semibold">
            <span data-testid="sending-headline">{sending.headline}</span>
          </Text>
        </InlineStack>
        {next && (
          <Button url={next.url} variant="primary">
            {next.label}
          </Button>
        )}
      </InlineStack>
    </Card>
  );
}

export default function Home() {
  const { checklist, counts, banners, days, sending, delivery, callbacksArrive } = useLoaderData<typeof loader>();
  // Once sending works the optional steps (templates reviewed, delivery updates) stay out of
  // the way; the delivery card below still offers delivery updates until they arrive.
  const showChecklist = !sending.setupComplete;
  return (
    <Page title="WhatsApp order updates">
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <AttentionBanners banners={banners} />
            <SendingStatus sending={sending} />
            {showChecklist && <SetupChecklist items={checklist} />}
            <Counts counts={counts} days={days} />
            <Delivery delivery={delivery} callbacksArrive={callbacksArrive} days={days} />
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">
                How it works
              </Text>
              <Text as="p">
                When an order is placed, partly or fully shipped, delivered or cancelled, the app sends the shopper a
                WhatsApp order update through your Kaleyra account.
              </Text>
              <Text as="p">
                The <Link url="/app/messages">message log</Link> shows every message, Kaleyra&apos;s answer and what to do
                when one fails.
              </Text>
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
