/**
 * The order page's block: this order's WhatsApp messages as the app's log has them, the
 * shopper's consent, Retry on a failed message and a link to each message in the app. Every
 * word of explanation comes from the app (GET /api/orders/<id>/whatsapp); the admin adds the
 * session token to the fetch.
 */
// Not `import "@shopify/ui-extensions/preact"`: it only hands Preact's signals to the host,
// for reactive `shopify.*` values this block does not read, and @preact/signals is not installed.
import { render } from "preact";
import { useCallback, useEffect, useMemo, useState } from "preact/hooks";
import {
  blockView,
  collapsedSummary,
  endpointFor,
  failureNotice,
  orderIdFrom,
  readRetryAnswer,
  readTimeline,
  readUnknownOrder,
  retryNotice,
  unknownOrderView,
  type BlockView,
  type ConsentView,
  type FormatTime,
  type MessageView,
  type Notice,
} from "./timeline";

export default async () => {
  render(<OrderBlock />, document.body);
};

type Load = { state: "loading" } | { state: "failed"; notice: Notice } | { state: "ready"; view: BlockView };

interface Answer {
  status: number;
  json: unknown;
}

/** The app's answer, or status 0 when it could not be reached at all. */
async function ask(url: string, body?: unknown): Promise<Answer> {
  try {
    const init = body === undefined ? undefined : { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) };
    const response = await fetch(url, init);
    return { status: response.status, json: await response.json().catch(() => null) };
  } catch {
    return { status: 0, json: null };
  }
}

/** What a GET of the timeline becomes on the page. */
function loaded(answer: Answer, format: FormatTime): Load {
  const timeline = answer.status === 200 ? readTimeline(answer.json) : null;
  if (timeline) return { state: "ready", view: blockView(timeline, format) };
  const unknown = answer.status === 404 ? readUnknownOrder(answer.json) : null;
  if (unknown) return { state: "ready", view: unknownOrderView(unknown) };
  return { state: "failed", notice: failureNotice(answer.status, answer.json) };
}

function OrderBlock() {
  const orderId = orderIdFrom(shopify.data.selected[0]?.id);
  const format = useMemo<FormatTime>(() => (iso) => shopify.i18n.formatDate(new Date(iso), { dateStyle: "medium", timeStyle: "short" }), []);
  const [load, setLoad] = useState<Load>({ state: "loading" });
  const [notice, setNotice] = useState<Notice | null>(null);
  /** The message being retried, or "resend": one action at a time. */
  const [busy, setBusy] = useState<string | null>(null);

  const refresh = useCallback(async () => {
    if (!orderId) return setLoad({ state: "failed", notice: { tone: "critical", heading: "No order", text: "This block belongs on an order's page." } });
    setLoad({ state: "loading" });
    setLoad(loaded(await ask(endpointFor(orderId)), format));
  }, [orderId, format]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const retry = async (messageId: string) => {
    if (!orderId) return;
    setBusy(messageId);
    setNotice(null);
    const answer = await ask(endpointFor(orderId), { intent: "retry", messageId });
    setBusy(null);
    const retried = answer.status === 200 ? readRetryAnswer(answer.json) : null;
    if (!retried) return setNotice(failureNotice(answer.status, answer.json));
    setNotice(retryNotice(retried.retried));
    if (retried.timeline) setLoad({ state: "ready", view: blockView(retried.timeline, format) });
    else await refresh();
  };

  const resend = async () => {
    if (!orderId) return;
    setBusy("resend");
    setNotice(null);
    // One id per press: if the request is repeated, the app sends nothing more.
    const answer = await ask(endpointFor(orderId), { intent: "resend", requestId: crypto.randomUUID() });
    setBusy(null);
    if (answer.status !== 200) return setNotice(failureNotice(answer.status, answer.json));
    setNotice({ tone: "success", heading: "Current status queued", text: null });
    await refresh();
  };

  return (
    <s-admin-block heading="WhatsApp messages" collapsedSummary={load.state === "ready" ? collapsedSummary(load.view) : undefined}>
      <s-stack gap="base">
        {notice && <NoticeBanner notice={notice} onDismiss={() => setNotice(null)} />}
        {load.state === "loading" && <Loading />}
        {load.state === "failed" && <Failed notice={load.notice} onRetry={refresh} />}
        {load.state === "ready" && <Ready view={load.view} busy={busy} onRetry={retry} onResend={resend} />}
      </s-stack>
    </s-admin-block>
  );
}

function NoticeBanner({ notice, onDismiss }: { notice: Notice; onDismiss: () => void }) {
  return (
    <s-banner tone={notice.tone} heading={notice.heading} dismissible onDismiss={onDismiss}>
      {notice.text}
    </s-banner>
  );
}

function Loading() {
  return (
    <s-stack direction="inline" gap="small-200" alignItems="center">
      <s-spinner accessibilityLabel="Loading" size="base" />
      <s-text color="subdued">Loading this order&apos;s WhatsApp messages…</s-text>
    </s-stack>
  );
}

function Failed({ notice, onRetry }: { notice: Notice; onRetry: () => void }) {
  return (
    <s-banner tone={notice.tone} heading={notice.heading}>
      <s-stack gap="small-200">
        {notice.text && <s-paragraph>{notice.text}</s-paragraph>}
        <s-button onClick={onRetry}>Try again</s-button>
      </s-stack>
    </s-banner>
  );
}

interface ReadyProps {
  view: BlockView;
  busy: string | null;
  onRetry: (messageId: string) => void;
  onResend: () => void;
}

function Ready({ view, busy, onRetry, onResend }: ReadyProps) {
  const resend = view.canResend && (
    <s-button onClick={onResend} loading={busy === "resend"} disabled={busy !== null && busy !== "resend"}>
      Send current status again
    </s-button>
  );
  if (view.kind === "empty") {
    return (
      <s-stack gap="small-200">
        <s-text type="strong">No WhatsApp messages for this order yet</s-text>
        {view.reasons.map((reason) => (
          <s-paragraph key={reason}>{reason}</s-paragraph>
        ))}
        {view.next && <s-link href={view.next.href}>{view.next.label}</s-link>}
        {resend}
      </s-stack>
    );
  }
  return (
    <s-stack gap="base">
      {view.setup && (
        <s-banner tone="warning" heading={view.setup.headline}>
          {view.setup.next && <s-link href={view.setup.next.href}>{view.setup.next.label}</s-link>}
        </s-banner>
      )}
      {view.consent.map((consent) => (
        <Consent key={consent.recipient} consent={consent} />
      ))}
      {view.messages.map((message) => (
        <Message key={message.id} message={message} busy={busy} onRetry={onRetry} />
      ))}
      {resend}
    </s-stack>
  );
}

function Consent({ consent }: { consent: ConsentView }) {
  return (
    <s-stack direction="inline" gap="small-200" alignItems="center">
      <s-text type="strong">Consent of {consent.recipient}</s-text>
      <s-badge tone={consent.badge.tone}>{consent.badge.label}</s-badge>
      {consent.detail && <s-text color="subdued">{consent.detail}</s-text>}
    </s-stack>
  );
}

function Message({ message, busy, onRetry }: { message: MessageView; busy: string | null; onRetry: (id: string) => void }) {
  return (
    <s-box border="base" borderRadius="base" padding="small">
      <s-stack gap="small-200">
        <s-stack direction="inline" gap="small-200" alignItems="center">
          <s-text type="strong">{message.title}</s-text>
          <s-badge tone={message.badge.tone}>{message.badge.label}</s-badge>
        </s-stack>
        <s-text color="subdued">
          {message.form} · to {message.recipient}
        </s-text>
        <s-text color="subdued">{message.times.join(" · ")}</s-text>
        {message.help && (
          <s-banner tone={message.badge.tone === "critical" ? "critical" : "warning"} heading={message.help.title}>
            <s-paragraph>{message.help.explanation}</s-paragraph>
            <s-paragraph>What to do: {message.help.action}</s-paragraph>
          </s-banner>
        )}
        <s-stack direction="inline" gap="small-200" alignItems="center">
          {message.canRetry && (
            <s-button variant="primary" onClick={() => onRetry(message.id)} loading={busy === message.id} disabled={busy !== null && busy !== message.id}>
              Retry
            </s-button>
          )}
          {message.fix && <s-link href={message.fix.href}>{message.fix.label}</s-link>}
          <s-link href={message.href}>Open in app</s-link>
        </s-stack>
      </s-stack>
    </s-box>
  );
}
