import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { isRouteErrorResponse, useActionData, useLoaderData, useNavigation, useRouteError, useSubmit } from "@remix-run/react";
import { Banner, BlockStack, Box, Card, InlineGrid, Layout, Link, Page, Text } from "@shopify/polaris";
import { boundary } from "@shopify/shopify-app-remix/server";
import { useEffect } from "react";
import { adminDeps } from "../admin/deps.server";
import { readForm } from "../admin/form-data";
import { getMessage } from "../admin/messages.server";
import { retryMessage } from "../admin/retry.server";
import { DateTime } from "../components/DateTime";
import { MessageStateBadge } from "../components/MessageStateBadge";
import { useToast } from "../components/useToast";
import { authenticate } from "../shopify.server";

const NOT_FOUND = "Message not found";

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  // Scoped by the session's shop: another shop's message id reads exactly like a missing one.
  const message = await getMessage(adminDeps(), session.shop, params.id ?? "");
  if (!message) throw new Response(NOT_FOUND, { status: 404 });
  return { message };
};

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const form = await readForm(request);
  if (form?.get("intent") !== "retry") return json({ ok: false as const, error: "Unknown action." }, { status: 400 });
  const result = await retryMessage(adminDeps(), session.shop, params.id ?? "");
  if (!result.ok && result.reason === "not_found") throw new Response(NOT_FOUND, { status: 404 });
  if (!result.ok) {
    return json({ ok: false as const, error: "Only failed or skipped messages can be retried." }, { status: 409 });
  }
  return json({ ok: true as const, state: result.state, skipReason: result.skipReason, changed: result.changed, at: Date.now() });
};

function Field({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <BlockStack gap="050">
      <Text as="p" tone="subdued">
        {label}
      </Text>
      <div>{children}</div>
    </BlockStack>
  );
}

function Preformatted({ label, text }: { label: string; text: string }) {
  return (
    <Box background="bg-surface-secondary" padding="300" borderRadius="200" overflowX="scroll">
      <pre aria-label={label} style={{ margin: 0, whiteSpace: "pre-wrap", overflowWrap: "anywhere", fontSize: 12 }}>
        {text}
      </pre>
    </Box>
  );
}

export default function MessageDetail() {
  const { message } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const submit = useSubmit();
  const toast = useToast();
  const retrying = navigation.state !== "idle" && navigation.formMethod === "POST";
  const retried = actionData?.ok ? actionData : null;

  useEffect(() => {
    if (!retried) return;
    if (retried.state === "skipped") toast("Still cannot be sent", { isError: true });
    else toast(retried.state === "paused" ? "Queued; sending is paused" : "Message queued again");
  }, [retried, toast]);

  return (
    <Page
      title={`Message for order ${message.orderName}`}
      titleMetadata={<MessageStateBadge state={message.state} deliveryState={message.delivery?.state} />}
      subtitle={`${message.statusLabel} update`}
      backAction={{ content: "Messages", url: "/app/messages" }}
      // When sending the same message again cannot help, the fix comes first and Retry (which
      // plans the message again from the fixed template or settings) second.
      primaryAction={
        message.fix
          ? { content: message.fix.label, url: message.fix.url }
          : message.canRetry
            ? { content: "Retry", loading: retrying, onAction: () => submit({ intent: "retry" }, { method: "post" }) }
            : undefined
      }
      secondaryActions={
        message.fix && message.canRetry
          ? [{ content: "Retry", loading: retrying, onAction: () => submit({ intent: "retry" }, { method: "post" }) }]
          : undefined
      }
    >
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {actionData && !actionData.ok && <Banner tone="critical">{actionData.error}</Banner>}
            {retried?.state === "skipped" && (
              <Banner tone="warning" title="Still cannot be sent">
                <p>{retried.skipReason}</p>
              </Banner>
            )}
            {retried && retried.state !== "skipped" && (
              <Banner tone="info" title="Planned again from your current settings">
                <p>
                  {retried.changed.length > 0
                    ? `Changed since the last attempt: ${retried.changed.join(", ")}.`
                    : "Nothing changed: the same message is sent again."}
                </p>
              </Banner>
            )}
            {message.retry && (
              <Banner tone="info" title={`Retrying: attempt ${message.retry.attempt} of ${message.retry.of}`}>
                <p>
                  The last attempt did not go through; the next one is at <DateTime value={message.retry.nextAt} />.
                </p>
              </Banner>
            )}
            {message.help && (
              <Card>
                <BlockStack gap="200">
                  <Text as="h2" variant="headingMd">
                    {message.help.title}
                  </Text>
                  <Text as="p">{message.help.explanation}</Text>
                  <Text as="p" fontWeight="semibold">
                    What to do: {message.help.action}
                  </Text>
                </BlockStack>
              </Card>
            )}
            {message.delivery && (
              <Card>
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">
                    Delivery: {message.delivery.label}
                  </Text>
                  {message.delivery.times.map((time) => (
                    <Field key={time.label} label={time.label}>
                      <DateTime value={time.at} />
                    </Field>
                  ))}
                  {message.delivery.failure?.metaWords && (
                    <Text as="p" tone="subdued">
                      WhatsApp&apos;s words (error {message.delivery.failure.code}): {message.delivery.failure.metaWords}
                    </Text>
                  )}
                </BlockStack>
              </Card>
            )}
            {message.answer && (
              <Card>
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">
                    Kaleyra&apos;s answer
                  </Text>
                  <InlineGrid columns={2} gap="300">
                    <Field label="Code">{message.answer.code ?? "—"}</Field>
                    <Field label="HTTP status">{message.answer.httpStatus ?? "—"}</Field>
                  </InlineGrid>
                  {message.answer.words && <Text as="p">{message.answer.words}</Text>}
                </BlockStack>
              </Card>
            )}
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Message
                </Text>
                {message.bodyText ? <Preformatted label="Message text" text={message.bodyText} /> : <Text as="p">No text.</Text>}
                {message.description && (
                  <Text as="p">
                    Order description: <span>{message.description}</span>
                  </Text>
                )}
                {message.omittedLinks.length > 0 && (
                  <BlockStack gap="100">
                    <Text as="p" tone="caution">
                      Left out to fit WhatsApp&apos;s length limit (a link is never cut, so its line was dropped):
                    </Text>
                    {message.omittedLinks.map((link) => (
                      <Text as="p" key={link} breakWord>
                        {link}
                      </Text>
                    ))}
                  </BlockStack>
                )}
              </BlockStack>
            </Card>
            <Card>
              {message.request ? (
                // For support: folded away so that on a phone it does not stand between the advice and the order.
                <details>
                  <summary>
                    <Text as="span" variant="headingMd">
                      Request sent to Kaleyra (technical details)
                    </Text>
                  </summary>
                  <Box paddingBlockStart="300">
                    <Preformatted label="Request sent to Kaleyra" text={message.request} />
                  </Box>
                </details>
              ) : (
                <Text as="p" tone="subdued">
                  Nothing was sent to Kaleyra yet.
                </Text>
              )}
            </Card>
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <Card>
            <BlockStack gap="300">
              <Field label="Order">
                <Link url={message.orderUrl} target="_top">
                  {`Open order ${message.orderName} in Shopify`}
                </Link>
              </Field>
              <Field label="Recipient">
                {message.recipient.why ? `${message.recipient.text}: ${message.recipient.why}` : message.recipient.text}
              </Field>
              <Field label="Sent as">
                {message.form.template ? `${message.form.label}: ${message.form.template}` : message.form.label}
                {message.form.reason && <Text as="p" tone="subdued">{message.form.reason}</Text>}
              </Field>
              {message.fallback.of && (
                <Field label="Replaces">
                  <Link url={`/app/messages/${message.fallback.of}`}>the interactive message WhatsApp refused</Link>
                </Field>
              )}
              {message.fallback.by && (
                <Field label="Sent again as">
                  <Link url={`/app/messages/${message.fallback.by}`}>the approved template</Link>
                </Field>
              )}
              <Field label="Reference id">{message.referenceId ?? "—"}</Field>
              <Field label="Attempts">{message.attempts}</Field>
              <Field label="Created">
                <DateTime value={message.createdAt} />
              </Field>
              {message.sentAt && (
                <Field label="Sent">
                  <DateTime value={message.sentAt} />
                </Field>
              )}
              {message.nextAttemptAt && (
                <Field label="Next attempt">
                  <DateTime value={message.nextAttemptAt} />
                </Field>
              )}
              {message.kaleyraMessageId && <Field label="Kaleyra message id">{message.kaleyraMessageId}</Field>}
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

// A missing (or another shop's) message gets a page of its own; everything else, such as
// the redirects embedded auth relies on, goes to Shopify's boundary.
export function ErrorBoundary() {
  const error = useRouteError();
  if (isRouteErrorResponse(error) && error.status === 404) {
    return (
      <Page title={NOT_FOUND} backAction={{ content: "Messages", url: "/app/messages" }}>
        <Card>
          <Text as="p">This message does not exist in your shop&apos;s log.</Text>
        </Card>
      </Page>
    );
  }
  return boundary.error(error);
}
