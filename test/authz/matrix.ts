/**
 * The checked-in authorization matrix (T-AC2): for every route, the status each caller gets.
 * Columns: anonymous, reporter, member and owner of team A, owner of team B (acting on A's ids),
 * and the instance admin (no support access). Requests use team A's ids (test/authz/requests.ts).
 * A new route without a row here fails the test.
 */
export const ROLES = ["anonymous", "reporter", "member", "owner", "otherOwner", "admin"] as const;
export type MatrixRole = (typeof ROLES)[number];
type Row = [number, number, number, number, number, number];

const everyone = (s: number): Row => [s, s, s, s, s, s];
const signedIn = (ok: number, anonymous = 401): Row => [anonymous, ok, ok, ok, ok, ok];
/** A team route: 401 anonymous, 404 outsiders (other team's owner, the operator), roles from `min` up get `ok`. */
const team = (min: "reporter" | "member" | "owner", ok: number): Row => {
  const rank = { reporter: 1, member: 2, owner: 3 }[min];
  return [401, rank <= 1 ? ok : 403, rank <= 2 ? ok : 403, ok, 404, 404];
};
const instance = (ok: number): Row => [401, 403, 403, 403, 403, ok];

export const MATRIX: Record<string, Row> = {
  "GET /healthz": everyone(200),
  "GET /readyz": everyone(200),
  "GET /api/openapi.json": everyone(200),
  "POST /api/v1/auth/login": everyone(401),
  "POST /api/v1/auth/mfa": everyone(401),
  "POST /api/v1/auth/reauth": signedIn(200),
  "POST /api/v1/auth/logout": signedIn(200),
  "GET /api/v1/setup": everyone(404),
  "POST /api/v1/setup": everyone(404),
  "POST /api/v1/auth/password-reset/request": everyone(503),
  "POST /api/v1/auth/password-reset/complete": everyone(400),
  "GET /api/v1/auth/sso/providers": everyone(200),
  "POST /api/v1/auth/sso/:providerId/start": everyone(404),
  "POST /api/v1/me/sso/:providerId/link": signedIn(404),
  "POST /api/v1/me/sso-links/:linkId/confirm": signedIn(404),
  "GET /api/v1/auth/sso/callback": everyone(302),
  "GET /api/v1/me": signedIn(200),
  "PATCH /api/v1/me": signedIn(200),
  "DELETE /api/v1/me": [401, 200, 200, 409, 409, 200],
  "GET /api/v1/me/sessions": signedIn(200),
  "DELETE /api/v1/me/sessions/:id": signedIn(404),
  "POST /api/v1/me/sessions/revoke-all": signedIn(200),
  "POST /api/v1/me/password": signedIn(200),
  "POST /api/v1/me/mfa/totp": [401, 200, 200, 200, 200, 409],
  "POST /api/v1/me/mfa/totp/confirm": signedIn(400),
  "DELETE /api/v1/me/mfa/totp": [401, 409, 409, 409, 409, 200],
  "POST /api/v1/me/mfa/recovery-codes": [401, 409, 409, 409, 409, 200],
  "GET /api/v1/me/tokens": signedIn(200),
  "POST /api/v1/me/tokens": signedIn(201),
  "DELETE /api/v1/me/tokens/:id": signedIn(404),
  "GET /api/v1/instance/users": instance(200),
  "POST /api/v1/instance/users/:userId/disable": instance(200),
  "POST /api/v1/instance/users/:userId/enable": instance(200),
  "POST /api/v1/instance/users/:userId/sessions/revoke": instance(200),
  "POST /api/v1/instance/users/:userId/mfa/reset": instance(200),
  "POST /api/v1/instance/users/:userId/password-reset-link": instance(201),
  "GET /api/v1/instance/audit": instance(200),
  "GET /api/v1/instance/audit/verify": instance(200),
  "GET /api/v1/instance/settings": instance(200),
  "PATCH /api/v1/instance/settings": instance(200),
  "GET /api/v1/instance/sso-providers": instance(200),
  "POST /api/v1/instance/sso-providers": instance(201),
  "PUT /api/v1/instance/sso-providers/:providerId": instance(404),
  "DELETE /api/v1/instance/sso-providers/:providerId": instance(404),
  "GET /api/v1/teams": signedIn(200),
  "POST /api/v1/teams": signedIn(201),
  "GET /api/v1/teams/:teamId": team("reporter", 200),
  "PATCH /api/v1/teams/:teamId": team("owner", 200),
  "DELETE /api/v1/teams/:teamId": team("owner", 200),
  "PATCH /api/v1/teams/:teamId/policy": team("owner", 200),
  "GET /api/v1/teams/:teamId/members": team("member", 200),
  "PATCH /api/v1/teams/:teamId/members/:userId": team("owner", 200),
  "DELETE /api/v1/teams/:teamId/members/:userId": team("owner", 200),
  "GET /api/v1/teams/:teamId/invitations": team("owner", 200),
  "POST /api/v1/teams/:teamId/invitations": team("owner", 201),
  "DELETE /api/v1/teams/:teamId/invitations/:invitationId": team("owner", 200),
  "POST /api/v1/invitations/accept": signedIn(400),
  "POST /api/v1/invitations/register": everyone(400),
  "GET /api/v1/teams/:teamId/support-access": team("owner", 200),
  "POST /api/v1/teams/:teamId/support-access": team("owner", 200),
  "DELETE /api/v1/teams/:teamId/support-access": team("owner", 200),
  "GET /api/v1/teams/:teamId/audit": team("owner", 200),
  "GET /api/v1/teams/:teamId/projects": team("reporter", 200),
  "POST /api/v1/teams/:teamId/projects": team("owner", 201),
  "GET /api/v1/teams/:teamId/projects/:projectId": team("reporter", 200),
  "PATCH /api/v1/teams/:teamId/projects/:projectId": team("member", 200),
  "DELETE /api/v1/teams/:teamId/projects/:projectId": team("owner", 200),
  "POST /api/v1/teams/:teamId/projects/:projectId/widget-key": team("owner", 200),
  "GET /api/v1/teams/:teamId/labels": team("member", 200),
  "POST /api/v1/teams/:teamId/labels": team("member", 201),
  "DELETE /api/v1/teams/:teamId/labels/:labelId": team("member", 200),
  "GET /api/v1/teams/:teamId/feedback": team("reporter", 200),
  "POST /api/v1/teams/:teamId/feedback": team("reporter", 201),
  "GET /api/v1/teams/:teamId/feedback/search": team("reporter", 200),
  "GET /api/v1/teams/:teamId/feedback/:itemId": team("reporter", 200),
  "PATCH /api/v1/teams/:teamId/feedback/:itemId": team("member", 200),
  "DELETE /api/v1/teams/:teamId/feedback/:itemId": team("member", 200),
  "POST /api/v1/teams/:teamId/feedback/:itemId/restore": team("member", 409),
  "GET /api/v1/teams/:teamId/feedback/:itemId/comments": team("member", 200),
  "POST /api/v1/teams/:teamId/feedback/:itemId/comments": team("member", 201),
  "GET /api/v1/teams/:teamId/feedback/:itemId/messages": team("reporter", 200),
  "POST /api/v1/teams/:teamId/feedback/:itemId/messages": team("reporter", 201),
  "GET /api/v1/teams/:teamId/feedback/:itemId/screenshot": team("reporter", 200),
};
