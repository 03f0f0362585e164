// A real OpenID Connect provider for Nära's tests: panva's oidc-provider on loopback.
//
// Usage: node provider.mjs '<json>' with
//   {host, clients: [{client_id, client_secret, redirect_uris}], accounts: {login: {claims}},
//    scopes: {scope: [claim, ...]}, faults: {token_clock_skew_s, jwks_mismatch}}
// Prints "listening <issuer>" on stdout once it serves. Logins use oidc-provider's own
// development login form (any password); consent is granted for the registered clients.
//
// Faults (injected into the provider, never into Nära):
//   token_clock_skew_s  the token endpoint signs with a clock this many seconds off
//                       (a negative value issues ID tokens that are already expired)
//   jwks_mismatch       the published JWKS holds another key under the signing key's id
import { generateKeyPairSync } from "node:crypto";
import { createServer } from "node:http";

import Provider from "oidc-provider";

const options = JSON.parse(process.argv[2] ?? "{}");
const host = options.host ?? "127.0.0.1";
const faults = options.faults ?? {};
const accounts = options.accounts ?? {};

function signingKey(kid) {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return { ...privateKey.export({ format: "jwk" }), kid, alg: "RS256", use: "sig" };
}

function publicPart(jwk) {
  const { kty, n, e, kid, alg, use } = jwk;
  return { kty, n, e, kid, alg, use };
}

const key = signingKey("test-key-1");
// A second RSA key only for the test that needs one: key generation is the slow part of a start.
const impostor = faults.jwks_mismatch ? publicPart(signingKey("test-key-1")) : null;

const server = createServer();
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const issuer = `http://${host}:${server.address().port}`;

const claims = { openid: ["sub"], profile: ["name", "given_name", "family_name"], ...options.scopes };

const provider = new Provider(issuer, {
  clients: options.clients ?? [],
  jwks: { keys: [key] },
  claims,
  conformIdTokenClaims: false, // identity claims in the ID token, as Swedish brokers send them
  pkce: { required: () => true },
  features: { devInteractions: { enabled: true } },
  cookies: { keys: ["nara-test-cookie-key"] },
  async findAccount(_ctx, sub) {
    if (!(sub in accounts)) return undefined;
    return { accountId: sub, claims: async () => ({ sub, ...accounts[sub] }) };
  },
  async loadExistingGrant(ctx) {
    const found = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (found) return ctx.oidc.provider.Grant.find(found);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope(Object.keys(claims).join(" "));
    await grant.save();
    return grant;
  },
  renderError(ctx, out) {
    ctx.type = "json";
    ctx.body = out;
  },
});

provider.use(async (ctx, next) => {
  const skew = Number(faults.token_clock_skew_s ?? 0);
  if (skew && ctx.path === "/token") {
    const realNow = Date.now;
    Date.now = () => realNow() + skew * 1000;
    try {
      await next();
    } finally {
      Date.now = realNow;
    }
    return;
  }
  await next();
  if (faults.jwks_mismatch && ctx.path === "/jwks") {
    ctx.body = { keys: [impostor] };
  }
});

server.on("request", provider.callback());
process.on("SIGTERM", () => server.close(() => process.exit(0)));
console.log(`listening ${issuer}`);
