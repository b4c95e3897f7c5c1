import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useFetcher, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { SaveBar } from "@shopify/app-bridge-react";
import {
  Banner,
  BlockStack,
  Button,
  Card,
  Checkbox,
  ChoiceList,
  Form,
  FormLayout,
  InlineStack,
  Layout,
  Link,
  Page,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { useCallback, useEffect, useRef, useState } from "react";
import { adminDeps } from "../admin/deps.server";
import { RECHECK_ADVICE } from "../admin/dashboard";
import { formToObject, keepEditsMadeDuringSave, readForm, UNREADABLE_FORM, type FieldErrors } from "../admin/form-data";
import {
  POD_OPTIONS,
  REFERENCE_ID_SOURCE_LABEL,
  REFERENCE_ID_SOURCES,
  type ReachingShoppersValues,
  type ReferenceIdSourceName,
} from "../admin/settings-options";
import { loadSettings, saveCallbackSettings, saveSettings, sendTestMessage, type SettingsView } from "../admin/settings.server";
import { DateTime } from "../components/DateTime";
import { ReachingShoppers } from "../components/ReachingShoppers";
import { ResumedBanner, ResumeSendingForm, useRecheck } from "../components/ResumeSending";
import { useFormErrors } from "../components/useFormErrors";
import { TestDelivery } from "../components/TestDelivery";
import { TestSendReportBanner } from "../components/TestSendReport";
import { useQueuedSave } from "../components/useQueuedSave";
import { useResetAfterSave } from "../components/useResetAfterSave";
import { useToast } from "../components/useToast";
import { podDomain, type Pod } from "../kaleyra/pods";
import { GIFT_CONSENT_CAVEAT, GIFT_RECIPIENT_CHOICES, type GiftRecipientsPref } from "../orders/gift-recipients";
import { authenticate } from "../shopify.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return { settings: await loadSettings(adminDeps(), session.shop) };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const body = await readForm(request);
  if (!body) {
    return json({ intent: "unknown" as const, ok: false as const, errors: { form: UNREADABLE_FORM } as FieldErrors }, { status: 400 });
  }
  const form = formToObject(body);
  const deps = adminDeps();
  // A refused form is an answer, not a failure: field errors come back with 200, so a typo
  // does not put a red "failed to load resource" in the browser's console.
  if (form.intent === "test") {
    const result = await sendTestMessage(deps, session.shop, form);
    if (!result.ok) return json({ intent: "test" as const, ok: false as const, errors: result.errors });
    return json({ intent: "test" as const, ok: true as const, report: result.report });
  }
  if (form.intent === "callbacks") {
    const result = await saveCallbackSettings(deps, session.shop, form);
    if (!result.ok) return json({ intent: "callbacks" as const, ok: false as const, errors: result.errors });
    return json({ intent: "callbacks" as const, ok: true as const, url: result.url, inboundUrl: result.inboundUrl });
  }
  if (form.intent === "save") {
    const result = await saveSettings(deps, session.shop, form);
    if (!result.ok) return json({ intent: "save" as const, ok: false as const, errors: result.errors });
    // Saving the values Kaleyra refused does not lift the pause; the page offers Resume sending then.
    const stillPaused = (await loadSettings(deps, session.shop)).sending.id === "paused_settings";
    return json({ intent: "save" as const, ok: true as const, savedAt: Date.now(), stillPaused });
  }
  return json({ intent: "unknown" as const, ok: false as const, errors: { form: "Unknown action." } as FieldErrors }, { status: 400 });
};

interface FormValues extends ReachingShoppersValues {
  kaleyraSid: string;
  apiKey: string;
  pod: Pod;
  businessNumber: string;
  enabled: boolean;
  referenceIdSource: ReferenceIdSourceName;
  referenceIdAttribute: string;
  sendProcessingOnCreate: boolean;
  thankInPersonSales: boolean;
  giftRecipients: GiftRecipientsPref;
}

/** The form's fields in page order: where a refused save puts the focus first. */
const FIELD_ORDER: ReadonlyArray<keyof FormValues> = [
  "kaleyraSid",
  "apiKey",
  "pod",
  "businessNumber",
  "enabled",
  "sendProcessingOnCreate",
  "thankInPersonSales",
  "giftRecipients",
  "referenceIdSource",
  "referenceIdAttribute",
  "messageForm",
  "consentPolicy",
  "checkoutConsent",
  "optOutKeywords",
  "optInKeywords",
  "optOutConfirmation",
  "templateLanguage",
];

const fieldId = (field: string) => (field === "form" ? "settings-form-errors" : `settings-${field}`);

export const KALEYRA_KEYS_URL = "https://console.kaleyra.io";

function valuesOf(settings: SettingsView): FormValues {
  return {
    kaleyraSid: settings.kaleyraSid,
    apiKey: "",
    pod: settings.pod,
    businessNumber: settings.businessNumber,
    enabled: settings.enabled,
    referenceIdSource: settings.referenceIdSource,
    referenceIdAttribute: settings.referenceIdAttribute,
    sendProcessingOnCreate: settings.sendProcessingOnCreate,
    thankInPersonSales: settings.thankInPersonSales,
    giftRecipients: settings.giftRecipients,
    messageForm: settings.messageForm,
    consentPolicy: settings.consentPolicy,
    checkoutConsent: settings.checkoutConsent,
    optOutKeywords: settings.optOutKeywords,
    optInKeywords: settings.optInKeywords,
    optOutConfirmation: settings.optOutConfirmation,
    templateLanguage: settings.templateLanguage,
  };
}

function apiKeyHelp(settings: SettingsView): string {
  if (settings.apiKeyUnreadable) return "The stored key can no longer be read. Enter your API key again.";
  if (settings.apiKeyLast4 !== null) return `Stored key ends in ${settings.apiKeyLast4}. Leave empty to keep it.`;
  return "In your Kaleyra console under Developers › API keys. Stored encrypted; it is never shown again.";
}

const GIFT_CHOICES = GIFT_RECIPIENT_CHOICES.map(({ pref, label }) => ({ value: pref, label }));

const REFERENCE_OPTIONS = REFERENCE_ID_SOURCES.map((value) => ({ value, label: REFERENCE_ID_SOURCE_LABEL[value] }));

function SettingsForm({
  settings,
  errors,
  clearError,
  saving,
  savedAt,
}: {
  settings: SettingsView;
  errors: FieldErrors;
  clearError: (field: string) => void;
  saving: boolean;
  savedAt: number | null;
}) {
  const submit = useSubmit();
  const initial = valuesOf(settings);
  const [values, setValues] = useState<FormValues>(initial);
  const submitted = useRef<FormValues>(initial);
  // After a save the form shows what is stored now, with the write-only key field empty;
  // whatever the merchant typed while the save was in flight stays, still to be saved.
  useResetAfterSave(
    savedAt,
    useCallback(() => setValues((current) => keepEditsMadeDuringSave(current, submitted.current, valuesOf(settings))), [settings]),
  );
  const set =
    <K extends keyof FormValues>(key: K) =>
    (value: FormValues[K]) => {
      clearError(key);
      setValues((v) => ({ ...v, [key]: value }));
    };
  const change = (changes: Partial<FormValues>) => {
    for (const key of Object.keys(changes)) clearError(key);
    setValues((v) => ({ ...v, ...changes }));
  };
  const dirty = JSON.stringify(values) !== JSON.stringify(initial);
  // Saving unchanged values while Kaleyra's refusal holds is allowed: the answer points to Resume sending.
  const canSave = dirty || settings.sending.id === "paused_settings";

  const send = () => {
    submitted.current = values;
    const form = new FormData();
    form.set("intent", "save");
    for (const [key, value] of Object.entries(values)) form.set(key, String(value));
    submit(form, { method: "post" });
  };
  const save = useQueuedSave(saving, canSave, send);
  // Typed while a save is in flight: Save stays pressable for it, and a press waits its turn.
  const editedDuringSave = saving && JSON.stringify(values) !== JSON.stringify(submitted.current);
  const discard = () => setValues(initial);

  return (
    <>
      <SaveBar id="settings-save-bar" open={dirty}>
        <button variant="primary" onClick={save} disabled={saving && !editedDuringSave}></button>
        <button onClick={discard}></button>
      </SaveBar>
      <Layout.AnnotatedSection
        title="Kaleyra account"
        description={
          <Text as="span">
            The WhatsApp account messages are sent from. Find the SID and API key in your{" "}
            <Link url={KALEYRA_KEYS_URL} target="_blank">
              Kaleyra console
            </Link>{" "}
            under Developers › API keys.
          </Text>
        }
      >
        <Card>
          <Form onSubmit={save}>
          <FormLayout>
            <TextField
              id={fieldId("kaleyraSid")}
              label="Kaleyra SID"
              name="kaleyraSid"
              autoComplete="off"
              value={values.kaleyraSid}
              onChange={set("kaleyraSid")}
              error={errors.kaleyraSid}
            />
            <TextField
              id={fieldId("apiKey")}
              label="API key"
              name="apiKey"
              type="password"
              autoComplete="new-password"
              value={values.apiKey}
              onChange={set("apiKey")}
              helpText={apiKeyHelp(settings)}
              placeholder={settings.apiKeyLast4 !== null && !settings.apiKeyUnreadable ? `•••• ${settings.apiKeyLast4}` : undefined}
              error={errors.apiKey}
            />
            <Select
              id={fieldId("pod")}
              label="Kaleyra region"
              name="pod"
              options={[...POD_OPTIONS]}
              value={values.pod}
              onChange={(value) => set("pod")(value as Pod)}
              helpText={`The region your Kaleyra account was opened in. Requests go to https://${podDomain(values.pod)}`}
              error={errors.pod}
            />
            <TextField
              id={fieldId("businessNumber")}
              label="WhatsApp business number"
              name="businessNumber"
              type="tel"
              autoComplete="off"
              value={values.businessNumber}
              onChange={set("businessNumber")}
              helpText="The number registered in your Kaleyra account, with country code, for example +91 98765 43210."
              error={errors.businessNumber}
            />
          </FormLayout>
          </Form>
        </Card>
      </Layout.AnnotatedSection>
      <Layout.AnnotatedSection title="Sending" description="When and how order updates go out.">
        <Card>
          <Form onSubmit={save}>
          <FormLayout>
            <Checkbox
              id={fieldId("enabled")}
              label="Send WhatsApp order updates"
              helpText="The master switch. While it is off, orders are logged as skipped."
              checked={values.enabled}
              onChange={set("enabled")}
              error={errors.enabled}
            />
            <Checkbox
              id={fieldId("sendProcessingOnCreate")}
              label="Send a “processing” update when an order is placed"
              helpText="Off: the first message a shopper gets is the shipping update."
              checked={values.sendProcessingOnCreate}
              onChange={set("sendProcessingOnCreate")}
              error={errors.sendProcessingOnCreate}
            />
            <Checkbox
              id={fieldId("thankInPersonSales")}
              label="Thank in-person (POS) sales with one WhatsApp message"
              helpText="Off: sales made at your counter, with nothing to ship, get no message."
              checked={values.thankInPersonSales}
              onChange={set("thankInPersonSales")}
              error={errors.thankInPersonSales}
            />
            <ChoiceList
              title="Gift orders (shipped to someone other than the buyer): who is told"
              name="giftRecipients"
              choices={GIFT_CHOICES}
              selected={[values.giftRecipients]}
              onChange={(selected) => set("giftRecipients")((selected[0] ?? "buyer") as GiftRecipientsPref)}
              error={errors.giftRecipients}
            />
            {values.giftRecipients !== "buyer" ? (
              <Banner tone="warning" title="The gift recipient has not agreed to hear from you">
                <p>{GIFT_CONSENT_CAVEAT}</p>
              </Banner>
            ) : (
              <Text as="p" variant="bodySm" tone="subdued">
                {GIFT_CONSENT_CAVEAT}
              </Text>
            )}
            <Select
              id={fieldId("referenceIdSource")}
              label="Order reference sent to WhatsApp"
              name="referenceIdSource"
              options={REFERENCE_OPTIONS}
              value={values.referenceIdSource}
              onChange={(value) => set("referenceIdSource")(value as ReferenceIdSourceName)}
              helpText="WhatsApp links the update to the order details message that started the order by this reference."
              error={errors.referenceIdSource}
            />
            {values.referenceIdSource === "note_attribute" && (
              <TextField
                id={fieldId("referenceIdAttribute")}
                label="Note attribute name"
                name="referenceIdAttribute"
                autoComplete="off"
                value={values.referenceIdAttribute}
                onChange={set("referenceIdAttribute")}
                error={errors.referenceIdAttribute}
              />
            )}
          </FormLayout>
          </Form>
        </Card>
      </Layout.AnnotatedSection>
      <ReachingShoppers values={values} onChange={change} errors={errors} fieldId={fieldId} onSubmit={save} />
      <Layout.Section>
        <InlineStack align="end">
          <Button variant="primary" onClick={save} loading={saving && !editedDuringSave} disabled={!canSave}>
            Save
          </Button>
        </InlineStack>
      </Layout.Section>
    </>
  );
}

function TestSend({ settings }: { settings: SettingsView }) {
  const fetcher = useFetcher<typeof action>();
  const [to, setTo] = useState("");
  const data = fetcher.state === "idle" ? fetcher.data : undefined;
  const errors: FieldErrors = data && !data.ok ? data.errors : {};
  const report = data && data.ok && data.intent === "test" ? data.report : undefined;
  return (
    <Layout.AnnotatedSection
      id="test-send"
      title="Send a test message"
      description="Sends a sample “processing” update with your saved settings, and shows Kaleyra's answer. A test is sent once: it is never retried."
    >
      <Card>
        <fetcher.Form method="post">
          <input type="hidden" name="intent" value="test" />
          <BlockStack gap="300">
            {errors.form && <Banner tone="critical">{errors.form}</Banner>}
            <TextField
              label="WhatsApp number to send to"
              name="to"
              type="tel"
              autoComplete="off"
              value={to}
              onChange={setTo}
              helpText="Your own number, with country code."
              error={errors.to}
            />
            <InlineStack align="space-between" blockAlign="center">
              <Text as="span" tone="subdued">
                {settings.sending.id === "paused_settings" ? (
                  "Kaleyra refused these credentials or this number: they are not verified"
                ) : settings.credentialsVerifiedAt ? (
                  <>
                    Credentials verified <DateTime value={settings.credentialsVerifiedAt} />
                  </>
                ) : (
                  "Credentials not verified yet"
                )}
              </Text>
              <Button submit loading={fetcher.state !== "idle"}>
                Send test message
              </Button>
            </InlineStack>
            {report && <TestSendReportBanner report={report} />}
            <TestDelivery
              key={settings.testMessageSentAt ?? "none"}
              initial={settings.testDelivery}
              callbacksSet={settings.callbacks.url !== null}
            />
          </BlockStack>
        </fetcher.Form>
      </Card>
    </Layout.AnnotatedSection>
  );
}

/** A secret for Kaleyra's callback profile, made in the browser: the server never sends one. */
function randomSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function DeliveryUpdates({ settings }: { settings: SettingsView }) {
  const fetcher = useFetcher<typeof action>();
  const [secret, setSecret] = useState("");
  const [newUrl, setNewUrl] = useState(false);
  const data = fetcher.state === "idle" && fetcher.data?.intent === "callbacks" ? fetcher.data : undefined;
  const errors: FieldErrors = data && !data.ok ? data.errors : {};
  const url = data?.ok ? data.url : settings.callbacks.url;
  const inbound = data?.ok ? data.inboundUrl : settings.callbacks.inboundUrl;
  return (
    <Layout.AnnotatedSection
      id="delivery-updates"
      title="Delivery updates"
      description="Kaleyra tells the app whether each message was delivered, read or refused by WhatsApp, through a callback profile on your WhatsApp number in Kaleyra's console."
    >
      <Card>
        <fetcher.Form method="post">
          <input type="hidden" name="intent" value="callbacks" />
          <BlockStack gap="300">
            {errors.form && <Banner tone="critical">{errors.form}</Banner>}
            <Text as="p" tone={settings.callbacks.firstCallbackAt ? "success" : "subdued"}>
              {settings.callbacks.firstCallbackAt ? (
                <>
                  Delivery updates arrive (the first one <DateTime value={settings.callbacks.firstCallbackAt} />).
                </>
              ) : (
                "No delivery update has arrived yet."
              )}
            </Text>
            {url && (
              <TextField label="Callback URL" value={url} readOnly autoComplete="off" helpText="Paste it into the callback profile for status callbacks." />
            )}
            {inbound && (
              <TextField
                label="Incoming URL"
                value={inbound}
                readOnly
                autoComplete="off"
                helpText="Set it as the Incoming URL of your WhatsApp number in Kaleyra's console, with the same header or Basic auth. Shoppers' messages open WhatsApp's 24-hour window and carry their STOP and START."
              />
            )}
            <TextField
              label={`Secret (sent by Kaleyra in the header ${settings.callbacks.header})`}
              name="callbackSecret"
              autoComplete="off"
              value={secret}
              onChange={setSecret}
              error={errors.callbackSecret}
              helpText={
                url
                  ? "A secret is stored; it is never shown again. Enter a new one to replace it, and put the same one in Kaleyra's console."
                  : "Choose one or press Generate, copy it into Kaleyra's console as a custom header, then save here."
              }
              connectedRight={<Button onClick={() => setSecret(randomSecret())}>Generate</Button>}
            />
            {settings.callbacks.url && (
              <Checkbox label="Give me a new URL (the current one stops working)" name="newUrl" checked={newUrl} onChange={setNewUrl} />
            )}
            {data?.ok && (
              <Banner tone="success" title="Saved">
                <p>
                  In Kaleyra&apos;s console, set the callback URL and the Incoming URL, each with the header{" "}
                  {settings.callbacks.header} and the secret you entered. Basic auth with any user name and the secret as its
                  password works too.
                </p>
              </Banner>
            )}
            <InlineStack align="end">
              <Button submit loading={fetcher.state !== "idle"}>
                {url ? "Save the new secret" : "Set up delivery updates"}
              </Button>
            </InlineStack>
          </BlockStack>
        </fetcher.Form>
      </Card>
    </Layout.AnnotatedSection>
  );
}

export default function Settings() {
  const { settings } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const toast = useToast();
  const saving = navigation.state !== "idle" && navigation.formMethod === "POST";
  const savedAnswer = actionData?.intent === "save" && actionData.ok ? actionData : null;
  const saved = savedAnswer?.savedAt ?? null;
  const serverErrors: FieldErrors = actionData && !actionData.ok ? actionData.errors : {};
  const recheck = useRecheck();
  const { errors, clear } = useFormErrors(actionData, serverErrors, FIELD_ORDER, fieldId);

  useEffect(() => {
    if (!savedAnswer) return;
    if (!savedAnswer.stillPaused) {
      toast("Settings saved");
      return;
    }
    toast("Settings saved; sending is still paused", { isError: true });
    // The saved values are the ones Kaleyra refused: Resume sending is the way on.
    const field = document.getElementById("settings-paused-to");
    field?.scrollIntoView({ block: "center" });
    field?.focus({ preventScroll: true });
  }, [savedAnswer, toast]);

  return (
    <Page title="Settings">
      <BlockStack gap="400">
        {settings.apiKeyUnreadable && (
          <Banner tone="critical" title="Re-enter your Kaleyra API key">
            <p>
              The stored API key can no longer be read (the app&apos;s own security key was replaced; your Kaleyra key
              itself is fine), so no message can be sent. Enter the key again and save.
            </p>
          </Banner>
        )}
        <ResumedBanner fetcher={recheck} />
        {settings.sending.id === "paused_settings" && (
          <Banner tone="critical" title="Sending is paused: Kaleyra refused these settings">
            <BlockStack gap="200">
              <Text as="p">{settings.configErrorDetail || "Kaleyra refused the saved settings."}</Text>
              <Text as="p">{RECHECK_ADVICE}</Text>
              <ResumeSendingForm id="settings-paused" fetcher={recheck} />
            </BlockStack>
          </Banner>
        )}
        {Object.keys(errors).length > 0 && (
          <div id={fieldId("form")} tabIndex={-1}>
            <Banner tone="critical" title="Nothing was saved">
              <p>{errors.form ?? "Fix the fields marked below, then save again."}</p>
            </Banner>
          </div>
        )}
        <Layout>
          <SettingsForm settings={settings} errors={errors} clearError={clear} saving={saving} savedAt={saved} />
          <TestSend settings={settings} />
          <DeliveryUpdates settings={settings} />
        </Layout>
      </BlockStack>
    </Page>
  );
}
