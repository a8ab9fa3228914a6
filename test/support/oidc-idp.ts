import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import Provider from "oidc-provider";

/**
 * A real OpenID Provider (the `oidc-provider` package) on 127.0.0.1 — a different site than Loupe
 * on localhost. Its login step signs in whichever account the test chose (`nextLogin`), with the
 * authentication methods (`amr`) the test chose, like a user typing their credentials there.
 */
export type Idp = {
  issuer: string;
  clientId: string;
  clientSecret: string;
  accounts: Map<string, { email: string; email_verified: boolean; name?: string }>;
  nextLogin: { accountId: string; amr: string[] };
  /** Follows the IdP's redirects from an authorization URL until it sends the browser back to `redirectPrefix`. */
  authorize(authorizationUrl: string, redirectPrefix: string): Promise<string>;
  stop(): Promise<void>;
};

export async function startIdp(redirectUri: string): Promise<Idp> {
  let provider: Provider | undefined;
  const idp = { nextLogin: { accountId: "alice", amr: ["pwd"] } } as Idp;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      if (req.url?.startsWith("/interaction/")) {
        const details = await provider!.interactionDetails(req, res);
        const grant = new provider!.Grant({
          accountId: idp.nextLogin.accountId,
          clientId: String(details.params.client_id),
        });
        grant.addOIDCScope("openid email profile");
        grant.addOIDCClaims(["email", "email_verified", "name"]);
        const grantId = await grant.save();
        await provider!.interactionFinished(
          req,
          res,
          { login: { accountId: idp.nextLogin.accountId, amr: idp.nextLogin.amr }, consent: { grantId } },
          { mergeWithLastSubmission: false },
        );
        return;
      }
      provider!.callback()(req, res);
    })().catch((error: unknown) => {
      res.statusCode = 500;
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  const issuer = `http://127.0.0.1:${port}`;
  const accounts = new Map<string, { email: string; email_verified: boolean; name?: string }>();
  provider = new Provider(issuer, {
    clients: [
      {
        client_id: "loupe-test",
        client_secret: "loupe-test-secret-0123456789abcdef",
        redirect_uris: [redirectUri],
        grant_types: ["authorization_code"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_basic",
      },
    ],
    pkce: { required: () => true },
    features: { devInteractions: { enabled: false }, claimsParameter: { enabled: true } },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    claims: {
      amr: null,
      acr: null,
      auth_time: null,
      openid: ["sub"],
      email: ["email", "email_verified"],
      profile: ["name"],
    },
    conformIdTokenClaims: false,
    cookies: { keys: ["a-test-only-cookie-signing-key"] },
    findAccount: async (_ctx: unknown, id: string) => ({
      accountId: id,
      claims: async () => ({ sub: id, ...accounts.get(id) }),
    }),
  } as never);
  Object.assign(idp, {
    issuer,
    clientId: "loupe-test",
    clientSecret: "loupe-test-secret-0123456789abcdef",
    accounts,
    async authorize(authorizationUrl: string, redirectPrefix: string) {
      const jar = new Map<string, string>();
      let url = authorizationUrl;
      for (let hop = 0; hop < 12; hop++) {
        const res = await fetch(url, {
          redirect: "manual",
          headers: { Cookie: [...jar].map(([k, v]) => `${k}=${v}`).join("; ") },
        });
        for (const line of res.headers.getSetCookie()) {
          const [pair] = line.split(";");
          const eq = pair!.indexOf("=");
          jar.set(pair!.slice(0, eq), pair!.slice(eq + 1));
        }
        const location = res.headers.get("Location");
        if (!location) throw new Error(`IdP stopped at ${res.status}: ${(await res.text()).slice(0, 300)}`);
        url = new URL(location, url).href;
        if (url.startsWith(redirectPrefix)) return url;
      }
      throw new Error("too many redirects at the IdP");
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
  return idp;
}
