import { loadBuiltAssets } from "../../src/lib/built-assets.ts";
import type { World } from "../support/teams.ts";

/** A request for each route, with team A's ids (or bogus ids where the route needs one that does not exist). */
export type RouteRequest = { method: string; path: string; body?: unknown; headers?: Record<string, string> };

const BOGUS = "AAAAAAAAAAAAAAAAAAAAAA";

/** A built file under `prefix` (npm test builds the assets before the suites run). */
function anyBuiltFile(prefix: string): string {
  const file = [...loadBuiltAssets().keys()].find((path) => path.startsWith(prefix));
  if (!file) throw new Error("the browser code is not built (npm run build:assets)");
  return file;
}
const anyWidgetChunk = () => anyBuiltFile("/widget/");

export function requestFor(route: string, w: World, who: { password: string } | undefined): RouteRequest {
  const a = w.a;
  const T = `/api/v1/teams/${a.team.id}`;
  const I = `${T}/feedback/${a.item.id}`;
  const table: Record<string, RouteRequest> = {
    "GET /healthz": { method: "GET", path: "/healthz" },
    "GET /readyz": { method: "GET", path: "/readyz" },
    "GET /api/openapi.json": { method: "GET", path: "/api/openapi.json" },
    "GET /metrics": { method: "GET", path: "/metrics" },
    "POST /api/v1/auth/login": {
      method: "POST",
      path: "/api/v1/auth/login",
      body: { email: `nobody-${crypto.randomUUID()}@example.test`, password: "not-the-password" },
    },
    "POST /api/v1/auth/mfa": { method: "POST", path: "/api/v1/auth/mfa", body: { challenge: BOGUS, code: "123456" } },
    "POST /api/v1/auth/reauth": {
      method: "POST",
      path: "/api/v1/auth/reauth",
      body: { password: who?.password ?? "whatever-password" },
    },
    "POST /api/v1/auth/logout": { method: "POST", path: "/api/v1/auth/logout", body: {} },
    "GET /api/v1/setup": { method: "GET", path: "/api/v1/setup" },
    "POST /api/v1/setup": {
      method: "POST",
      path: "/api/v1/setup",
      body: { token: BOGUS, email: "x@example.test", displayName: "X", password: "setup-passphrase-x" },
    },
    "POST /api/v1/auth/password-reset/request": {
      method: "POST",
      path: "/api/v1/auth/password-reset/request",
      body: { email: "x@example.test" },
    },
    "POST /api/v1/auth/password-reset/complete": {
      method: "POST",
      path: "/api/v1/auth/password-reset/complete",
      body: { token: BOGUS, newPassword: "reset-passphrase-x" },
    },
    "GET /api/v1/auth/sso/providers": { method: "GET", path: "/api/v1/auth/sso/providers" },
    "POST /api/v1/auth/sso/:providerId/start": { method: "POST", path: `/api/v1/auth/sso/${BOGUS}/start`, body: {} },
    "POST /api/v1/me/sso/:providerId/link": { method: "POST", path: `/api/v1/me/sso/${BOGUS}/link`, body: {} },
    "POST /api/v1/me/sso-links/:linkId/confirm": {
      method: "POST",
      path: `/api/v1/me/sso-links/${BOGUS}/confirm`,
      body: {},
    },
    "GET /api/v1/me/sso": { method: "GET", path: "/api/v1/me/sso" },
    "DELETE /api/v1/me/sso/:identityId": { method: "DELETE", path: `/api/v1/me/sso/${BOGUS}` },
    "GET /api/v1/auth/sso/callback": { method: "GET", path: "/api/v1/auth/sso/callback?code=x&state=y" },
    "GET /api/v1/me": { method: "GET", path: "/api/v1/me" },
    "PATCH /api/v1/me": { method: "PATCH", path: "/api/v1/me", body: { displayName: "Renamed" } },
    "DELETE /api/v1/me": { method: "DELETE", path: "/api/v1/me" },
    "GET /api/v1/me/sessions": { method: "GET", path: "/api/v1/me/sessions" },
    "DELETE /api/v1/me/sessions/:id": { method: "DELETE", path: `/api/v1/me/sessions/${BOGUS}` },
    "POST /api/v1/me/sessions/revoke-others": {
      method: "POST",
      path: "/api/v1/me/sessions/revoke-others",
      body: {},
    },
    "POST /api/v1/me/sessions/revoke-all": { method: "POST", path: "/api/v1/me/sessions/revoke-all", body: {} },
    "GET /api/v1/events": { method: "GET", path: "/api/v1/events", headers: { Accept: "text/event-stream" } },
    "POST /api/v1/me/password": {
      method: "POST",
      path: "/api/v1/me/password",
      body: { newPassword: "matrix-new-passphrase" },
    },
    "POST /api/v1/me/mfa/totp": { method: "POST", path: "/api/v1/me/mfa/totp", body: {} },
    "POST /api/v1/me/mfa/totp/confirm": {
      method: "POST",
      path: "/api/v1/me/mfa/totp/confirm",
      body: { code: "000000" },
    },
    "DELETE /api/v1/me/mfa/totp": { method: "DELETE", path: "/api/v1/me/mfa/totp" },
    "POST /api/v1/me/mfa/recovery-codes": { method: "POST", path: "/api/v1/me/mfa/recovery-codes", body: {} },
    "GET /api/v1/me/tokens": { method: "GET", path: "/api/v1/me/tokens" },
    "POST /api/v1/me/tokens": { method: "POST", path: "/api/v1/me/tokens", body: { name: "matrix", scope: "read" } },
    "DELETE /api/v1/me/tokens/:id": { method: "DELETE", path: `/api/v1/me/tokens/${BOGUS}` },
    "GET /api/v1/instance/users": { method: "GET", path: "/api/v1/instance/users" },
    "POST /api/v1/instance/users/:userId/disable": {
      method: "POST",
      path: `/api/v1/instance/users/${a.reporter.user.id}/disable`,
      body: {},
    },
    "POST /api/v1/instance/users/:userId/enable": {
      method: "POST",
      path: `/api/v1/instance/users/${a.reporter.user.id}/enable`,
      body: {},
    },
    "POST /api/v1/instance/users/:userId/sessions/revoke": {
      method: "POST",
      path: `/api/v1/instance/users/${a.reporter.user.id}/sessions/revoke`,
      body: {},
    },
    "POST /api/v1/instance/users/:userId/mfa/reset": {
      method: "POST",
      path: `/api/v1/instance/users/${a.reporter.user.id}/mfa/reset`,
      body: {},
    },
    "POST /api/v1/instance/users/:userId/password-reset-link": {
      method: "POST",
      path: `/api/v1/instance/users/${a.reporter.user.id}/password-reset-link`,
      body: {},
    },
    "POST /api/v1/instance/users/:userId/password-reset-email": {
      method: "POST",
      path: `/api/v1/instance/users/${a.reporter.user.id}/password-reset-email`,
      body: {},
    },
    "GET /api/v1/instance/health": { method: "GET", path: "/api/v1/instance/health" },
    "GET /api/v1/instance/backups": { method: "GET", path: "/api/v1/instance/backups" },
    "POST /api/v1/instance/backups": { method: "POST", path: "/api/v1/instance/backups", body: {} },
    "GET /api/v1/instance/backups/jobs/:jobId": {
      method: "GET",
      path: "/api/v1/instance/backups/jobs/AAAAAAAAAAAAAAAA",
    },
    "POST /api/v1/instance/backups/:name/verify": {
      method: "POST",
      path: "/api/v1/instance/backups/loupe-20260101T000000Z.age/verify",
      body: {},
    },
    "POST /api/v1/instance/backups/:name/download": {
      method: "POST",
      path: "/api/v1/instance/backups/loupe-20260101T000000Z.age/download",
      body: {},
    },
    "GET /api/v1/instance/backups/:name/download": {
      method: "GET",
      path: "/api/v1/instance/backups/loupe-20260101T000000Z.age/download",
    },
    "GET /api/v1/instance/audit": { method: "GET", path: "/api/v1/instance/audit" },
    "GET /api/v1/instance/audit/verify": { method: "GET", path: "/api/v1/instance/audit/verify" },
    "GET /api/v1/instance/settings": { method: "GET", path: "/api/v1/instance/settings" },
    "PATCH /api/v1/instance/settings": {
      method: "PATCH",
      path: "/api/v1/instance/settings",
      body: { sessionIdleMinutes: 25 },
    },
    "GET /api/v1/instance/sso-providers": { method: "GET", path: "/api/v1/instance/sso-providers" },
    "POST /api/v1/instance/sso-providers": {
      method: "POST",
      path: "/api/v1/instance/sso-providers",
      body: { name: "G", preset: "google", clientId: "c", clientSecret: "s" },
    },
    "PUT /api/v1/instance/sso-providers/:providerId": {
      method: "PUT",
      path: `/api/v1/instance/sso-providers/${BOGUS}`,
      body: { name: "G", preset: "google", clientId: "c" },
    },
    "DELETE /api/v1/instance/sso-providers/:providerId": {
      method: "DELETE",
      path: `/api/v1/instance/sso-providers/${BOGUS}`,
    },
    "GET /api/v1/teams": { method: "GET", path: "/api/v1/teams" },
    "POST /api/v1/teams": { method: "POST", path: "/api/v1/teams", body: { name: "Another team" } },
    "GET /api/v1/teams/:teamId": { method: "GET", path: T },
    "PATCH /api/v1/teams/:teamId": { method: "PATCH", path: T, body: { name: "Renamed team" } },
    "DELETE /api/v1/teams/:teamId": { method: "DELETE", path: T },
    "PATCH /api/v1/teams/:teamId/policy": { method: "PATCH", path: `${T}/policy`, body: { sessionIdleMinutes: 15 } },
    "GET /api/v1/teams/:teamId/members": { method: "GET", path: `${T}/members` },
    "PATCH /api/v1/teams/:teamId/members/:userId": {
      method: "PATCH",
      path: `${T}/members/${a.member.user.id}`,
      body: { role: "reporter" },
    },
    "DELETE /api/v1/teams/:teamId/members/:userId": { method: "DELETE", path: `${T}/members/${a.member.user.id}` },
    "GET /api/v1/teams/:teamId/invitations": { method: "GET", path: `${T}/invitations` },
    "POST /api/v1/teams/:teamId/invitations": {
      method: "POST",
      path: `${T}/invitations`,
      body: { email: "newcomer@example.test", role: "reporter" },
    },
    "DELETE /api/v1/teams/:teamId/invitations/:invitationId": {
      method: "DELETE",
      path: `${T}/invitations/${a.invitation.id}`,
    },
    "POST /api/v1/invitations/preview": {
      method: "POST",
      path: "/api/v1/invitations/preview",
      body: { token: BOGUS },
    },
    "POST /api/v1/invitations/accept": { method: "POST", path: "/api/v1/invitations/accept", body: { token: BOGUS } },
    "POST /api/v1/invitations/register": {
      method: "POST",
      path: "/api/v1/invitations/register",
      body: { token: BOGUS, displayName: "N", password: "register-passphrase" },
    },
    "GET /api/v1/teams/:teamId/support-access": { method: "GET", path: `${T}/support-access` },
    "POST /api/v1/teams/:teamId/support-access": { method: "POST", path: `${T}/support-access`, body: { hours: 2 } },
    "DELETE /api/v1/teams/:teamId/support-access": { method: "DELETE", path: `${T}/support-access` },
    "GET /api/v1/teams/:teamId/audit": { method: "GET", path: `${T}/audit` },
    "GET /api/v1/teams/:teamId/audit/export": { method: "GET", path: `${T}/audit/export?format=csv` },
    "GET /api/v1/teams/:teamId/tokens": { method: "GET", path: `${T}/tokens` },
    "POST /api/v1/teams/:teamId/tokens": {
      method: "POST",
      path: `${T}/tokens`,
      body: { name: "ci", scope: "read", role: "reporter" },
    },
    "DELETE /api/v1/teams/:teamId/tokens/:tokenId": { method: "DELETE", path: `${T}/tokens/${BOGUS}` },
    "GET /api/v1/teams/:teamId/export": { method: "GET", path: `${T}/export` },
    "POST /api/v1/teams/:teamId/privacy/subjects/find": {
      method: "POST",
      path: `${T}/privacy/subjects/find`,
      body: { email: "alpha.pending@example.test" },
    },
    "POST /api/v1/teams/:teamId/privacy/subjects/export": {
      method: "POST",
      path: `${T}/privacy/subjects/export`,
      body: { email: "alpha.pending@example.test" },
    },
    "POST /api/v1/teams/:teamId/privacy/subjects/erase": {
      method: "POST",
      path: `${T}/privacy/subjects/erase`,
      body: { email: "alpha.pending@example.test" },
    },
    "GET /api/v1/teams/:teamId/projects": { method: "GET", path: `${T}/projects` },
    "POST /api/v1/teams/:teamId/projects": { method: "POST", path: `${T}/projects`, body: { name: "New site" } },
    "GET /api/v1/teams/:teamId/projects/:projectId": { method: "GET", path: `${T}/projects/${a.project.id}` },
    "GET /api/v1/teams/:teamId/projects/:projectId/privacy-notice": {
      method: "GET",
      path: `${T}/projects/${a.project.id}/privacy-notice`,
    },
    "PATCH /api/v1/teams/:teamId/projects/:projectId": {
      method: "PATCH",
      path: `${T}/projects/${a.project.id}`,
      body: { name: "alpha site, renamed" },
    },
    "DELETE /api/v1/teams/:teamId/projects/:projectId": { method: "DELETE", path: `${T}/projects/${a.project.id}` },
    "POST /api/v1/teams/:teamId/projects/:projectId/widget-key": {
      method: "POST",
      path: `${T}/projects/${a.project.id}/widget-key`,
      body: {},
    },
    "GET /api/v1/teams/:teamId/labels": { method: "GET", path: `${T}/labels` },
    "POST /api/v1/teams/:teamId/labels": {
      method: "POST",
      path: `${T}/labels`,
      body: { name: "ux", color: "#3366ff" },
    },
    "PATCH /api/v1/teams/:teamId/labels/:labelId": {
      method: "PATCH",
      path: `${T}/labels/${a.label.id}`,
      body: { color: "#112233" },
    },
    "DELETE /api/v1/teams/:teamId/labels/:labelId": { method: "DELETE", path: `${T}/labels/${a.label.id}` },
    "GET /api/v1/teams/:teamId/feedback": { method: "GET", path: `${T}/feedback` },
    "POST /api/v1/teams/:teamId/feedback": {
      method: "POST",
      path: `${T}/feedback`,
      body: { projectId: a.project.id, comment: "New feedback" },
    },
    "GET /widget.js": { method: "GET", path: "/widget.js" },
    "GET /widget/:file": { method: "GET", path: anyWidgetChunk() },
    "GET /admin/:file": { method: "GET", path: anyBuiltFile("/admin/") },
    "GET /": { method: "GET", path: "/" },
    "GET /setup": { method: "GET", path: "/setup" },
    "GET /sign-in": { method: "GET", path: "/sign-in" },
    "GET /reset-password": { method: "GET", path: "/reset-password" },
    "GET /invitation": { method: "GET", path: "/invitation" },
    "GET /account": { method: "GET", path: "/account" },
    "GET /account/:section": { method: "GET", path: "/account/mfa" },
    "GET /projects": { method: "GET", path: "/projects" },
    "GET /projects/:projectId": { method: "GET", path: `/projects/${a.project.id}` },
    "GET /widget-preview": { method: "GET", path: "/widget-preview" },
    "GET /try/:widgetKey": { method: "GET", path: `/try/${a.project.widgetKey}` },
    "GET /team": { method: "GET", path: "/team" },
    "GET /team/:section": { method: "GET", path: "/team/members" },
    "GET /instance": { method: "GET", path: "/instance" },
    "GET /instance/:section": { method: "GET", path: "/instance/users" },
    "GET /api/v1/widget/:widgetKey/config": {
      method: "GET",
      path: `/api/v1/widget/${a.project.widgetKey}/config`,
      headers: { Origin: a.siteOrigin },
    },
    "OPTIONS /api/v1/widget/:widgetKey/feedback": {
      method: "OPTIONS",
      path: `/api/v1/widget/${a.project.widgetKey}/feedback`,
      headers: { Origin: a.siteOrigin, "Access-Control-Request-Method": "POST" },
    },
    "POST /api/v1/widget/:widgetKey/feedback": {
      method: "POST",
      path: `/api/v1/widget/${a.project.widgetKey}/feedback`,
      body: { comment: "From the widget", idempotencyId: crypto.randomUUID().replaceAll("-", "") },
      headers: { Origin: a.siteOrigin },
    },
    "GET /api/v1/teams/:teamId/feedback/search": { method: "GET", path: `${T}/feedback/search?q=title` },
    "POST /api/v1/teams/:teamId/feedback/bulk": {
      method: "POST",
      path: `${T}/feedback/bulk`,
      body: { ids: [a.item.id], status: "closed" },
    },
    "GET /api/v1/feedback": { method: "GET", path: "/api/v1/feedback?status=new" },
    "GET /api/v1/feedback/search": { method: "GET", path: "/api/v1/feedback/search?q=title" },
    "GET /api/v1/teams/:teamId/feedback/:itemId": { method: "GET", path: I },
    "PATCH /api/v1/teams/:teamId/feedback/:itemId": {
      method: "PATCH",
      path: I,
      body: { status: "in_progress" },
      headers: { "If-Match": '"v1"' },
    },
    "DELETE /api/v1/teams/:teamId/feedback/:itemId": { method: "DELETE", path: I },
    "POST /api/v1/teams/:teamId/feedback/:itemId/restore": { method: "POST", path: `${I}/restore`, body: {} },
    "GET /api/v1/teams/:teamId/feedback/:itemId/comments": { method: "GET", path: `${I}/comments` },
    "POST /api/v1/teams/:teamId/feedback/:itemId/comments": {
      method: "POST",
      path: `${I}/comments`,
      body: { body: "internal" },
    },
    "GET /api/v1/teams/:teamId/feedback/:itemId/messages": { method: "GET", path: `${I}/messages` },
    "POST /api/v1/teams/:teamId/feedback/:itemId/messages": {
      method: "POST",
      path: `${I}/messages`,
      body: { body: "to the reporter" },
    },
    "GET /api/v1/teams/:teamId/feedback/:itemId/screenshot": { method: "GET", path: `${I}/screenshot` },
    "GET /api/v1/teams/:teamId/feedback/:itemId/history": { method: "GET", path: `${I}/history` },
  };
  const request = table[route];
  if (!request) throw new Error(`no request for ${route}: add one to test/authz/requests.ts`);
  return request;
}
