import * as v from "valibot";
import { EmailSchema } from "./email.ts";
import { PlainText } from "./text.ts";

/** Payload schemas of the accounts API, shared by the server and the admin UI. */
export const PasswordSchema = v.pipe(v.string(), v.minLength(1), v.maxLength(1024));
export const NewPasswordSchema = v.pipe(
  v.string(),
  v.maxLength(1024),
  v.description("12–256 characters, no composition rules; refused when common or equal to your email or name"),
);
export const DisplayNameSchema = v.pipe(v.string(), v.trim(), PlainText, v.minLength(1), v.maxLength(100));
export const TotpCodeSchema = v.pipe(v.string(), v.regex(/^\d{6}$/, "Expected 6 digits."));
export const RecoveryCodeSchema = v.pipe(v.string(), v.minLength(8), v.maxLength(64));
export const OpaqueTokenSchema = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{16,128}$/, "Expected a token."));

export const LoginInput = v.strictObject({ email: EmailSchema, password: PasswordSchema });
export const MfaInput = v.pipe(
  v.strictObject({
    challenge: OpaqueTokenSchema,
    code: v.optional(TotpCodeSchema),
    recoveryCode: v.optional(RecoveryCodeSchema),
  }),
  v.check((i) => (i.code === undefined) !== (i.recoveryCode === undefined), "Give either code or recoveryCode."),
);
export const ReauthInput = v.pipe(
  v.strictObject({ password: v.optional(PasswordSchema), code: v.optional(TotpCodeSchema) }),
  v.check((i) => (i.password === undefined) !== (i.code === undefined), "Give either password or code."),
);
export const SetupInput = v.strictObject({
  token: OpaqueTokenSchema,
  email: EmailSchema,
  displayName: DisplayNameSchema,
  password: NewPasswordSchema,
});
export const ResetRequestInput = v.strictObject({ email: EmailSchema });
export const ResetCompleteInput = v.strictObject({ token: OpaqueTokenSchema, newPassword: NewPasswordSchema });
export const PasswordChangeInput = v.strictObject({
  newPassword: NewPasswordSchema,
  /** The current password; without it, a sign-in (or re-authentication) within the last 5 minutes. */
  currentPassword: v.optional(PasswordSchema),
});
export const ProfileInput = v.strictObject({
  displayName: v.optional(DisplayNameSchema),
  email: v.optional(EmailSchema),
});
export const TotpConfirmInput = v.strictObject({ code: TotpCodeSchema });
export const TokenCreateInput = v.strictObject({
  name: v.pipe(v.string(), v.trim(), PlainText, v.minLength(1), v.maxLength(100)),
  scope: v.picklist(["read", "write"]),
  expiresInDays: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(365)), 90),
});
export const SettingsInput = v.strictObject({
  sessionIdleMinutes: v.optional(v.pipe(v.number(), v.integer(), v.minValue(5), v.maxValue(240))),
  sessionAbsoluteHours: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(24))),
  totpToleranceSeconds: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(30))),
  auditRetentionDays: v.optional(v.pipe(v.number(), v.integer(), v.minValue(30), v.maxValue(3650))),
});

export const PublicUserSchema = v.object({
  id: v.string(),
  email: v.string(),
  displayName: v.string(),
  isInstanceAdmin: v.boolean(),
  mfaEnabled: v.boolean(),
  hasPassword: v.boolean(),
  disabled: v.boolean(),
  createdAt: v.string(),
});

export const SsoStartInput = v.strictObject({ returnTo: v.optional(v.pipe(v.string(), PlainText, v.maxLength(1024))) });
export const SsoProviderInput = v.strictObject({
  name: v.pipe(v.string(), v.trim(), PlainText, v.minLength(1), v.maxLength(100)),
  preset: v.picklist(["generic", "google"]),
  issuer: v.optional(v.pipe(v.string(), PlainText, v.maxLength(500))),
  clientId: v.pipe(v.string(), PlainText, v.minLength(1), v.maxLength(500)),
  clientSecret: v.optional(v.pipe(v.string(), PlainText, v.minLength(1), v.maxLength(1000))),
  allowedDomains: v.optional(
    v.array(v.pipe(v.string(), v.regex(/^[a-z0-9.-]+\.[a-z]{2,}$/i, "Expected a domain name."))),
    [],
  ),
  jitEnabled: v.optional(v.boolean(), false),
  jitTeamId: v.optional(v.nullable(v.pipe(v.string(), v.maxLength(64)))),
  trustIdpMfa: v.optional(v.boolean(), false),
  enabled: v.optional(v.boolean(), true),
});

// Response schemas: the one definition of what the API returns; the services' toPublicX() mappers
// return their InferOutput and the OpenAPI document is built from them.
export type PublicUser = v.InferOutput<typeof PublicUserSchema>;

export const SessionSchema = v.object({
  id: v.string(),
  current: v.boolean(),
  createdAt: v.string(),
  lastSeenAt: v.string(),
  method: v.string(),
  /** The summary stored at sign-in ("Firefox on Linux"), and its two parts. */
  userAgent: v.string(),
  browser: v.string(),
  os: v.string(),
});
export type PublicSession = v.InferOutput<typeof SessionSchema>;

export const MeSchema = v.object({
  user: PublicUserSchema,
  session: v.nullable(
    v.object({ id: v.string(), mfaEnrolmentRequired: v.boolean(), method: v.string(), authTime: v.string() }),
  ),
  countRecoveryCodesLeft: v.number(),
});

export const ApiTokenSchema = v.object({
  id: v.string(),
  name: v.string(),
  scope: v.picklist(["read", "write"]),
  createdAt: v.string(),
  expiresAt: v.string(),
  lastUsedAt: v.nullable(v.string()),
  revoked: v.boolean(),
});
export type PublicApiToken = v.InferOutput<typeof ApiTokenSchema>;
export const CreatedApiTokenSchema = v.object({ token: v.string(), apiToken: ApiTokenSchema });

export const TotpEnrolmentSchema = v.object({ secret: v.string(), otpauthUri: v.string(), qrSvg: v.string() });
export const RecoveryCodesSchema = v.object({ recoveryCodes: v.array(v.string()) });

export const SignedInSchema = v.object({
  status: v.literal("signed_in"),
  user: PublicUserSchema,
  mfaEnrolmentRequired: v.boolean(),
});
export const MfaRequiredSchema = v.object({
  status: v.literal("mfa_required"),
  mfaRequired: v.literal(true),
  challenge: v.string(),
  expiresAt: v.string(),
});

export const SsoProviderSchema = v.object({
  id: v.string(),
  name: v.string(),
  preset: v.picklist(["generic", "google"]),
  issuer: v.string(),
  clientId: v.string(),
  allowedDomains: v.array(v.string()),
  jitEnabled: v.boolean(),
  jitTeamId: v.nullable(v.string()),
  trustIdpMfa: v.boolean(),
  enabled: v.boolean(),
});
export type PublicSsoProvider = v.InferOutput<typeof SsoProviderSchema>;
export const SignInProviderSchema = v.object({ id: v.string(), name: v.string() });
/** An identity of a provider linked to my account (never the provider's subject id). */
export const SsoIdentitySchema = v.object({
  id: v.string(),
  providerId: v.string(),
  providerName: v.string(),
  linkedAt: v.string(),
});
export type PublicSsoIdentity = v.InferOutput<typeof SsoIdentitySchema>;
export const SsoStartSchema = v.object({ authorizationUrl: v.string() });

export const InstanceSettingsSchema = v.object({
  sessionIdleMinutes: v.number(),
  sessionAbsoluteHours: v.number(),
  totpToleranceSeconds: v.number(),
  auditRetentionDays: v.number(),
});
export type InstanceSettings = v.InferOutput<typeof InstanceSettingsSchema>;

export const ResetLinkSchema = v.object({ url: v.string(), expiresAt: v.string() });
/** A reset link emailed by an instance admin: when it stops working (the link itself only in the mail). */
export const ResetEmailSchema = v.object({ expiresAt: v.string() });
export const SetupStatusSchema = v.object({ setupRequired: v.literal(true) });
