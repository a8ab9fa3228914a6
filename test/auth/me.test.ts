// GET /api/v1/me: the current user without secrets with a valid session (saying when MFA enrolment is
// pending), 401 otherwise.
import { afterAll, expect, test } from "bun:test";
import { signedInUser } from "../support/accounts.ts";
import { createTestApp } from "../support/test-app.ts";

const t = createTestApp();
afterAll(() => t.close());

test("/me: the user, no secrets; 401 without a session", async () => {
  expect((await t.app.request("/api/v1/me")).status).toBe(401);
  const { browser, user } = await signedInUser(t);
  const res = await browser.get("/api/v1/me");
  expect(res.status).toBe(200);
  const body = await res.json();
  expect(body.user).toEqual({
    id: user.id,
    email: user.email,
    displayName: "Test User",
    isInstanceAdmin: false,
    mfaEnabled: false,
    hasPassword: true,
    disabled: false,
    createdAt: new Date(user.created_at).toISOString(),
  });
  const text = JSON.stringify(body);
  for (const secret of ["argon2", "password_hash", "security_version", "secret"]) expect(text).not.toContain(secret);
  expect(body.session.mfaEnrolmentRequired).toBe(false);
});

test("/me says when MFA enrolment is pending", async () => {
  const { browser } = await signedInUser(t, { admin: true });
  const body = await (await browser.get("/api/v1/me")).json();
  expect(body.user.isInstanceAdmin).toBe(true);
  expect(body.session.mfaEnrolmentRequired).toBe(true);
});
