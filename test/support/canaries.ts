/**
 * Values seeded through the app by tests that must never appear in any log line. scripts/test.ts
 * scans every captured log line of the whole run for them after `bun test`.
 */
export const CANARIES = {
  email: "canary.person+loupe@example-canary.test",
  ip: "203.0.113.77",
  ipv6: "2001:db8:dead:beef::77",
  token: "tok_CANARYc4n4ry7oken5ecretXYZ123",
  cookie: "sess_CANARYcookieValue998877",
  body: "CANARY-FEEDBACK-TEXT my card number is 4111",
  name: "Canary McTestface",
} as const;

export const CANARY_VALUES: string[] = Object.values(CANARIES);
