// T-S1 (non-canonical base64) — A session token is accepted only in its exact canonical encoding: padding,
// changed unused bits, white space or escapes in any segment give 401, like any forgery; the real token 200.
import { afterAll, expect, test } from "bun:test";
import { isCanonicalBase64url } from "../../src/lib/base64url.ts";
import { signedInUser } from "../support/accounts.ts";
import { createTestApp } from "../support/test-app.ts";

const t = createTestApp();
afterAll(() => t.close());

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** The same bytes, spelled differently: the last character with its unused low bits set. */
function withUnusedBitsSet(segment: string): string | undefined {
  const unusedBits = { 2: 4, 3: 2 }[(segment.length % 4) as 2 | 3];
  if (!unusedBits) return undefined;
  const last = ALPHABET.indexOf(segment.at(-1)!);
  return segment.slice(0, -1) + ALPHABET[last | ((1 << unusedBits) - 1)];
}

const status = async (cookie: string) =>
  (await t.app.request("/api/v1/me", { headers: { Cookie: `loupe_session=${cookie}` } })).status;

test("padding, changed unused bits and white space in any segment → 401; the canonical token → 200", async () => {
  const { browser } = await signedInUser(t);
  const good = browser.cookies.get("loupe_session")!;
  const [header, payload, signature] = good.split(".") as [string, string, string];
  expect(withUnusedBitsSet(signature)).toBeDefined(); // HS256: 32 bytes → 43 characters, 2 unused bits
  expect(Buffer.from(withUnusedBitsSet(signature)!, "base64url").equals(Buffer.from(signature, "base64url"))).toBe(
    true,
  );

  const cases: Record<string, string> = {
    "signature + '='": `${header}.${payload}.${signature}=`,
    "signature + '%3D' (escaped padding)": `${header}.${payload}.${signature}%3D`,
    "payload + '='": `${header}.${payload}=.${signature}`,
    "header + '='": `${header}=.${payload}.${signature}`,
    "signature with its unused bits set": `${header}.${payload}.${withUnusedBitsSet(signature)}`,
    "a space inside the signature": `${header}.${payload}.${signature.slice(0, 20)} ${signature.slice(20)}`,
    "an escaped space inside the signature": `${header}.${payload}.${signature.slice(0, 20)}%20${signature.slice(20)}`,
    "an escaped newline inside the payload": `${header}.${payload.slice(0, 10)}%0A${payload.slice(10)}.${signature}`,
    "an escaped tab inside the header": `${header.slice(0, 5)}%09${header.slice(5)}.${payload}.${signature}`,
  };
  const unusedPayload = withUnusedBitsSet(payload);
  if (unusedPayload && unusedPayload !== payload)
    cases["payload with its unused bits set"] = `${header}.${unusedPayload}.${signature}`;
  const unusedHeader = withUnusedBitsSet(header);
  if (unusedHeader && unusedHeader !== header)
    cases["header with its unused bits set"] = `${unusedHeader}.${payload}.${signature}`;

  const results: Record<string, number> = {};
  for (const [name, token] of Object.entries(cases)) results[name] = await status(token);
  expect(Object.entries(results).filter(([, s]) => s !== 401)).toEqual([]);
  // The control: the canonical token still works (the forgeries were refused, not everything).
  expect(await status(good)).toBe(200);
});

test("a personal API token is matched only as issued: padding or changed unused bits give 401", async () => {
  const { browser } = await signedInUser(t);
  expect((await browser.post("/api/v1/auth/reauth", { password: "violet-harbour-tangent-94" })).status).toBe(200);
  const { token } = await (await browser.post("/api/v1/me/tokens", { name: "ci", scope: "read" })).json();
  const bearer = async (value: string) =>
    (await t.app.request("/api/v1/me", { headers: { Authorization: `Bearer ${value}` } })).status;
  const secret = token.slice("loupe_pat_".length);
  expect(await bearer(`${token}=`)).toBe(401);
  if (withUnusedBitsSet(secret) !== secret) expect(await bearer(`loupe_pat_${withUnusedBitsSet(secret)}`)).toBe(401);
  expect(await bearer(token)).toBe(200);
});

test("isCanonicalBase64url: exactly one spelling per byte string", () => {
  for (const bytes of [[0xff], [0xff, 0xee], [0xff, 0xee, 0xdd], [0, 0, 0, 1]])
    expect(isCanonicalBase64url(Buffer.from(bytes).toString("base64url"))).toBe(true);
  for (const text of ["", "_w=", "_x", "_-5", "A", "AAAAA", "_+8", "_/8", " _w", "_w ", "_\nw"])
    expect(isCanonicalBase64url(text)).toBe(false);
});
