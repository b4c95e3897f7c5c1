import { Card, Checkbox, ChoiceList, Form, FormLayout, Layout, Text, TextField } from "@shopify/polaris";
import type { FieldErrors } from "../admin/form-data";
import {
  BUILT_IN_OPT_IN_WORDS,
  BUILT_IN_OPT_OUT_WORDS,
  CONSENT_POLICY_CHOICES,
  MESSAGE_FORM_CHOICES,
  WHATSAPP_OPT_IN_POLICY,
  type ReachingShoppersValues,
} from "../admin/settings-options";
import type { ConsentPolicy, ForcedForm } from "../messages/form-decision";

const FORM_CHOICES = [...MESSAGE_FORM_CHOICES];
const POLICY_CHOICES = [...CONSENT_POLICY_CHOICES];

/**
 * Settings' "Reaching shoppers": the form of the messages, who gets them, the shop's own
 * opt-out and opt-in keywords and the template language fallback. Part of the settings form:
 * the page holds the values and saves them with the rest.
 */
export function ReachingShoppers({
  values,
  onChange,
  errors,
  fieldId,
  onSubmit,
}: {
  values: ReachingShoppersValues;
  /** Called with the field the merchant changed and its new value. */
  onChange: (changes: Partial<ReachingShoppersValues>) => void;
  errors: FieldErrors;
  fieldId: (field: string) => string;
  onSubmit: () => void;
}) {
  return (
    <Layout.AnnotatedSection
      id="reaching-shoppers"
      title="Reaching shoppers"
      description="Which form WhatsApp gets each update in, who gets updates, and how shoppers stop and restart them."
    >
      <Card>
        <Form onSubmit={onSubmit}>
          <FormLayout>
            <ChoiceList
              title="Message form"
              name="messageForm"
              choices={FORM_CHOICES}
              selected={[values.messageForm]}
              onChange={(selected) => onChange({ messageForm: (selected[0] ?? "auto") as ForcedForm })}
              error={errors.messageForm}
            />
            <ChoiceList
              title="Who gets updates"
              name="consentPolicy"
              choices={POLICY_CHOICES}
              selected={[values.consentPolicy]}
              onChange={(selected) => onChange({ consentPolicy: (selected[0] ?? "everyone") as ConsentPolicy })}
              error={errors.consentPolicy}
            />
            <Text as="p" variant="bodySm" tone="subdued">
              {WHATSAPP_OPT_IN_POLICY}
            </Text>
            <Checkbox
              id={fieldId("checkoutConsent")}
              label="My checkout collects WhatsApp consent: count an order as the shopper's opt-in"
              helpText="Tick it only if your checkout asks shoppers to agree to WhatsApp messages from your shop."
              checked={values.checkoutConsent}
              onChange={(checkoutConsent) => onChange({ checkoutConsent })}
              error={errors.checkoutConsent}
            />
            <TextField
              id={fieldId("optOutKeywords")}
              label="Your own STOP keywords"
              name="optOutKeywords"
              autoComplete="off"
              placeholder="HALT, NO MORE"
              value={values.optOutKeywords}
              onChange={(optOutKeywords) => onChange({ optOutKeywords })}
              helpText={`Separated by commas. ${BUILT_IN_OPT_OUT_WORDS} always work.`}
              error={errors.optOutKeywords}
            />
            <TextField
              id={fieldId("optInKeywords")}
              label="Your own START keywords"
              name="optInKeywords"
              autoComplete="off"
              placeholder="YES PLEASE"
              value={values.optInKeywords}
              onChange={(optInKeywords) => onChange({ optInKeywords })}
              helpText={`Separated by commas. ${BUILT_IN_OPT_IN_WORDS} always work.`}
              error={errors.optInKeywords}
            />
            <Checkbox
              id={fieldId("optOutConfirmation")}
              label="Send one confirmation when a shopper opts out"
              helpText="Off: a STOP is honoured without a reply."
              checked={values.optOutConfirmation}
              onChange={(optOutConfirmation) => onChange({ optOutConfirmation })}
              error={errors.optOutConfirmation}
            />
            <TextField
              id={fieldId("templateLanguage")}
              label="Template language when none matches the shopper's"
              name="templateLanguage"
              autoComplete="off"
              value={values.templateLanguage}
              onChange={(templateLanguage) => onChange({ templateLanguage })}
              helpText="WhatsApp's language code, for example en, en_US, es, pt_BR or hi. An update uses the template in the order's language; when you have none in it, this one."
              error={errors.templateLanguage}
            />
          </FormLayout>
        </Form>
      </Card>
    </Layout.AnnotatedSection>
  );
}
