import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { BlockStack, Card, InlineGrid, Layout, Link, Page, Text } from "@shopify/polaris";
import { COUNT_WINDOW_DAYS, loadDashboard, resumeSending, type MessageCounts } from "../admin/dashboard.server";
import { adminDeps } from "../admin/deps.server";
import { readForm } from "../admin/form-data";
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
  const { session } = await authenticate.admin(request);
  const form = await readForm(request);
  if (form?.get("intent") !== "resume") return json({ ok: false as const, error: "Unknown action." }, { status: 400 });
  const result = await resumeSending(adminDeps(), session.shop);
  return json({ ok: true as const, resumed: result.resumed, messages: result.messages });
};

const COUNT_TILES: ReadonlyArray<{ key: keyof MessageCounts; label: string; filter: string }> = [
  { key: "sent", label: "Sent", filter: "sent" },
  { key: "failed", label: "Failed", filter: "failed" },
  { key: "skipped", label: "Skipped", filter: "skipped" },
  { key: "queued", label: "Queued", filter: "queued" },
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
              <Link url={`/app/messages?state=${tile.filter}`} accessibilityLabel={`Show ${tile.label.toLowerCase()} messages`}>
                View
              </Link>
            </BlockStack>
          ))}
        </InlineGrid>
        {counts.paused > 0 && (
          <Text as="p" tone="subdued">
            {counts.paused} of the queued messages wait for sending to resume.
          </Text>
        )}
      </BlockStack>
    </Card>
  );
}

export default function Home() {
  const { checklist, counts, banners, days } = useLoaderData<typeof loader>();
  const setupDone = checklist.every((item) => item.done);
  return (
    <Page title="WhatsApp order updates">
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <AttentionBanners banners={banners} />
            {!setupDone && <SetupChecklist items={checklist} />}
            <Counts counts={counts} days={days} />
            {setupDone && (
              <Card>
                <Text as="p">
                  Setup is complete. Shoppers get a WhatsApp message when their order is placed, ships, is delivered or is
                  cancelled.
                </Text>
              </Card>
            )}
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
