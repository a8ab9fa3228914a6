// Invariant: every JSON answer is exactly the shared response schema its route documents
// (src/shared/): no field the schema lacks (a leak) and none missing; the OpenAPI document is built
// from the same schemas.
import { afterAll, expect, test } from "bun:test";
import * as v from "valibot";
import {
  ApiTokenSchema,
  InstanceSettingsSchema,
  MeSchema,
  PublicUserSchema,
  SessionSchema,
  SsoProviderSchema,
} from "../../src/shared/accounts.ts";
import { AuditEntrySchema, AuditVerificationSchema, TeamAuditPageSchema } from "../../src/shared/audit.ts";
import {
  FeedbackAcrossPageSchema,
  FeedbackItemSchema,
  FeedbackPageSchema,
  HistoryPageSchema,
  MessageThreadSchema,
  NoteSchema,
} from "../../src/shared/feedback.ts";
import { HealthResponse, InstanceHealthSchema, ReadinessResponse } from "../../src/shared/system.ts";
import {
  InvitationSchema,
  LabelSchema,
  MemberSchema,
  ProjectSchema,
  SupportAccessSchema,
  TeamSchema,
  TeamTokenSchema,
} from "../../src/shared/teams.ts";
import { seedWorld } from "../support/teams.ts";

const w = await seedWorld();
afterAll(() => w.t.close());
/** JSON with object keys sorted, so two values compare by content, not by key order. */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, v) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
const list = <S extends v.GenericSchema>(key: string, schema: S) => v.object({ [key]: v.array(schema) });

test("owner's and admin's JSON answers are exactly their shared schemas", async () => {
  const owner = w.a.owner.browser;
  await owner.post("/api/v1/auth/reauth", { password: w.a.owner.password });
  expect(
    (await owner.post(`/api/v1/teams/${w.a.team.id}/tokens`, { name: "ci", scope: "read", role: "reporter" })).status,
  ).toBe(201);
  expect((await owner.post(`/api/v1/me/tokens`, { name: "mine", scope: "read" })).status).toBe(201);
  const T = `/api/v1/teams/${w.a.team.id}`;
  const I = `${T}/feedback/${w.a.item.id}`;
  const cases: [typeof owner, string, v.GenericSchema][] = [
    [owner, "/healthz", HealthResponse],
    [owner, "/readyz", ReadinessResponse],
    [owner, "/api/v1/me", MeSchema],
    [owner, "/api/v1/me/sessions", list("sessions", SessionSchema)],
    [owner, "/api/v1/me/tokens", list("tokens", ApiTokenSchema)],
    [owner, "/api/v1/teams", list("teams", TeamSchema)],
    [owner, T, TeamSchema],
    [owner, `${T}/members`, list("members", MemberSchema)],
    [owner, `${T}/invitations`, list("invitations", InvitationSchema)],
    [owner, `${T}/support-access`, SupportAccessSchema],
    [owner, `${T}/tokens`, list("tokens", TeamTokenSchema)],
    [owner, `${T}/projects`, list("projects", ProjectSchema)],
    [owner, `${T}/projects/${w.a.project.id}`, ProjectSchema],
    [owner, `${T}/labels`, list("labels", LabelSchema)],
    [owner, `${T}/feedback`, FeedbackPageSchema],
    [owner, `${T}/feedback/search?q=alpha`, FeedbackPageSchema],
    [owner, "/api/v1/feedback", FeedbackAcrossPageSchema],
    [owner, "/api/v1/feedback/search?q=alpha", FeedbackAcrossPageSchema],
    [owner, I, FeedbackItemSchema],
    [owner, `${I}/comments`, list("comments", NoteSchema)],
    [owner, `${I}/messages`, MessageThreadSchema],
    [owner, `${I}/history`, HistoryPageSchema],
    [owner, `${T}/audit`, TeamAuditPageSchema],
    [w.admin.browser, "/api/v1/instance/users", list("users", PublicUserSchema)],
    [w.admin.browser, "/api/v1/instance/settings", InstanceSettingsSchema],
    [w.admin.browser, "/api/v1/instance/sso-providers", list("providers", SsoProviderSchema)],
    [w.admin.browser, "/api/v1/instance/audit", list("entries", AuditEntrySchema)],
    [w.admin.browser, "/api/v1/instance/audit/verify", AuditVerificationSchema],
    [w.admin.browser, "/api/v1/instance/health", InstanceHealthSchema],
  ];
  const mismatches: string[] = [];
  for (const [browser, path, schema] of cases) {
    const res = await browser.get(path);
    if (res.status !== 200) {
      mismatches.push(`${path}: ${res.status}`);
      continue;
    }
    const body = await res.json();
    const parsed = v.safeParse(schema, body);
    // v.object drops keys it does not know: an answer equal to its parse has no extra field.
    if (!parsed.success) mismatches.push(`${path}: ${parsed.issues.map((i) => i.message).join("; ")}`);
    else if (canonical(parsed.output) !== canonical(body))
      mismatches.push(`${path}: fields the schema does not declare`);
  }
  expect(mismatches).toEqual([]);
});

test("a leaking field would be caught: the check fails on an answer with one field too many", () => {
  const leaky = { id: "x", name: "y", color: "#000000", password_hash: "$argon2id$…" };
  const parsed = v.parse(LabelSchema, leaky);
  expect(canonical(parsed)).not.toBe(canonical(leaky));
  expect(canonical({ b: 1, a: [{ d: 2, c: 3 }] })).toBe(canonical({ a: [{ c: 3, d: 2 }], b: 1 }));
});
