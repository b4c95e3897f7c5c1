import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import {
  Badge,
  BlockStack,
  Box,
  Button,
  Card,
  EmptyState,
  IndexTable,
  InlineStack,
  Link,
  Page,
  Pagination,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { useState } from "react";
import { adminDeps } from "../admin/deps.server";
import { FILTER_LABEL, MESSAGE_FILTER_STATES } from "../admin/message-states";
import { parseMessageFilter } from "../admin/messages";
import { listMessages } from "../admin/messages.server";
import { DateTime } from "../components/DateTime";
import { MessageStateBadge } from "../components/MessageStateBadge";
import { authenticate } from "../shopify.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const filter = parseMessageFilter(new URL(request.url).searchParams);
  const page = await listMessages(adminDeps(), session.shop, filter);
  return { ...page, filter: { state: filter.state ?? "", q: filter.q ?? "", days: filter.days ?? null } };
};

const STATE_OPTIONS = [
  { label: "All", value: "" },
  ...MESSAGE_FILTER_STATES.map((state) => ({ label: FILTER_LABEL[state], value: state })),
];

type Filter = { state: string; q: string; days: number | null };

function query(filter: Filter, page?: number): string {
  const params = new URLSearchParams();
  if (filter.state) params.set("state", filter.state);
  if (filter.q) params.set("q", filter.q);
  if (filter.days) params.set("days", String(filter.days));
  if (page && page > 1) params.set("page", String(page));
  const text = params.toString();
  return text ? `?${text}` : "";
}

type Row = ReturnType<typeof useLoaderData<typeof loader>>["rows"][number];

/** Queued after a failed attempt: say so, with the next attempt's number and time. */
function StateOf({ row }: { row: Row }) {
  if (!row.retry) return <MessageStateBadge state={row.state} deliveryState={row.deliveryState} />;
  return (
    <BlockStack gap="050" inlineAlign="start">
      <Badge tone="attention">Retrying</Badge>
      <Text as="span" tone="subdued" variant="bodySm">
        attempt {row.retry.attempt} of {row.retry.of}, next at <DateTime value={row.retry.nextAt} />
      </Text>
    </BlockStack>
  );
}

// Below Polaris's md breakpoint the table's six columns do not fit: a list of items instead.
// Both are rendered and CSS picks one, so the server's markup never depends on the width.
const NARROW_CSS = `
.messages-narrow { display: none; }
@media (max-width: 47.9975em) { .messages-wide { display: none; } .messages-narrow { display: block; } }
`;

function MessageTable({ rows }: { rows: Row[] }) {
  return (
    <IndexTable
      resourceName={{ singular: "message", plural: "messages" }}
      itemCount={rows.length}
      selectable={false}
      headings={[
        { title: "Order" },
        { title: "Update" },
        { title: "Status" },
        { title: "Recipient" },
        { title: "Attempts", alignment: "end" },
        { title: "Time" },
      ]}
    >
      {rows.map((row, index) => (
        <IndexTable.Row id={row.id} key={row.id} position={index}>
          <IndexTable.Cell>
            <Link url={`/app/messages/${row.id}`} dataPrimaryLink removeUnderline>
              <Text as="span" fontWeight="semibold">
                {row.orderName}
              </Text>
            </Link>
          </IndexTable.Cell>
          <IndexTable.Cell>{row.statusLabel}</IndexTable.Cell>
          <IndexTable.Cell>
            <StateOf row={row} />
          </IndexTable.Cell>
          <IndexTable.Cell>
            {row.recipient.missing ? <Text as="span" tone="subdued">{row.recipient.text}</Text> : row.recipient.text}
          </IndexTable.Cell>
          <IndexTable.Cell>
            <Text as="span" alignment="end" numeric>
              {row.attempts}
            </Text>
          </IndexTable.Cell>
          <IndexTable.Cell>
            <DateTime value={row.createdAt} />
          </IndexTable.Cell>
        </IndexTable.Row>
      ))}
    </IndexTable>
  );
}

function MessageList({ rows }: { rows: Row[] }) {
  return (
    <BlockStack as="ul">
      {rows.map((row) => (
        <Box as="li" key={row.id} padding="300" borderBlockStartWidth="025" borderColor="border">
          <BlockStack gap="100">
            <InlineStack align="space-between" blockAlign="center" gap="200">
              <Link url={`/app/messages/${row.id}`} removeUnderline>
                <Text as="span" fontWeight="semibold">
                  {row.orderName}
                </Text>
              </Link>
              <StateOf row={row} />
            </InlineStack>
            <Text as="p" tone="subdued">
              {row.recipient.missing
                ? `${row.statusLabel} update: ${row.recipient.text}`
                : `${row.statusLabel} update to ${row.recipient.text}`}
            </Text>
            <Text as="p" tone="subdued" variant="bodySm">
              <DateTime value={row.createdAt} />
            </Text>
          </BlockStack>
        </Box>
      ))}
    </BlockStack>
  );
}

function MessagesEmpty({ filtered, page, firstPage }: { filtered: boolean; page: number; firstPage: string }) {
  if (page > 1) {
    return (
      <EmptyState heading={`There is no page ${page}`} action={{ content: "Go to the first page", url: firstPage }} image="">
        <p>The list has fewer pages{filtered ? " with these filters" : ""}.</p>
      </EmptyState>
    );
  }
  if (filtered) {
    return (
      <EmptyState heading="No messages match" action={{ content: "Clear filters", url: "/app/messages" }} image="">
        <p>No message has this status or order in this period.</p>
      </EmptyState>
    );
  }
  return (
    <EmptyState
      heading="No messages yet"
      action={{ content: "Send a test message", url: "/app/settings#test-send" }}
      secondaryAction={{ content: "Check your setup", url: "/app" }}
      image=""
    >
      <p>Messages appear here as soon as an order is placed, ships or is cancelled. A test message shows you what shoppers get.</p>
    </EmptyState>
  );
}

export default function Messages() {
  const { rows, page, hasNext, hasPrevious, filter } = useLoaderData<typeof loader>();
  const submit = useSubmit();
  const navigation = useNavigation();
  const [search, setSearch] = useState(filter.q);
  const filtered = filter.state !== "" || filter.q !== "" || filter.days !== null;

  const applyState = (state: string) =>
    submit({ ...(state ? { state } : {}), ...(search ? { q: search } : {}), ...(filter.days ? { days: String(filter.days) } : {}) }, {
      method: "get",
      action: "/app/messages",
    });

  return (
    <Page title="Messages">
      <style>{NARROW_CSS}</style>
      <Card padding="0">
        <Box padding="400">
          <Form method="get" action="/app/messages">
            {filter.days !== null && <input type="hidden" name="days" value={filter.days} />}
            <InlineStack gap="300" blockAlign="end">
              <Box minWidth="160px">
                <Select
                  label="Status"
                  name="state"
                  options={STATE_OPTIONS}
                  value={filter.state}
                  onChange={applyState}
                />
              </Box>
              <div style={{ flexGrow: 1 }}>
                <TextField
                  label="Search by order name or number"
                  name="q"
                  autoComplete="off"
                  placeholder="#1001"
                  value={search}
                  onChange={setSearch}
                  clearButton
                  onClearButtonClick={() => setSearch("")}
                />
              </div>
              <Button submit loading={navigation.state === "loading"}>
                Search
              </Button>
            </InlineStack>
          </Form>
        </Box>
        {filter.days !== null && (
          <Box paddingInline="400" paddingBlockEnd="300">
            <Text as="p" tone="subdued">
              Created in the last {filter.days} days. <Link url={`/app/messages${query({ ...filter, days: null })}`}>Show all</Link>
            </Text>
          </Box>
        )}
        {rows.length === 0 ? (
          <MessagesEmpty filtered={filtered} page={page} firstPage={`/app/messages${query(filter)}`} />
        ) : (
          <>
            <div className="messages-wide">
              <MessageTable rows={rows} />
            </div>
            <div className="messages-narrow">
              <MessageList rows={rows} />
            </div>
          </>
        )}
        {(hasNext || hasPrevious) && (
          <Box padding="300">
            <BlockStack inlineAlign="center">
              <Pagination
                hasPrevious={hasPrevious}
                previousURL={`/app/messages${query(filter, page - 1)}`}
                hasNext={hasNext}
                nextURL={`/app/messages${query(filter, page + 1)}`}
                label={`Page ${page}`}
              />
            </BlockStack>
          </Box>
        )}
      </Card>
    </Page>
  );
}
