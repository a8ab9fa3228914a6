// Invariant: every API request body is declared application/json (charset utf-8 if any) — feedback submission may
// also be multipart/form-data — or it is refused with 415 UNSUPPORTED_MEDIA_TYPE; a body-less POST still works.
import { afterAll, expect, test } from "bun:test";
import { signedInUser } from "../support/accounts.ts";
import { feedbackForm, png } from "../support/images.ts";
import { createTestApp, fastPasswords } from "../support/test-app.ts";

const t = createTestApp({}, { passwords: fastPasswords(), authAttemptsPerMinute: 1_000_000 });
afterAll(() => t.close());

const owner = await signedInUser(t);
const team = await (await owner.browser.post("/api/v1/teams", { name: "Media types" })).json();
const project = await (await owner.browser.post(`/api/v1/teams/${team.id}/projects`, { name: "Site" })).json();
const FEEDBACK = `/api/v1/teams/${team.id}/feedback`;

/** A raw request with the browser's cookies and same-origin headers, and exactly the Content-Type given (or none). */
async function send(
  method: string,
  path: string,
  body: string | undefined,
  contentType: string | undefined,
): Promise<Response> {
  const headers: Record<string, string> = {
    Cookie: owner.browser.cookieHeader(),
    Origin: t.config.publicOrigin,
    "X-Requested-With": "t",
  };
  if (contentType !== undefined) headers["Content-Type"] = contentType;
  return t.app.request(`${t.config.publicOrigin}${path}`, { method, headers, body }, { clientIp: "198.51.100.1" });
}

async function expect415(res: Response, expected: string): Promise<void> {
  expect(res.status).toBe(415);
  expect(res.headers.get("Content-Type")).toBe("application/problem+json; charset=utf-8");
  const problem = await res.json();
  expect(problem.code).toBe("UNSUPPORTED_MEDIA_TYPE");
  expect(problem.detail).toContain(expected);
  expect(problem.errors).toEqual([{ field: "Content-Type", message: `Expected ${expected}.` }]);
}

const feedbackJson = JSON.stringify({ projectId: project.id, comment: "typed" });

test("JSON sent as text/plain is refused with 415, on every kind of route", async () => {
  await expect415(await send("POST", FEEDBACK, feedbackJson, "text/plain"), "application/json or multipart/form-data");
  await expect415(
    await send("POST", FEEDBACK, feedbackJson, "text/plain;charset=UTF-8"),
    "application/json or multipart/form-data",
  );
  await expect415(await send("POST", "/api/v1/auth/logout", "{}", "text/plain"), "application/json");
  await expect415(
    await send("PATCH", "/api/v1/me", JSON.stringify({ displayName: "Plain" }), "text/plain"),
    "application/json",
  );
  await expect415(
    await send(
      "POST",
      "/api/v1/auth/login",
      JSON.stringify({ email: owner.email, password: owner.password }),
      "application/x-www-form-urlencoded",
    ),
    "application/json",
  );
  // Nothing was created or changed.
  const items = await (await owner.browser.get(FEEDBACK)).json();
  expect(items.items).toHaveLength(0);
  expect((await (await owner.browser.get("/api/v1/me")).json()).user.displayName).not.toBe("Plain");
});

test("a body without any Content-Type is refused with 415", async () => {
  await expect415(await send("POST", FEEDBACK, feedbackJson, undefined), "application/json or multipart/form-data");
  await expect415(await send("POST", "/api/v1/auth/logout", "{}", undefined), "application/json");
  await expect415(
    await send("DELETE", `/api/v1/teams/${team.id}/projects/${project.id}`, "{}", undefined),
    "application/json",
  );
});

test("only application/json itself: a charset other than utf-8 or a +json type is refused", async () => {
  await expect415(
    await send("PATCH", "/api/v1/me", JSON.stringify({ displayName: "Latin" }), "application/json; charset=iso-8859-1"),
    "application/json",
  );
  await expect415(
    await send("PATCH", "/api/v1/me", JSON.stringify({ displayName: "Vendor" }), "application/vnd.api+json"),
    "application/json",
  );
  await expect415(
    await send("PATCH", "/api/v1/me", JSON.stringify({ displayName: "Ld" }), "application/ld+json"),
    "application/json",
  );
});

test("application/json with parameters is accepted", async () => {
  expect(
    (await send("PATCH", "/api/v1/me", JSON.stringify({ displayName: "Utf" }), "application/json; charset=utf-8"))
      .status,
  ).toBe(200);
  expect(
    (await send("PATCH", "/api/v1/me", JSON.stringify({ displayName: "Utf" }), 'Application/JSON;Charset="UTF-8"'))
      .status,
  ).toBe(200);
  expect((await send("POST", FEEDBACK, feedbackJson, "application/json; charset=utf-8")).status).toBe(201);
  expect((await send("POST", FEEDBACK, feedbackJson, "application/json")).status).toBe(201);
});

test("multipart/form-data is accepted on feedback submission, and only there", async () => {
  const created = await owner.browser.post(
    FEEDBACK,
    feedbackForm({ projectId: project.id, comment: "with a screenshot" }, { bytes: png(4, 3) }),
  );
  expect(created.status).toBe(201);
  const form = new FormData();
  form.set("displayName", "Form");
  const res = await owner.browser.request("PATCH", "/api/v1/me", form);
  await expect415(res, "application/json");
});

test("a body-less POST keeps working (logout without a body)", async () => {
  const other = await signedInUser(t);
  const res = await t.app.request(
    `${t.config.publicOrigin}/api/v1/auth/logout`,
    {
      method: "POST",
      headers: { Cookie: other.browser.cookieHeader(), Origin: t.config.publicOrigin, "X-Requested-With": "t" },
    },
    { clientIp: "198.51.100.2" },
  );
  expect(res.status).toBe(200);
  expect((await other.browser.get("/api/v1/me")).status).toBe(401);
  // Content-Length: 0 with no type is body-less too (what a real server hands on for an empty POST).
  const third = await signedInUser(t);
  const empty = await t.app.request(
    `${t.config.publicOrigin}/api/v1/auth/logout`,
    {
      method: "POST",
      headers: {
        Cookie: third.browser.cookieHeader(),
        Origin: t.config.publicOrigin,
        "X-Requested-With": "t",
        "Content-Length": "0",
      },
    },
    { clientIp: "198.51.100.3" },
  );
  expect(empty.status).toBe(200);
});
