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

/**
 * The UI talks to the server only through the REST API: same origin, the session cookie, and the
 * custom header the API's CSRF rule asks for on every state-changing request.
 */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`/api/v1${path}`, {
    method,
    credentials: "same-origin",
    headers: {
      "X-Requested-With": "loupe-ui",
      ...(body === undefined ? {} : { "Content-Type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = response.status === 204 ? undefined : await response.json().catch(() => undefined);
  if (!response.ok) throw new ApiError(response.status, (answer as Problem) ?? { code: "NETWORK" });
  return answer as T;
}

/** The message for a field, from a problem naming it. */
export function fieldError(error: unknown, field: string): string | undefined {
  return error instanceof ApiError ? error.problem.errors?.find((e) => e.field === field)?.message : undefined;
}
