import * as v from "valibot";
import { EmailSchema } from "./email.ts";

/** GDPR tools for a team's owners: find, export and erase what a data subject sent (by email or reporter id). */

/** The widget's anonymous reporter id (`us-reporter_` in the visitor's browser). */
export const ReporterIdSchema = v.pipe(
  v.string(),
  v.trim(),
  v.regex(/^[A-Za-z0-9_-]{16,64}$/, "Expected a reporter id: 16–64 letters, digits, _ or -."),
);

/** Who: an email address, a widget reporter id, or both (the items of either). */
export const SubjectQuery = v.pipe(
  v.strictObject({
    email: v.optional(EmailSchema),
    reporterId: v.optional(ReporterIdSchema),
  }),
  v.forward(
    v.check((q) => q.email !== undefined || q.reporterId !== undefined, "Give an email address or a reporter id."),
    ["email"],
  ),
);
export type SubjectQueryInput = v.InferInput<typeof SubjectQuery>;

/** How an item was found: the email it carries, the reporter id it carries, or its sender's account email. */
export const MATCH_KINDS = ["email", "reporterId", "account"] as const;

export const SubjectItemSchema = v.object({
  id: v.string(),
  projectId: v.string(),
  projectName: v.string(),
  title: v.nullable(v.string()),
  comment: v.string(),
  reporterEmail: v.nullable(v.string()),
  reporterId: v.nullable(v.string()),
  hasScreenshot: v.boolean(),
  messages: v.number(),
  inTrash: v.boolean(),
  matchedBy: v.array(v.picklist(MATCH_KINDS)),
  createdAt: v.string(),
});

export const SubjectCountsSchema = v.object({
  items: v.number(),
  screenshots: v.number(),
  messages: v.number(),
});

export const SubjectFindResult = v.object({
  items: v.array(SubjectItemSchema),
  /** The widget reporter ids on the items found (another browser of the same person shows as another id). */
  reporterIds: v.array(v.string()),
  /** The email addresses on the items found. */
  emails: v.array(v.string()),
  counts: SubjectCountsSchema,
});
export type SubjectFind = v.InferOutput<typeof SubjectFindResult>;

export const SubjectEraseResult = v.object({
  erased: v.object({ ...SubjectCountsSchema.entries, comments: v.number() }),
});
export type SubjectErase = v.InferOutput<typeof SubjectEraseResult>;

const NoticeText = v.object({ markdown: v.string(), html: v.string() });
/** A project's privacy-page text, generated from its saved settings, in each language and format. */
export const PrivacyNoticeSchema = v.object({ en: NoticeText, de: NoticeText });
export type PrivacyNotice = v.InferOutput<typeof PrivacyNoticeSchema>;
