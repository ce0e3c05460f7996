/**
 * A bare LTI platform for dynamic registration tests that records every request it receives:
 * its OpenID configuration may claim any issuer (another LMS's, for a takeover attempt) while
 * its endpoints and key set stay its own, and its registration endpoint answers with the
 * client id and deployment id it is told to.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import {
  generatePlatformSigningKey,
  type PlatformSigningKey,
} from '../../src/demo/lms/platform-signing-key.js';

export interface ClaimingPlatform {
  /** Where the platform really is. */
  readonly url: string;
  readonly openIdConfigurationUrl: string;
  readonly registrationToken: string;
  readonly signingKey: PlatformSigningKey;
  /** Every request received, as `METHOD /path`, oldest first. */
  readonly requests: string[];
  close(): Promise<void>;
}

export async function startClaimingPlatform(claims: {
  issuer?: string;
  clientId: string;
  deploymentId: string;
}): Promise<ClaimingPlatform> {
  const app = express();
  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const signingKey = await generatePlatformSigningKey();
  const requests: string[] = [];
  app.use((req, _res, next) => {
    requests.push(`${req.method} ${req.path}`);
    next();
  });
  app.get('/.well-known/openid-configuration', (_req, res) => {
    res.json({
      issuer: claims.issuer ?? url,
      authorization_endpoint: `${url}/auth`,
      token_endpoint: `${url}/token`,
      jwks_uri: `${url}/jwks`,
      registration_endpoint: `${url}/registrations`,
    });
  });
  app.get('/jwks', (_req, res) => {
    res.json({ keys: [signingKey.publicJwk] });
  });
  app.post('/registrations', express.json(), (req, res) => {
    res.json({
      ...(req.body as object),
      client_id: claims.clientId,
      'https://purl.imsglobal.org/spec/lti-tool-configuration': {
        deployment_id: claims.deploymentId,
      },
    });
  });
  return {
    url,
    openIdConfigurationUrl: `${url}/.well-known/openid-configuration`,
    registrationToken: 'claiming-platform-registration-token',
    signingKey,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
