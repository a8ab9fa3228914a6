import { navigate } from "./router.ts";

/** A problem+json answer: `errors` name the fields. */
export type Problem = { code: string; detail?: string; errors?: { field: string; message: string }[] };

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem,
  ) {
    super(problem.detail ?? problem.code);
  }
}

/** Requests under way (see `api`: a request refused while another renewed the session is sent again). */
const underway = new Set<Promise<Response>>();

function send(method: string, path: string, body: unknown): Promise<Response> {
  const request = fetch(`/api/v1${path}`, {
    method,
    credentials: "same-origin",
    headers: {
      "X-Requested-With": "loupe-ui",
      ...(body === undefined ? {} : { "Content-Type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  underway.add(request);
  const done = () => void underway.delete(request);
  request.then(done, done);
  return request;
}

/**
 * The UI talks to the server only through the REST API: same origin, the session cookie, and the
 * custom header the API's CSRF rule asks for on every state-changing request.
 *
 * Re-authenticating, or changing the password or two-factor, gives this browser a new session and
 * ends the old one. A request sent with the old cookie while another renewed it is refused (401,
 * before anything is done): once the requests under way have answered, the browser holds the new
 * cookie, and that request is sent once more. A second refusal is a session really lost.
 */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  let response = await send(method, path, body);
  let answer = response.status === 204 ? undefined : await response.json().catch(() => undefined);
  if (response.status === 401 && (answer as Problem | undefined)?.code === "UNAUTHENTICATED" && !isPublicPage()) {
    await Promise.allSettled([...underway]);
    response = await send(method, path, body);
    answer = response.status === 204 ? undefined : await response.json().catch(() => undefined);
  }
  if (!response.ok) {
    const problem = (answer as Problem) ?? { code: "NETWORK" };
    sessionLost(problem.code);
    throw new ApiError(response.status, problem);
  }
  return answer as T;
}

/** The message for a field, from a problem naming it. */
export function fieldError(error: unknown, field: string): string | undefined {
  return error instanceof ApiError ? error.problem.errors?.find((e) => e.field === field)?.message : undefined;
}

/** Pages a signed-out person uses: a 401 there is the answer itself, not a lost session. */
const PUBLIC_PAGES = ["/sign-in", "/setup", "/reset-password", "/invitation"];

const isPublicPage = () => PUBLIC_PAGES.includes(location.pathname);

/**
 * A session that ended (signed out elsewhere, revoked, idle or absolute deadline) sends the person to
 * sign-in, and back to this page and view afterwards; enrolment still pending sends them to enrol.
 */
function sessionLost(code: string): void {
  if (isPublicPage()) return;
  const here = location.pathname + location.search;
  if (code === "UNAUTHENTICATED" || code === "TEAM_SESSION_IDLE") navigate(`/sign-in?next=${encodeURIComponent(here)}`);
  else if (code === "MFA_ENROLMENT_REQUIRED" && location.pathname !== "/account/mfa") navigate("/account/mfa");
}
