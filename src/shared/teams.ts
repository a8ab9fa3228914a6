import * as v from "valibot";
import { PlainText } from "./text.ts";
import { EmailSchema } from "./email.ts";

/** Payload schemas of teams, members, invitations, projects and labels (strict: unknown keys refused). */
export const RoleSchema = v.picklist(["owner", "member", "reporter"]);
export const IdSchema = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{16,64}$/, "Expected an id."));
export const NameSchema = v.pipe(v.string(), v.trim(), PlainText, v.minLength(1), v.maxLength(100));

export const TeamCreateInput = v.strictObject({ name: NameSchema });
export const TeamUpdateInput = v.strictObject({ name: NameSchema });
export const PolicyInput = v.strictObject({
  mfaRequired: v.optional(v.boolean()),
  sessionIdleMinutes: v.optional(v.nullable(v.pipe(v.number(), v.integer(), v.minValue(5), v.maxValue(240)))),
  ssoRequired: v.optional(v.boolean()),
  ssoProviderIds: v.optional(v.pipe(v.array(IdSchema), v.maxLength(20))),
  idpMfaAccepted: v.optional(v.boolean()),
});
export const RoleInput = v.strictObject({ role: RoleSchema });
export const InvitationInput = v.strictObject({ email: EmailSchema, role: RoleSchema });
export const InvitationAcceptInput = v.strictObject({ token: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{16,128}$/, "Expected a token.")) });
export const InvitationRegisterInput = v.strictObject({
  token: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{16,128}$/, "Expected a token.")),
  displayName: NameSchema,
  password: v.pipe(v.string(), v.maxLength(1024)),
});
export const TeamTokenInput = v.strictObject({
  name: v.pipe(v.string(), v.trim(), PlainText, v.minLength(1), v.maxLength(100)),
  scope: v.picklist(["read", "write"]),
  role: v.picklist(["member", "reporter"]),
  expiresInDays: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(365)), 90),
});
export const SupportAccessInput = v.strictObject({ hours: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(168)), 24) });
const OriginSchema = v.pipe(v.string(), v.maxLength(300), v.regex(/^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/, "Expected an origin like https://example.eu."));
export const ProjectSettingsSchema = v.strictObject({ allowedOrigins: v.pipe(v.array(OriginSchema), v.maxLength(50)) });
export const ProjectCreateInput = v.strictObject({ name: NameSchema, settings: v.optional(ProjectSettingsSchema) });
export const ProjectUpdateInput = v.strictObject({ name: v.optional(NameSchema), settings: v.optional(ProjectSettingsSchema) });
export const LabelInput = v.strictObject({ name: v.pipe(v.string(), v.trim(), PlainText, v.minLength(1), v.maxLength(50)), color: v.pipe(v.string(), v.regex(/^#[0-9a-f]{6}$/i, "Expected a colour like #3366ff.")) });
export const AuditExportQuery = v.strictObject({
  format: v.optional(v.picklist(["json", "csv"])),
  before: v.optional(v.pipe(v.string(), v.regex(/^\d{1,15}$/))),
  limit: v.optional(v.pipe(v.string(), v.regex(/^\d{1,4}$/))),
});
