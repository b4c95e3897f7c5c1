import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import { Banner, BlockStack, Box, Button, Card, Divider, InlineGrid, InlineStack, Layout, Page, Select, Text, TextField } from "@shopify/polaris";
import { useCallback, useEffect, useState } from "react";
import { adminDeps } from "../admin/deps.server";
import { formToObject, readForm, UNREADABLE_FORM, type FieldErrors } from "../admin/form-data";
import {
  bodyParamField,
  placeholderProblem,
  placeholdersIn,
  TEMPLATE_BODY_LIMIT,
  TEMPLATE_KIND_LABEL,
  TEMPLATE_KINDS,
  type TemplateKind,
} from "../admin/whatsapp-templates";
import {
  loadWhatsAppTemplates,
  removeWhatsAppTemplate,
  saveWhatsAppTemplateForm,
  sendTemplateTest,
  type WhatsAppTemplateView,
} from "../admin/whatsapp-templates.server";
import { TestSendReportBanner } from "../components/TestSendReport";
import { useFormErrors } from "../components/useFormErrors";
import { useToast } from "../components/useToast";
import { WhatsAppPreview } from "../components/WhatsAppPreview";
import { isOrderStatus, ORDER_STATUSES, STATUS_LABEL, type OrderStatus } from "../kaleyra/statuses";
import { previewTemplate } from "../templates/approved";
import { SAMPLE_VALUES, TEMPLATE_VARIABLES } from "../templates/variables";
import { authenticate } from "../shopify.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return loadWhatsAppTemplates(adminDeps(), session.shop);
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const body = await readForm(request);
  if (!body) return json({ intent: "unknown" as const, ok: false as const, errors: { form: UNREADABLE_FORM } as FieldErrors }, { status: 400 });
  const form = formToObject(body);
  const deps = adminDeps();
  // Field errors are the form's answer (200), not a failed request.
  if (form.intent === "save") {
    const result = await saveWhatsAppTemplateForm(deps, session.shop, form);
    if (!result.ok) return json({ intent: "save" as const, ok: false as const, errors: result.errors });
    return json({ intent: "save" as const, ok: true as const, id: result.id });
  }
  if (form.intent === "delete") {
    const deleted = await removeWhatsAppTemplate(deps, session.shop, form.id ?? "");
    return json({ intent: "delete" as const, ok: true as const, deleted });
  }
  if (form.intent === "test") {
    const result = await sendTemplateTest(deps, session.shop, form.id ?? "", form.to);
    if (!result.ok) return json({ intent: "test" as const, ok: false as const, errors: result.errors });
    return json({ intent: "test" as const, ok: true as const, report: result.report });
  }
  return json({ intent: "unknown" as const, ok: false as const, errors: { form: "Unknown action." } as FieldErrors }, { status: 400 });
};

interface FormValues {
  id: string;
  status: OrderStatus;
  kind: TemplateKind;
  language: string;
  name: string;
  body: string;
  /** The variable of {{n}} at n - 1. */
  bodyParams: string[];
  headerParam: string;
  buttonParam: string;
}

const EMPTY: FormValues = { id: "", status: "shipped", kind: "utility", language: "", name: "", body: "", bodyParams: [], headerParam: "", buttonParam: "" };

function valuesOf(template: WhatsAppTemplateView): FormValues {
  return {
    id: template.id,
    status: isOrderStatus(template.status) ? template.status : "shipped",
    kind: template.kind === "order_status" ? "order_status" : "utility",
    language: template.language,
    name: template.name,
    body: template.body,
    bodyParams: template.bodyParams,
    headerParam: template.headerParam ?? "",
    buttonParam: template.buttonParam ?? "",
  };
}

function formDataOf(values: FormValues): FormData {
  const form = new FormData();
  form.set("intent", "save");
  for (const field of ["id", "status", "kind", "language", "name", "body", "headerParam", "buttonParam"] as const) form.set(field, values[field]);
  for (const n of placeholdersIn(values.body)) form.set(bodyParamField(n), values.bodyParams[n - 1] ?? "");
  return form;
}

const fieldId = (field: string) => `wa-template-${field.replace(".", "-")}`;
const fieldOrder = (body: string) => ["status", "kind", "language", "name", "body", ...placeholdersIn(body).map(bodyParamField), "headerParam", "buttonParam", "form"];

const STATUS_OPTIONS = ORDER_STATUSES.map((status) => ({ value: status, label: STATUS_LABEL[status] }));
const KIND_OPTIONS = TEMPLATE_KINDS.map((kind) => ({ value: kind, label: TEMPLATE_KIND_LABEL[kind] }));
const VARIABLE_OPTIONS = TEMPLATE_VARIABLES.map((variable) => ({ value: variable.name, label: variable.label }));
const variableLabel = (name: string | null) => TEMPLATE_VARIABLES.find((variable) => variable.name === name)?.label ?? name ?? "";

/** The body as the shopper reads it with the sample order; Meta's order-status template looks like the interactive message. */
function TemplatePreview({ values, shopName }: { values: FormValues; shopName: string }) {
  const sample = { ...SAMPLE_VALUES, shop_name: shopName };
  const problem = placeholderProblem(values.body);
  const text = previewTemplate(values.body, values.bodyParams, sample);
  if (problem || values.kind === "order_status") {
    return <WhatsAppPreview text={text} statusLabel={STATUS_LABEL[values.status]} description="" problem={problem} />;
  }
  const extra = (name: string) => previewTemplate("{{1}}", [name], sample);
  return (
    <Box background="bg-surface-success" padding="300" borderRadius="300" borderColor="border-success" borderWidth="025" minWidth="0">
      <BlockStack gap="200">
        {values.headerParam && <Text as="p" fontWeight="semibold">Header: {extra(values.headerParam)}</Text>}
        <div style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }} data-testid="preview-text">
          <Text as="p">{text}</Text>
        </div>
        {values.buttonParam && (
          <Text as="p" tone="subdued">
            The button's link ends with: {extra(values.buttonParam)}
          </Text>
        )}
      </BlockStack>
    </Box>
  );
}

function TemplateForm({ initial, shopName, onSaved, onCancel }: { initial: FormValues; shopName: string; onSaved: () => void; onCancel: () => void }) {
  // The form's own fetcher: a form started afresh shows no answer of an earlier one.
  const fetcher = useFetcher<typeof action>();
  const toast = useToast();
  const [values, setValues] = useState<FormValues>(initial);
  const answer = fetcher.state === "idle" && fetcher.data?.intent === "save" ? fetcher.data : undefined;
  const serverErrors: FieldErrors = answer && !answer.ok ? answer.errors : {};
  const { errors, clear } = useFormErrors(answer, serverErrors, fieldOrder(values.body), fieldId);
  const saving = fetcher.state !== "idle";
  const saved = answer?.ok === true;
  useEffect(() => {
    if (!saved) return;
    toast("Template saved");
    onSaved();
  }, [saved, toast, onSaved]);
  // The placeholders are checked as the merchant types; the server's answer covers the rest.
  const bodyError = placeholderProblem(values.body) ?? errors.body;
  const set = <K extends keyof FormValues>(field: K, fieldName: string = field) => (value: FormValues[K]) => {
    clear(fieldName);
    setValues((current) => ({ ...current, [field]: value }));
  };
  const setParam = (n: number) => (name: string) => {
    clear(bodyParamField(n));
    setValues((current) => {
      const bodyParams = [...current.bodyParams];
      bodyParams[n - 1] = name;
      return { ...current, bodyParams: Array.from(bodyParams, (v) => v ?? "") };
    });
  };
  const save = () => {
    if (!saving) fetcher.submit(formDataOf(values), { method: "post" });
  };

  return (
    <Card>
      <BlockStack gap="400">
        <Text as="h2" variant="headingMd">
          {values.id ? `Edit ${initial.name}` : "Add a template"}
        </Text>
        {errors.form && (
          <div id={fieldId("form")} tabIndex={-1}>
            <Banner tone="critical">{errors.form}</Banner>
          </div>
        )}
        <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
          <BlockStack gap="300">
            <InlineGrid columns={2} gap="300">
              <Select id={fieldId("status")} label="Order status" options={STATUS_OPTIONS} value={values.status} onChange={(v) => set("status")(v as OrderStatus)} error={errors.status} />
              <Select id={fieldId("kind")} label="Kind" options={KIND_OPTIONS} value={values.kind} onChange={(v) => set("kind")(v as TemplateKind)} error={errors.kind} />
            </InlineGrid>
            <InlineGrid columns={2} gap="300">
              <TextField id={fieldId("language")} label="Language" autoComplete="off" value={values.language} onChange={set("language")} helpText="As WhatsApp Manager shows it: en, en_US, pt_BR." error={errors.language} />
              <TextField id={fieldId("name")} label="Template name" autoComplete="off" value={values.name} onChange={set("name")} helpText="The approved name, for example order_shipped." error={errors.name} />
            </InlineGrid>
            <TextField
              id={fieldId("body")}
              label="Body as approved"
              multiline={5}
              autoComplete="off"
              value={values.body}
              onChange={set("body")}
              helpText={`Paste it from WhatsApp Manager with its {{1}}, {{2}} placeholders (up to ${TEMPLATE_BODY_LIMIT.toLocaleString("en")} characters).`}
              error={bodyError}
            />
            {placeholdersIn(values.body).map((n) => (
              <Select
                key={n}
                id={fieldId(bodyParamField(n))}
                label={`{{${n}}} is filled with`}
                placeholder="Choose a variable"
                options={VARIABLE_OPTIONS}
                value={values.bodyParams[n - 1] ?? ""}
                onChange={setParam(n)}
                error={errors[bodyParamField(n)]}
              />
            ))}
            <Select
              id={fieldId("headerParam")}
              label="Header parameter"
              options={[{ value: "", label: "None" }, ...VARIABLE_OPTIONS]}
              value={values.headerParam}
              onChange={set("headerParam")}
              helpText="Only when the approved header has a {{1}}."
              error={errors.headerParam}
            />
            <Select
              id={fieldId("buttonParam")}
              label="Button parameter"
              options={[{ value: "", label: "None" }, ...VARIABLE_OPTIONS]}
              value={values.buttonParam}
              onChange={set("buttonParam")}
              helpText="Only for a URL button with a dynamic ending, for example the tracking number."
              error={errors.buttonParam}
            />
          </BlockStack>
          <BlockStack gap="200">
            <Text as="h3" variant="headingSm">
              Preview with a sample order
            </Text>
            <TemplatePreview values={values} shopName={shopName} />
          </BlockStack>
        </InlineGrid>
        <InlineStack align="end" gap="200">
          {values.id && <Button onClick={onCancel}>Cancel editing</Button>}
          <Button variant="primary" onClick={save} loading={saving}>
            Save template
          </Button>
        </InlineStack>
      </BlockStack>
    </Card>
  );
}

function TemplateTest({ template }: { template: WhatsAppTemplateView }) {
  const fetcher = useFetcher<typeof action>();
  const [to, setTo] = useState("");
  const data = fetcher.state === "idle" && fetcher.data?.intent === "test" ? fetcher.data : undefined;
  const errors: FieldErrors = data && !data.ok ? data.errors : {};
  return (
    <fetcher.Form method="post">
      <input type="hidden" name="intent" value="test" />
      <input type="hidden" name="id" value={template.id} />
      <BlockStack gap="200">
        {errors.form && <Banner tone="critical">{errors.form}</Banner>}
        <TextField
          label={`Send a test of ${template.name} (${template.language}) to`}
          name="to"
          type="tel"
          autoComplete="off"
          value={to}
          onChange={setTo}
          helpText="Your own WhatsApp number, with country code. The sample order fills the template."
          error={errors.to}
          connectedRight={
            <Button submit loading={fetcher.state !== "idle"} accessibilityLabel={`Send a test of ${template.name} (${template.language})`}>
              Send test
            </Button>
          }
        />
        {data?.ok && <TestSendReportBanner report={data.report} />}
      </BlockStack>
    </fetcher.Form>
  );
}

function TemplateRow({ template, onEdit }: { template: WhatsAppTemplateView; onEdit: () => void }) {
  const remover = useFetcher<typeof action>();
  const mapping = template.bodyParams.map((name, i) => `{{${i + 1}}} ${variableLabel(name)}`);
  if (template.headerParam) mapping.push(`header ${variableLabel(template.headerParam)}`);
  if (template.buttonParam) mapping.push(`button ${variableLabel(template.buttonParam)}`);
  const what = `${template.name} (${template.language})`;
  return (
    <BlockStack gap="200">
      <InlineStack align="space-between" blockAlign="center">
        <Text as="h3" variant="headingSm">
          {TEMPLATE_KIND_LABEL[template.kind === "order_status" ? "order_status" : "utility"]} · {template.language} · {template.name}
        </Text>
        <InlineStack gap="200">
          <Button onClick={onEdit} accessibilityLabel={`Edit ${what}`}>
            Edit
          </Button>
          <remover.Form method="post">
            <input type="hidden" name="intent" value="delete" />
            <input type="hidden" name="id" value={template.id} />
            <Button submit tone="critical" loading={remover.state !== "idle"} accessibilityLabel={`Delete ${what}`}>
              Delete
            </Button>
          </remover.Form>
        </InlineStack>
      </InlineStack>
      <Text as="p">In use for {template.inUseFor}</Text>
      <Text as="p" tone="subdued">
        {mapping.length > 0 ? `Filled with: ${mapping.join(", ")}` : "No parameters"}
      </Text>
      <TemplateTest template={template} />
    </BlockStack>
  );
}

function TemplateList({ templates, onEdit }: { templates: WhatsAppTemplateView[]; onEdit: (template: WhatsAppTemplateView) => void }) {
  if (templates.length === 0) {
    return (
      <Card>
        <Text as="p" tone="subdued">
          No templates yet. Add the ones approved in your WhatsApp account below.
        </Text>
      </Card>
    );
  }
  const statuses = [...new Set(templates.map((template) => template.status))];
  return (
    <>
      {statuses.map((status) => (
        <Card key={status}>
          <BlockStack gap="300">
            <Text as="h2" variant="headingMd">
              {isOrderStatus(status) ? STATUS_LABEL[status] : status}
            </Text>
            {templates
              .filter((template) => template.status === status)
              .map((template, i) => (
                <BlockStack key={template.id} gap="300">
                  {i > 0 && <Divider />}
                  <TemplateRow template={template} onEdit={() => onEdit(template)} />
                </BlockStack>
              ))}
          </BlockStack>
        </Card>
      ))}
    </>
  );
}

/** Lists come in the lifecycle's order, not the database's alphabetical one. */
function inLifecycleOrder(templates: WhatsAppTemplateView[]): WhatsAppTemplateView[] {
  const rank = (status: string) => (ORDER_STATUSES as readonly string[]).indexOf(status);
  return [...templates].sort((a, b) => rank(a.status) - rank(b.status));
}

export default function WhatsAppTemplates() {
  const { templates, shopName } = useLoaderData<typeof loader>();
  const [editing, setEditing] = useState<FormValues>(EMPTY);
  // A new key starts the form afresh: after a save, or when another template is edited.
  const [formKey, setFormKey] = useState(0);
  const restart = useCallback((values: FormValues) => {
    setEditing(values);
    setFormKey((key) => key + 1);
  }, []);
  const onSaved = useCallback(() => restart(EMPTY), [restart]);
  const edit = (values: FormValues) => {
    restart(values);
    requestAnimationFrame(() => document.getElementById(fieldId("status"))?.focus());
  };

  return (
    <Page title="WhatsApp templates" subtitle="The approved templates sent when the interactive message cannot be">
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <Card>
              <Text as="p">
                WhatsApp takes the interactive order update only while the shopper's 24-hour window is open, and only for orders
                placed in WhatsApp. Otherwise the app sends the template you approved in your WhatsApp account for that status, filled
                with the order's details as mapped here.
              </Text>
            </Card>
            <TemplateList templates={inLifecycleOrder(templates)} onEdit={(template) => edit(valuesOf(template))} />
            <TemplateForm key={formKey} initial={editing} shopName={shopName} onSaved={onSaved} onCancel={() => edit(EMPTY)} />
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
