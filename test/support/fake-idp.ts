import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from "jose";

/**
 * A stand-in OpenID Provider for the negative cases: it serves discovery (with an issuer the test
 * may falsify), a JWKS, and a token endpoint that returns whatever ID token the test crafted —
 * signed with jose, correctly or not. It records each token request.
 */
export type FakeIdp = {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The issuer written into the discovery document (normally the real one). */
  metadataIssuer: string;
  /** Builds the ID token of the next token response. */
  nextIdToken: () => Promise<string>;
  tokenRequests: URLSearchParams[];
  /** How many times the discovery document was fetched. */
  discoveryRequests: number;
  sign(
    claims: JWTPayload,
    options?: { alg?: string; kid?: string; key?: "rsa" | "public-as-hmac" | "other-rsa" },
  ): Promise<string>;
  validClaims(nonce: string): JWTPayload;
  stop(): void;
};

export async function startFakeIdp(): Promise<FakeIdp> {
  const rsa = await generateKeyPair("RS256", { extractable: true });
  const otherRsa = await generateKeyPair("RS256", { extractable: true });
  const jwk = { ...(await exportJWK(rsa.publicKey)), kid: "k1", alg: "RS256", use: "sig" };
  const fake = {
    clientId: "fake-client",
    clientSecret: "fake-client-secret-0123456789",
    tokenRequests: [] as URLSearchParams[],
    discoveryRequests: 0,
  } as FakeIdp;
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      const url = new URL(req.url);
      if (url.pathname === "/.well-known/openid-configuration") {
        fake.discoveryRequests++;
        return Response.json({
          issuer: fake.metadataIssuer,
          authorization_endpoint: `${fake.issuer}/authorize`,
          token_endpoint: `${fake.issuer}/token`,
          jwks_uri: `${fake.issuer}/jwks`,
          response_types_supported: ["code"],
          subject_types_supported: ["public"],
          id_token_signing_alg_values_supported: ["RS256"],
          code_challenge_methods_supported: ["S256"],
        });
      }
      if (url.pathname === "/jwks") return Response.json({ keys: [jwk] });
      if (url.pathname === "/token" && req.method === "POST") {
        fake.tokenRequests.push(new URLSearchParams(await req.text()));
        return Response.json({
          access_token: "fake-access-token",
          token_type: "Bearer",
          expires_in: 300,
          id_token: await fake.nextIdToken(),
        });
      }
      return new Response("not found", { status: 404 });
    },
  });
  fake.issuer = `http://127.0.0.1:${server.port}`;
  fake.metadataIssuer = fake.issuer;
  fake.validClaims = (nonce) => {
    const now = Math.floor(Date.now() / 1000);
    return {
      iss: fake.issuer,
      aud: fake.clientId,
      sub: "fake-subject",
      nonce,
      iat: now,
      exp: now + 300,
      email: "fake.user@corp.example",
      email_verified: true,
    };
  };
  fake.sign = async (claims, options = {}) => {
    const alg = options.alg ?? "RS256";
    const header = { alg, kid: options.kid ?? "k1", typ: "JWT" };
    if (options.key === "public-as-hmac") {
      const secret = new TextEncoder().encode(JSON.stringify(jwk));
      return new SignJWT(claims).setProtectedHeader({ ...header, alg: "HS256" }).sign(secret);
    }
    return new SignJWT(claims)
      .setProtectedHeader(header)
      .sign(options.key === "other-rsa" ? otherRsa.privateKey : rsa.privateKey);
  };
  fake.nextIdToken = async () => "";
  fake.stop = () => void server.stop(true);
  return fake;
}
