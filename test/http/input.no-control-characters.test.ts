// Free text holds no control characters: every text field of the API refuses NUL and the other C0/C1
// controls (400 VALIDATION_FAILED naming the field, nothing stored); multi-line fields keep tab and newline.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Browser } from "../support/browser.ts";
import { feedbackForm } from "../support/images.ts";
import { seedWorld, type World } from "../support/teams.ts";

let w: World;
beforeAll(async () => {
  w = await seedWorld();
});
afterAll(() => w.t.close());

const BOGUS = "AAAAAAAAAAAAAAAAAAAAAA";
/** NUL, other C0 controls (escape, vertical tab, backspace), DEL and C1 controls (NEL, CSI). */
const CONTROLS = ["\u0000", "\u001b", "\u000b", "\u0008", "\u007f", "\u0085", "\u009b"];
/** One-line fields refuse tab and line breaks as well. */
const LINE_BREAKS = ["\t", "\n", "\r"];

/** Every row the text could land in: before and after a refused request it must be the same. */
function snapshot(): string {
  const db = w.t.store.db;
  const tables = [
    "users",
    "teams",
    "projects",
    "labels",
    "api_tokens",
    "invitations",
    "feedback_items",
    "feedback_comments",
    "feedback_messages",
    "oidc_providers",
    "oidc_auth_requests",
  ];
  return JSON.stringify(tables.map((table) => db.all(`SELECT * FROM ${table} ORDER BY rowid`)));
}

type Row = { field: string; multiline: boolean; send: (text: string) => Promise<Response> };

function rows(): Row[] {
  const T = `/api/v1/teams/${w.a.team.id}`;
  const I = `${T}/feedback/${w.a.item.id}`;
  const owner = w.a.owner.browser;
  const member = w.a.member.browser;
  const admin = w.admin.browser;
  const feedback = (extra: Record<string, unknown>) =>
    member.post(`${T}/feedback`, { projectId: w.a.project.id, comment: "fine", ...extra });
  const provider = (extra: Record<string, unknown>) =>
    admin.post("/api/v1/instance/sso-providers", {
      name: "Corp",
      preset: "generic",
      issuer: "https://idp.example",
      clientId: "client",
      clientSecret: "secret",
      ...extra,
    });
  const post = (b: Browser, path: string, body: (text: string) => unknown) => (text: string) =>
    b.post(path, body(text));
  return [
    {
      field: "displayName",
      multiline: false,
      send: post(w.anonymous, "/api/v1/setup", (s) => ({
        token: BOGUS,
        email: "x@example.test",
        displayName: `Ad${s}min`,
        password: "setup-passphrase-x",
      })),
    },
    { field: "displayName", multiline: false, send: (s) => member.patch("/api/v1/me", { displayName: `Me${s}mber` }) },
    {
      field: "name",
      multiline: false,
      send: post(member, "/api/v1/me/tokens", (s) => ({ name: `ci${s}token`, scope: "read" })),
    },
    { field: "name", multiline: false, send: (s) => provider({ name: `Co${s}rp` }) },
    { field: "issuer", multiline: false, send: (s) => provider({ issuer: `https://idp.example/${s}x` }) },
    { field: "clientId", multiline: false, send: (s) => provider({ clientId: `cli${s}ent` }) },
    { field: "clientSecret", multiline: false, send: (s) => provider({ clientSecret: `sec${s}ret` }) },
    {
      field: "returnTo",
      multiline: false,
      send: post(w.anonymous, `/api/v1/auth/sso/${BOGUS}/start`, (s) => ({ returnTo: `/teams${s}x` })),
    },
    { field: "name", multiline: false, send: post(owner, "/api/v1/teams", (s) => ({ name: `Te${s}am` })) },
    { field: "name", multiline: false, send: (s) => owner.patch(T, { name: `Te${s}am` }) },
    { field: "name", multiline: false, send: post(owner, `${T}/projects`, (s) => ({ name: `Si${s}te` })) },
    {
      field: "name",
      multiline: false,
      send: (s) => owner.patch(`${T}/projects/${w.a.project.id}`, { name: `Si${s}te` }),
    },
    {
      field: "name",
      multiline: false,
      send: post(owner, `${T}/labels`, (s) => ({ name: `la${s}bel`, color: "#336699" })),
    },
    {
      field: "name",
      multiline: false,
      send: post(owner, `${T}/tokens`, (s) => ({ name: `ci${s}team`, scope: "read", role: "reporter" })),
    },
    {
      field: "displayName",
      multiline: false,
      send: post(w.anonymous, "/api/v1/invitations/register", (s) => ({
        token: BOGUS,
        displayName: `New${s}comer`,
        password: "register-passphrase",
      })),
    },
    { field: "title", multiline: false, send: (s) => feedback({ title: `Ti${s}tle` }) },
    { field: "pageUrl", multiline: false, send: (s) => feedback({ pageUrl: `https://site.example/${s}page` }) },
    { field: "metadata", multiline: false, send: (s) => feedback({ metadata: { [`ke${s}y`]: "value" } }) },
    {
      field: "customData.nested",
      multiline: false,
      send: (s) => feedback({ customData: { nested: { [`ke${s}y`]: 1 } } }),
    },
    { field: "comment", multiline: true, send: (s) => feedback({ comment: `visible${s}hidden` }) },
    {
      field: "comment",
      multiline: true,
      send: (s) =>
        member.post(`${T}/feedback`, feedbackForm({ projectId: w.a.project.id, comment: `visible${s}hidden` })),
    },
    {
      field: "annotations.0.text",
      multiline: true,
      send: (s) =>
        feedback({ annotations: [{ type: "text", at: { x: 1, y: 1 }, text: `no${s}te`, color: "#000000" }] }),
    },
    { field: "metadata.browser", multiline: true, send: (s) => feedback({ metadata: { browser: `Fire${s}fox` } }) },
    { field: "customData.list.1", multiline: true, send: (s) => feedback({ customData: { list: ["a", `b${s}c`] } }) },
    { field: "body", multiline: true, send: post(member, `${I}/comments`, (s) => ({ body: `visible${s}hidden` })) },
    { field: "body", multiline: true, send: post(member, `${I}/messages`, (s) => ({ body: `visible${s}hidden` })) },
    {
      field: "q",
      multiline: false,
      send: (s) => member.get(`${T}/feedback/search?q=${encodeURIComponent(`fi${s}ne`)}`),
    },
  ];
}

test("every text field refuses NUL and the other C0/C1 controls: 400 naming the field, nothing stored", async () => {
  const failures: string[] = [];
  for (const row of rows()) {
    for (const control of [...CONTROLS, ...(row.multiline ? [] : LINE_BREAKS)]) {
      const before = snapshot();
      const res = await row.send(control);
      const body = res.status === 400 ? await res.json() : undefined;
      const named =
        body?.code === "VALIDATION_FAILED" && body.errors.some((e: { field: string }) => e.field === row.field);
      if (!named)
        failures.push(`${row.field} ${JSON.stringify(control)}: ${res.status} ${JSON.stringify(body?.errors)}`);
      if (snapshot() !== before) failures.push(`${row.field} ${JSON.stringify(control)}: something was stored`);
    }
  }
  expect(failures).toEqual([]);
});

test("a lone UTF-16 surrogate is refused too (it would be stored as U+FFFD)", async () => {
  const owner = await w.a.owner.browser.post(`/api/v1/teams/${w.a.team.id}/labels`, {
    name: "bad\ud800",
    color: "#336699",
  });
  expect(owner.status).toBe(400);
  expect((await owner.json()).errors).toEqual([{ field: "name", message: "Expected well-formed Unicode text." }]);
});

test("multi-line fields keep tab and newline; a carriage return is stored as a newline", async () => {
  const T = `/api/v1/teams/${w.a.team.id}`;
  const member = w.a.member.browser;
  const created = await member.post(`${T}/feedback`, {
    projectId: w.a.project.id,
    comment: "first line\n\tindented\r\nthird\rfourth",
    metadata: { stack: "at a\n\tat b" },
    annotations: [{ type: "text", at: { x: 1, y: 1 }, text: "two\nlines", color: "#000000" }],
  });
  expect(created.status).toBe(201);
  const item = await created.json();
  expect(item.comment).toBe("first line\n\tindented\nthird\nfourth");
  expect(item.metadata).toEqual({ stack: "at a\n\tat b" });
  expect(item.screenshot ?? null).toBeNull();
  const note = await member.post(`${T}/feedback/${item.id}/comments`, { body: "a\tb\r\nc" });
  expect(note.status).toBe(201);
  expect((await note.json()).body).toBe("a\tb\nc");
  // One-line fields still take ordinary text, spaces and non-Latin letters included.
  const label = await w.a.owner.browser.post(`${T}/labels`, { name: "Größe ✓ 日本", color: "#336699" });
  expect(label.status).toBe(201);
});
