/** A sign-in provider as the sign-in page may show it: its id and name, nothing else. */
export type SignInProvider = { id: string; name: string };

/** Sends the browser to a provider (the API's answer; only ever an http(s) address). */
export function goToProvider(authorizationUrl: string): void {
  if (/^https?:\/\//i.test(authorizationUrl)) location.assign(authorizationUrl);
}
