/**
 * Status callbacks as Kaleyra posts them for WhatsApp v2 numbers: Meta's status object under
 * `meta_object.value`, Kaleyra's `extra_info` beside it (see the platform facts). Used by the
 * tests and by the sandbox, which posts them to the app like Kaleyra.
 */
export interface StatusCallbackInput {
  status: string;
  /** Unix seconds, as Meta sends them. */
  timestamp?: string;
  ref?: string;
  ref1?: string;
  ref2?: string;
  kaleyraId?: string;
  whatsappId?: string;
  recipient?: string;
  errors?: unknown[];
}

export function kaleyraStatusCallback(input: StatusCallbackInput): Record<string, unknown> {
  const kaleyraId = input.kaleyraId ?? "k-0";
  const status: Record<string, unknown> = {
    id: input.whatsappId ?? "wamid.HBgMOTE5ODc2NTQzMjEwFQIAERgSMEQ0RkM2QjE5QjA0NjlGNTFBAA==",
    status: input.status,
    timestamp: input.timestamp ?? "1764669600",
    recipient_id: input.recipient ?? "919876543210",
    conversation: { id: "c3a7f2e5b1d84c0e9f6a", origin: { type: "utility" } },
    pricing: { billable: true, pricing_model: "PMP", category: "utility", type: "regular" },
  };
  if (input.errors) status.errors = input.errors;
  return {
    status: input.status,
    message_id: kaleyraId,
    meta_object: {
      field: "messages",
      value: {
        messaging_product: "whatsapp",
        metadata: { display_phone_number: "919000000001", phone_number_id: "106540352242922" },
        statuses: [status],
      },
    },
    extra_info: {
      trace_id: "2b0a7c3e-6f1d-4e8a-9c55-0d4e1f7a9b21",
      message_id: kaleyraId,
      waba_id: "102290129340398",
      ...(input.ref !== undefined ? { ref: input.ref } : {}),
      ...(input.ref1 !== undefined ? { ref1: input.ref1 } : {}),
      ...(input.ref2 !== undefined ? { ref2: input.ref2 } : {}),
    },
  };
}

/** Kaleyra's own refusal after it accepted the request (no Meta object), e.g. the daily limit. */
export function kaleyraNotSentCallback(input: { ref?: string; code: string; message?: string }): Record<string, unknown> {
  return {
    status: "not-sent",
    message_id: "k-not-sent",
    code: input.code,
    message: input.message ?? "Account daily limit reached",
    extra_info: { message_id: "k-not-sent", ...(input.ref !== undefined ? { ref: input.ref } : {}) },
  };
}
