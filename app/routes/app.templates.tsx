import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { SaveBar } from "@shopify/app-bridge-react";
import { Banner, BlockStack, Button, Card, InlineStack, Layout, Page, Text } from "@shopify/polaris";
import { useCallback, useEffect, useRef, useState } from "react";
import { adminDeps } from "../admin/deps.server";
import { formToObject, keepEditsMadeDuringSave, readForm, UNREADABLE_FORM, type FieldErrors } from "../admin/form-data";
import { liveTemplateErrors, templateFieldName, type TemplateInput } from "../admin/template-editing";
import { loadTemplates, saveTemplates, type TemplateView } from "../admin/templates.server";
import { DateTime } from "../components/DateTime";
import { TemplateEditor } from "../components/TemplateEditor";
import { useResetAfterSave } from "../components/useResetAfterSave";
import { useFormErrors } from "../components/useFormErrors";
import { useToast } from "../components/useToast";
import { LIMITS } from "../kaleyra/limits";
import { ORDER_STATUSES, type OrderStatus } from "../kaleyra/statuses";
import { DEFAULT_TEMPLATES } from "../templates/defaults";
import { authenticate } from "../shopify.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return loadTemplates(adminDeps(), session.shop);
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const body = await readForm(request);
  if (!body) return json({ ok: false as const, errors: { form: UNREADABLE_FORM } as FieldErrors }, { status: 400 });
  const result = await saveTemplates(adminDeps(), session.shop, formToObject(body));
  // Field errors are the form's answer (200), not a failed request.
  if (!result.ok) return json({ ok: false as const, errors: result.errors });
  return json({ ok: true as const, savedAt: Date.now() });
};

type Values = Record<OrderStatus, TemplateInput>;

/** Field names in page order (as the editors appear), and the id of each one's input. */
const FIELD_ORDER = ORDER_STATUSES.flatMap((status) => [templateFieldName(status, "body"), templateFieldName(status, "description")]);
const fieldElementId = (field: string) => (field === "form" ? "templates-form-errors" : field.replace(".", "-"));

function valuesOf(templates: TemplateView[]): Values {
  return Object.fromEntries(
    templates.map((t) => [t.status, { enabled: t.enabled, body: t.body, description: t.description }]),
  ) as Values;
}

function TemplatesForm({
  templates,
  shopName,
  serverErrors,
  clearError,
  saving,
  savedAt,
}: {
  templates: TemplateView[];
  shopName: string;
  serverErrors: FieldErrors;
  clearError: (field: string) => void;
  saving: boolean;
  savedAt: number | null;
}) {
  const submit = useSubmit();
  const initial = valuesOf(templates);
  const [values, setValues] = useState<Values>(initial);
  const submitted = useRef<Values>(initial);
  useResetAfterSave(
    savedAt,
    useCallback(() => setValues((current) => keepEditsMadeDuringSave(current, submitted.current, valuesOf(templates))), [templates]),
  );
  const dirty = JSON.stringify(values) !== JSON.stringify(initial);
  // A server error described the value it was given: a change (typing, reset) retires it.
  const change = (status: OrderStatus, next: TemplateInput) => {
    for (const part of ["body", "description"] as const) clearError(templateFieldName(status, part));
    setValues((all) => ({ ...all, [status]: next }));
  };

  const save = () => {
    if (saving) return;
    submitted.current = values;
    const form = new FormData();
    for (const t of templates) {
      const value = values[t.status];
      form.set(templateFieldName(t.status, "enabled"), String(value.enabled));
      form.set(templateFieldName(t.status, "body"), value.body);
      form.set(templateFieldName(t.status, "description"), value.description);
    }
    submit(form, { method: "post" });
  };

  return (
    <>
      <SaveBar id="templates-save-bar" open={dirty}>
        <button variant="primary" onClick={save} disabled={saving}></button>
        <button onClick={() => setValues(initial)}></button>
      </SaveBar>
      {templates.map((t) => {
        const value = values[t.status];
        // The page checks as the merchant types with the server's own rules; the server's
        // answer to the last save shows for fields the live check has nothing to say about.
        const live = liveTemplateErrors(t.status, value);
        const errorOf = (part: "body" | "description") => {
          const name = templateFieldName(t.status, part);
          return live[name] ?? serverErrors[name];
        };
        return (
          <TemplateEditor
            key={t.status}
            status={t.status}
            label={t.label}
            value={value}
            shopName={shopName}
            errors={{ body: errorOf("body"), description: errorOf("description") }}
            onChange={(next) => change(t.status, next)}
            onReset={() => change(t.status, { ...values[t.status], ...DEFAULT_TEMPLATES[t.status] })}
          />
        );
      })}
      <InlineStack align="end">
        <Button variant="primary" onClick={save} loading={saving}>
          Save templates
        </Button>
      </InlineStack>
    </>
  );
}

export default function Templates() {
  const { templates, shopName, reviewedAt } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const toast = useToast();
  const saving = navigation.state !== "idle" && navigation.formMethod === "POST";
  const savedAt = actionData?.ok ? actionData.savedAt : null;
  const answerErrors: FieldErrors = actionData && !actionData.ok ? actionData.errors : {};
  const { errors: serverErrors, clear } = useFormErrors(actionData, answerErrors, FIELD_ORDER, fieldElementId);

  useEffect(() => {
    if (savedAt !== null) toast("Templates saved");
  }, [savedAt, toast]);

  return (
    <Page title="Templates" subtitle="The WhatsApp messages your shoppers get">
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {Object.keys(serverErrors).length > 0 && (
              <div id={fieldElementId("form")} tabIndex={-1}>
              <Banner tone="critical" title="Nothing was saved">
                <p>Fix the fields marked below, then save again. No template was changed.</p>
              </Banner>
              </div>
            )}
            <Card>
              <BlockStack gap="200">
                <Text as="p">
                  Each order update has a message text (up to {LIMITS.bodyText.toLocaleString("en")} characters) and a
                  short order description (up to {LIMITS.description} characters). Variables in double braces, like{" "}
                  <code>{"{{order_name}}"}</code>, are filled in per order; a line whose variables are all empty is left
                  out.
                </Text>
                <Text as="p" tone="subdued">
                  {reviewedAt ? (
                    <>
                      Last saved <DateTime value={reviewedAt} />
                    </>
                  ) : (
                    "Not saved yet: these are the default messages."
                  )}
                </Text>
              </BlockStack>
            </Card>
            <TemplatesForm
              templates={templates}
              shopName={shopName}
              serverErrors={serverErrors}
              clearError={clear}
              saving={saving}
              savedAt={savedAt}
            />
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
