import { errorFields } from "../../lib/logger.ts";
import type { ServiceContext } from "../context.ts";

/**
 * The email that carries a team's reply to a reporter who left an address. Plain text only; the
 * reporter's language (from the widget's device details) picks the template, English otherwise.
 */
const TEMPLATES = {
  en: {
    subject: "Reply to your feedback",
    intro: (team: string, about: string) => `${team} replied to your feedback “${about}”:`,
    footer: "This message was sent with Loupe. Replies to this email are not read.",
  },
  de: {
    subject: "Antwort auf Ihr Feedback",
    intro: (team: string, about: string) => `${team} hat auf Ihr Feedback „${about}“ geantwortet:`,
    footer: "Diese Nachricht wurde mit Loupe verschickt. Antworten auf diese E-Mail werden nicht gelesen.",
  },
} as const;

/** The first line of what the reporter wrote, short enough for one line of a mail. */
function about(title: string | null, comment: string): string {
  const line = (title ?? comment.split("\n")[0] ?? "").trim();
  return line.length > 80 ? `${line.slice(0, 79)}…` : line;
}

/**
 * Hands the reply to the mail server in the background: a failure is logged by item id (never the
 * address) and does not fail the request — the reply is stored in the thread either way.
 */
export function mailReply(
  ctx: ServiceContext,
  input: {
    to: string;
    itemId: string;
    teamName: string;
    title: string | null;
    comment: string;
    language: unknown;
    body: string;
  },
): Promise<void> | undefined {
  if (!ctx.mailer) return undefined;
  const text = typeof input.language === "string" && /^de\b/i.test(input.language) ? TEMPLATES.de : TEMPLATES.en;
  const mail = {
    to: input.to,
    subject: text.subject,
    text: `${text.intro(input.teamName, about(input.title, input.comment))}\n\n${input.body}\n\n— \n${text.footer}\n`,
  };
  return ctx.mailer.send(mail).then(
    () => ctx.logger.info("mail.sent", { code: "feedback_reply", itemId: input.itemId }),
    (error: unknown) =>
      ctx.logger.warn("mail.failed", { code: "feedback_reply", itemId: input.itemId, ...errorFields(error) }),
  );
}
