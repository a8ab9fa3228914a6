// Invariant (issue 8): console entries leave the browser with secrets redacted — bearer tokens, JWTs,
// credentials in key=value form, API keys, long random tokens, emails, card numbers (Luhn-valid
// only) — and the screenshot's optional text masking finds the same emails and card numbers. Every
// pattern is linear: a hostile page's text cannot make it backtrack.
import { expect, test } from "bun:test";
import { luhnValid, maskPersonal } from "../../src/shared/personal-data.ts";
import { redactSecrets } from "../../src/shared/redact.ts";

const redacted = (text: string) => maskPersonal(redactSecrets(text), { emails: true, cards: true }, () => "[redacted]");

test("Luhn: real card numbers pass, their neighbours and short runs do not", () => {
  for (const card of ["4111 1111 1111 1111", "5555555555554444", "3782-822463-10005", "6011111111111117"])
    expect({ card, valid: luhnValid(card) }).toEqual({ card, valid: true });
  for (const other of ["4111 1111 1111 1112", "1764480000000", "123456789012", "0000"])
    expect({ other, valid: luhnValid(other) }).toEqual({ other, valid: false });
});

test("secrets in console text are redacted; ordinary text is kept", () => {
  const cases: [string, string][] = [
    ["fetch failed: Authorization: Bearer abcdef0123456789xyz", "fetch failed: Authorization: [redacted]"],
    ["jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl expired", "jwt [redacted] expired"],
    ["token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl expired", "[redacted] expired"],
    ["login failed password=hunter2 for user", "login failed [redacted] for user"],
    ['{"api_key":"k-123456"} rejected', '{"[redacted]"} rejected'],
    ["Stripe said sk_live_51Habcdefghijklmnop", "Stripe said [redacted]"],
    ["session 9f8e7d6c5b4a39281706f5e4d3c2b1a0ffeeddcc lost", "session [redacted] lost"],
    ["mail ana@example.eu bounced", "mail [redacted] bounced"],
    ["charge 4111 1111 1111 1111 declined", "charge [redacted] declined"],
    ["order 1764480000000 at 12:30 failed (404)", "order 1764480000000 at 12:30 failed (404)"],
    [
      "TypeError: cannot read properties of undefined (reading 'length')",
      "TypeError: cannot read properties of undefined (reading 'length')",
    ],
  ];
  for (const [input, output] of cases) expect({ input, got: redacted(input) }).toEqual({ input, got: output });
});

test("masking for the screenshot keeps the text's length (solid blocks), per option", () => {
  const block = (m: string) => "█".repeat(m.length);
  const text = "Write to ana@example.eu or pay with 4111 1111 1111 1111.";
  expect(maskPersonal(text, { emails: true, cards: false }, block)).toBe(
    "Write to ██████████████ or pay with 4111 1111 1111 1111.",
  );
  expect(maskPersonal(text, { emails: false, cards: true }, block)).toBe(
    "Write to ana@example.eu or pay with ███████████████████.",
  );
  expect(maskPersonal(text, { emails: true, cards: true }, block).length).toBe(text.length);
  // Letters beyond ASCII and non-breaking spaces between digit groups.
  expect(maskPersonal("Mail jürgen.müller@bücher.de now", { emails: true, cards: false }, block)).toBe(
    `Mail ${"█".repeat(23)} now`,
  );
  expect(maskPersonal("Card 4111\u00a01111\u00a01111\u00a01111.", { emails: false, cards: true }, block)).toBe(
    `Card ${"█".repeat(19)}.`,
  );
});

// Not a speed measurement: a pattern that backtracks on these takes minutes and the test times out.
test("hostile input ends: 200 KB runs of near-matches are scanned once", () => {
  const nearMisses = [
    "a".repeat(200_000),
    "1 ".repeat(100_000),
    `${"a1".repeat(100_000)}!`,
    "x@".repeat(100_000),
    `${"a".repeat(200_000)}@`,
    `password${" ".repeat(200_000)}`,
  ];
  for (const text of nearMisses) expect(redacted(text).length).toBeGreaterThan(0);
  expect(redacted(`${"a".repeat(40)} ${"a1".repeat(20)}`)).toBe(`${"a".repeat(40)} [redacted]`);
}, 20_000);
