import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import {
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
import { MESSAGE_FILTER_STATES, MESSAGE_STATE_LABEL } from "../admin/message-states";
import { parseMessageFilter } from "../admin/messages";
import { listMessages } from "../admin/messages.server";
import { DateTime } from "../components/DateTime";
import { MessageStateBadge } from "../components/MessageStateBadge";
import { authenticate } from "../shopify.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const filter = parseMessageFilter(new URL(request.url).searchParams);
  const page = await listMessages(adminDeps(), session.shop, filter);
  return { ...page, filter: { state: filter.state ?? "", q: filter.q ?? "" } };
};

const STATE_OPTIONS = [
  { label: "All", value: "" },
  ...MESSAGE_FILTER_STATES.map((state) => ({ label: MESSAGE_STATE_LABEL[state] ?? state, value: state })),
];

function query(filter: { state: string; q: string }, page?: number): string {
  const params = new URLSearchParams();
  if (filter.state) params.set("state", filter.state);
  if (filter.q) params.set("q", filter.q);
  if (page && page > 1) params.set("page", String(page));
  const text = params.toString();
  return text ? `?${text}` : "";
}

export default function Messages() {
  const { rows, page, hasNext, hasPrevious, filter } = useLoaderData<typeof loader>();
  const submit = useSubmit();
  const navigation = useNavigation();
  const [search, setSearch] = useState(filter.q);
  const filtered = filter.state !== "" || filter.q !== "";

  const applyState = (state: string) =>
    submit({ ...(state ? { state } : {}), ...(search ? { q: search } : {}) }, {
      method: "get",
      action: "/app/messages",
    });

  return (
    <Page title="Messages">
      <Card padding="0">
        <Box padding="400">
          <Form method="get" action="/app/messages">
            <InlineStack gap="300" blockAlign="end" wrap={false}>
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
        {rows.length === 0 ? (
          <EmptyState heading={filtered ? "No messages match" : "No messages yet"} image="">
            <p>
              {filtered
                ? "Try another status or order."
                : "Messages appear here as soon as an order is placed, ships or is cancelled."}
            </p>
          </EmptyState>
        ) : (
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
                  <MessageStateBadge state={row.state} />
                </IndexTable.Cell>
                <IndexTable.Cell>{row.recipient}</IndexTable.Cell>
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
