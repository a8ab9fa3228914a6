/**
 * The fuzz suites, one test file each (test/fuzz/fuzz.<name>.test.ts), split so that no file runs
 * much over a minute: the routes each covers (by path) and how many it must find at least. The
 * inventory test checks that every API route with input is in exactly one.
 */
export const FUZZ_SUITES = {
  "auth": { paths: /^\/api\/v1\/(auth|setup|invitations)(\/|$)/, minRoutes: 6 },
  "feedback-notes": { paths: /^\/api\/v1\/teams\/:teamId\/feedback\/:itemId\/(comments|messages|history)$/, minRoutes: 5 },
  "feedback": { paths: /^\/api\/v1\/(teams\/:teamId\/)?feedback(\/(?!:itemId\/(comments|messages|history))|$)/, minRoutes: 10 },
  "instance-users": { paths: /^\/api\/v1\/instance\/users(\/|$)/, minRoutes: 6 },
  "instance": { paths: /^\/api\/v1\/instance\/(?!users)/, minRoutes: 8 },
  "me": { paths: /^\/api\/v1\/me(\/|$)/, minRoutes: 6 },
  "team-resources": { paths: /^\/api\/v1\/teams\/:teamId\/(tokens|projects|labels|privacy)(\/|$)/, minRoutes: 14 },
  "teams": { paths: /^\/api\/v1\/teams(\/:teamId(\/(audit|policy|members|invitations|support-access|export)(\/.*)?)?)?$/, minRoutes: 14 },
  "widget": { paths: /^\/api\/v1\/widget\//, minRoutes: 3 },
} as const satisfies Record<string, { paths: RegExp; minRoutes: number }>;

export type FuzzSuiteName = keyof typeof FUZZ_SUITES;
