import * as v from "valibot";
import { IdSchema } from "./common.ts";
import { EmailSchema } from "./email.ts";
import { PlainText } from "./text.ts";
import { WidgetSettingsChangeSchema, WidgetSettingsSchema } from "./widget-settings.ts";

/** Payload schemas of teams, members, invitations, projects and labels (strict: unknown keys refused). */
export const RoleSchema = v.picklist(["owner", "member", "reporter"]);
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
export const InvitationAcceptInput = v.strictObject({
  token: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{16,128}$/, "Expected a token.")),
});
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
export const SupportAccessInput = v.strictObject({
  hours: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(168)), 24),
});
export const ProjectCreateInput = v.strictObject({
  name: NameSchema,
  settings: v.optional(WidgetSettingsChangeSchema),
});
export const ProjectUpdateInput = v.strictObject({
  name: v.optional(NameSchema),
  settings: v.optional(WidgetSettingsChangeSchema),
});
const LabelName = v.pipe(v.string(), v.trim(), PlainText, v.minLength(1), v.maxLength(50));
const LabelColor = v.pipe(v.string(), v.regex(/^#[0-9a-f]{6}$/i, "Expected a colour like #3366ff."));
export const LabelInput = v.strictObject({ name: LabelName, color: LabelColor });
export const LabelUpdateInput = v.pipe(
  v.strictObject({ name: v.optional(LabelName), color: v.optional(LabelColor) }),
  v.check((i) => i.name !== undefined || i.color !== undefined, "Give a name or a colour."),
);
// Response schemas (see src/shared/accounts.ts).
export const TeamPolicySchema = v.object({
  mfaRequired: v.boolean(),
  sessionIdleMinutes: v.nullable(v.number()),
  ssoRequired: v.boolean(),
  ssoProviderIds: v.array(v.string()),
  idpMfaAccepted: v.boolean(),
});
export const TeamSchema = v.object({
  id: v.string(),
  name: v.string(),
  role: v.nullable(RoleSchema),
  policy: TeamPolicySchema,
  createdAt: v.string(),
});
export type PublicTeam = v.InferOutput<typeof TeamSchema>;

export const MemberSchema = v.object({
  userId: v.string(),
  displayName: v.string(),
  email: v.string(),
  role: RoleSchema,
  since: v.string(),
});
export type PublicMember = v.InferOutput<typeof MemberSchema>;

export const InvitationSchema = v.object({
  id: v.string(),
  email: v.string(),
  role: RoleSchema,
  createdAt: v.string(),
  expiresAt: v.string(),
  state: v.picklist(["pending", "accepted", "revoked", "expired"]),
});
export type PublicInvitation = v.InferOutput<typeof InvitationSchema>;
export const CreatedInvitationSchema = v.object({
  invitation: InvitationSchema,
  url: v.nullable(v.string()),
  emailed: v.boolean(),
});
export const InvitationPreviewInput = v.strictObject({
  token: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{16,128}$/, "Expected a token.")),
});
export const InvitationPreviewSchema = v.object({
  teamName: v.string(),
  /** The inviting owner's name (null when their account is gone). */
  invitedBy: v.nullable(v.string()),
  email: v.string(),
  role: RoleSchema,
  expiresAt: v.string(),
  /** The invited address has an account: sign in and accept; otherwise register. */
  hasAccount: v.boolean(),
});
export type InvitationPreview = v.InferOutput<typeof InvitationPreviewSchema>;
export const JoinedTeamSchema = v.object({ teamId: v.string(), role: RoleSchema });

export const SupportAccessSchema = v.object({ active: v.boolean(), expiresAt: v.nullable(v.string()) });
export type SupportAccessState = v.InferOutput<typeof SupportAccessSchema>;

export const TeamTokenSchema = v.object({
  id: v.string(),
  name: v.string(),
  /** The secret's first characters, to recognise it (null for tokens made before they were kept). */
  prefix: v.nullable(v.string()),
  scope: v.picklist(["read", "write"]),
  role: v.picklist(["member", "reporter"]),
  createdAt: v.string(),
  expiresAt: v.string(),
  lastUsedAt: v.nullable(v.string()),
  revoked: v.boolean(),
});
export type PublicTeamToken = v.InferOutput<typeof TeamTokenSchema>;
export const CreatedTeamTokenSchema = v.object({ token: v.string(), apiToken: TeamTokenSchema });

export const ProjectSchema = v.object({
  id: v.string(),
  name: v.string(),
  widgetKey: v.string(),
  settings: WidgetSettingsSchema,
  createdAt: v.string(),
  updatedAt: v.string(),
});
export type PublicProject = v.InferOutput<typeof ProjectSchema>;

export const LabelSchema = v.object({ id: v.string(), name: v.string(), color: v.string() });
export type PublicLabel = v.InferOutput<typeof LabelSchema>;
