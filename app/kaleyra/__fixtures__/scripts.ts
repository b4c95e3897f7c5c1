/**
 * Shopper messages in the scripts where the three readings of "character" differ most:
 * Indic vowel signs and conjuncts (one grapheme, several code points), Arabic with marks, and
 * emoji (several code points, two UTF-16 units each). India is Kaleyra's home market.
 */
import { truncateToFit } from "../limits";

export const SCRIPT_SAMPLES = {
  hindi: "नमस्ते प्रिया, आपका ऑर्डर #1001 सनराइज़ सिरेमिक्स से भेज दिया गया है। ट्रैकिंग नंबर नीचे दिया गया है। खरीदारी के लिए धन्यवाद! ",
  tamil: "வணக்கம் பிரியா, உங்கள் ஆர்டர் #1001 அனுப்பப்பட்டது. எங்கள் கடையில் வாங்கியதற்கு மிக்க நன்றி! ",
  arabic: "مرحبًا بريا، تمّ شحن طلبك رقم 1001 من متجرنا. شكرًا لتسوّقك معنا! ",
  emoji: "🎉📦 Your order is on its way! 👩🏽‍💻🚚💨 Thank you ❤️🙏🏾 🇮🇳👨‍👩‍👧‍👦 ",
} as const;

export type ScriptName = keyof typeof SCRIPT_SAMPLES;

/** The sample repeated to exactly `limit` UTF-16 units (the strict count), ending between graphemes. */
export function atLimit(script: ScriptName, limit: number): string {
  const sample = SCRIPT_SAMPLES[script];
  const text = truncateToFit(sample.repeat(Math.ceil(limit / sample.length) + 1), limit);
  return text + ".".repeat(limit - text.length);
}
