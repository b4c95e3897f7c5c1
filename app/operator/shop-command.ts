/**
 * `npm run shop -- <domain> <command>`: what an operator asked for, parsed from the command
 * line. Pure; the work is in shop-command.server.ts. The API key is never an argument (it
 * would stay in the shell's history and the process list): `configure` reads it from stdin.
 */
import { parseArgs } from "node:util";
import { isPod, PODS, type Pod } from "../kaleyra/pods";
import { FORCED_FORMS, type ForcedForm } from "../messages/form-decision";
import { SHOP_DOMAIN } from "../shops/domain";

export type ShopCommand =
  | { kind: "status"; shop: string }
  | { kind: "configure"; shop: string; sid: string; number: string; pod: Pod; enabled?: boolean; form?: ForcedForm }
  | { kind: "resume"; shop: string }
  | { kind: "test-send"; shop: string; to: string }
  | { kind: "callbacks"; shop: string }
  | { kind: "consent-import"; shop: string };

export const SHOP_COMMAND_USAGE = `Usage: npm run shop -- <shop>.myshopify.com <command>
  status                                  the shop's settings (the key only by its last 4 characters), pause and queue
  configure --sid <SID> --number <+E.164> --pod <${PODS.join("|")}> [--enable | --disable] [--form <${FORCED_FORMS.join("|")}>]
                                          saves the Kaleyra settings as the admin's Settings page does;
                                          --form: decide per message, or always the interactive message or a template;
                                          the API key is read from stdin (empty keeps the stored key)
  resume                                  lifts the shop's pause and queues its paused messages again
  test-send <+E.164>                      sends the test message with the saved settings
  callbacks                               issues a new URL and secret for Kaleyra's status callbacks and prints
                                          them once, for the number's callback profile (the old ones stop working)
  consent-import                          records consents the shop already holds, read from stdin as lines of
                                          phone,opted_in|opted_out[,wording] (all or nothing)`;

export type ParsedShopCommand = { ok: true; command: ShopCommand } | { ok: false; error: string };

export function parseShopCommand(argv: string[]): ParsedShopCommand {
  const fail = (error: string): ParsedShopCommand => ({ ok: false, error: `${error}\n\n${SHOP_COMMAND_USAGE}` });
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        sid: { type: "string" },
        number: { type: "string" },
        pod: { type: "string" },
        enable: { type: "boolean" },
        disable: { type: "boolean" },
        form: { type: "string" },
      },
    });
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  const [shop, name, ...rest] = positionals;
  if (!shop) return fail("Name the shop.");
  if (!SHOP_DOMAIN.test(shop)) return fail(`"${shop}" is not a shop domain (<shop>.myshopify.com).`);
  const flags = ["sid", "number", "pod", "enable", "disable", "form"].filter((flag) => values[flag as keyof typeof values] !== undefined);
  if (name !== "configure" && flags.length > 0) return fail(`--${flags[0]} belongs to configure.`);
  const extra = name === "test-send" ? rest.slice(1) : rest;
  if (extra.length > 0) return fail(`Unexpected "${extra[0]}".`);

  switch (name) {
    case "status":
    case "resume":
    case "callbacks":
    case "consent-import":
      return { ok: true, command: { kind: name, shop } };
    case "test-send":
      if (!rest[0]) return fail("Name the WhatsApp number to send the test message to.");
      return { ok: true, command: { kind: "test-send", shop, to: rest[0] } };
    case "configure": {
      const missing = (["sid", "number", "pod"] as const).filter((flag) => !values[flag]);
      if (missing.length > 0) return fail(`configure needs ${missing.map((flag) => `--${flag}`).join(", ")}.`);
      const pod = values.pod!.toUpperCase();
      if (!isPod(pod)) return fail(`--pod must be one of ${PODS.join(", ")}.`);
      if (values.enable && values.disable) return fail("Choose --enable or --disable, not both.");
      const enabled = values.enable ? true : values.disable ? false : undefined;
      const form = values.form;
      if (form !== undefined && !(FORCED_FORMS as readonly string[]).includes(form)) return fail(`--form must be one of ${FORCED_FORMS.join(", ")}.`);
      return { ok: true, command: { kind: "configure", shop, sid: values.sid!, number: values.number!, pod, enabled, form: form as ForcedForm | undefined } };
    }
    case undefined:
      return fail("Name a command.");
    default:
      return fail(`Unknown command "${name}".`);
  }
}
