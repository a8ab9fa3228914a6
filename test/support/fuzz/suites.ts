/**
 * The fuzz suites, one test file each (test/fuzz/fuzz.<name>.test.ts), split so that no file runs
 * much over a minute: the routes each covers (by path) and how many it must find at least. The
 * inventory test checks that every API route with input is in exactly one.
 */
export const FUZZ_SUITES = {
  auth: { paths: /^\/api\/v1\/(auth|setup|invitations)(\/|$)/, minRoutes: 6 },
  me: { paths: /^\/api\/v1\/me(\/|$)/, minRoutes: 6 },
  "instance-users": { paths: /^\/api\/v1\/instance\/users(\/|$)/, minRoutes: 6 },
  instance: { paths: /^\/api\/v1\/instance\/(?!users)/, minRoutes: 8 },
  teams: { paths: /^\/api\/v1\/teams(\/:teamId(\/(audit|policy|export)(\/.*)?)?)?$/, minRoutes: 7 },
  "team-members": { paths: /^\/api\/v1\/teams\/:teamId\/(members|invitations|support-access)(\/|$)/, minRoutes: 7 },
  "team-projects": { paths: /^\/api\/v1\/teams\/:teamId\/projects(\/|$)/, minRoutes: 6 },
  "team-resources": { paths: /^\/api\/v1\/teams\/:teamId\/(tokens|labels|privacy)(\/|$)/, minRoutes: 9 },
  "feedback-lists": { paths: /^\/api\/v1\/(teams\/:teamId\/)?feedback(\/(search|bulk))?$/, minRoutes: 6 },
  "feedback-items": { paths: /^\/api\/v1\/teams\/:teamId\/feedback\/:itemId(\/(restore|screenshot))?$/, minRoutes: 5 },
  "feedback-comments": { paths: /^\/api\/v1\/teams\/:teamId\/feedback\/:itemId\/comments$/, minRoutes: 2 },
  "feedback-messages": { paths: /^\/api\/v1\/teams\/:teamId\/feedback\/:itemId\/(messages|history)$/, minRoutes: 3 },
  widget: { paths: /^\/api\/v1\/widget\//, minRoutes: 3 },
} as const satisfies Record<string, { paths: RegExp; minRoutes: number }>;

export type FuzzSuiteName = keyof typeof FUZZ_SUITES;
