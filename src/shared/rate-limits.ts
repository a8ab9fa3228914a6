/**
 * The route classes of the request-rate limiter (src/http/rate-limit.ts): their names are what the
 * `RateLimit-Policy` and `RateLimit` response fields call each policy, and what each one counts.
 */
export const RATE_LIMIT_CLASSES = {
  "sign-in": "per client address: sign-in, re-authentication, SSO start, first-run setup",
  mfa: "per client address: the second factor of a sign-in",
  "password-reset": "per client address: requesting and completing a password reset",
  invitations: "per client address: previewing an invitation and registering with one",
  "widget-config": "per client address and widget key: the widget's configuration and CORS preflight",
  "widget-submission": "per client address and widget key: widget submissions",
  "widget-key": "per widget key (project), from all clients together: widget submissions",
  events: "per account: opening a live-update (SSE) stream",
  "api-tokens": "per client address: requests that carry an API token (Authorization: Bearer), before it is checked",
  api: "per account: every other API request of a signed-in caller (session or API token)",
  "api-anonymous": "per client address: every other API request without a valid sign-in",
} as const;

export type RateLimitClass = keyof typeof RATE_LIMIT_CLASSES;
