import { readFileSync } from 'node:fs';
import { verifyCredential } from '@digitalcredentials/verifier-core';
import { MockAgent, getGlobalDispatcher, setGlobalDispatcher } from 'undici';

type VerificationResponse = Awaited<ReturnType<typeof verifyCredential>>;
type VerifiableCredential = Parameters<typeof verifyCredential>[0]['credential'];

const OB_ACHIEVEMENT_SCHEMA_URL =
  'https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json';

type IssuedCredential = {
  '@context': unknown[];
  issuer: { id: string };
  credentialSchema?: { id: string }[];
  credentialStatus?: { statusListCredential: string };
};

/**
 * Verifies a credential the way Learner Credential Wallet 2.2 does (app/lib/validate.ts): with
 * @digitalcredentials/verifier-core, its own document loader and did:web driver. Offline: an
 * undici MockAgent stands in for the network and answers only what the tool publishes, read
 * from the tool beforehand. The did:web driver asks `https://<host>/<path>/did.json`, which gets
 * the tool's own `/issuers/:id/did.json` answer; our context, schema and status list get the
 * tool's answers at their URLs; the official OB 3.0 schema comes from the copy in
 * src/badges/schemas. Any other request fails, and with it the verification.
 * No issuer registry is given, so `registered_issuer` stays false.
 */
export async function verifyLikeLcw(
  toolUrl: string,
  credential: Record<string, unknown>,
): Promise<VerificationResponse> {
  const issued = credential as unknown as IssuedCredential;
  const published = new Map<string, unknown>();
  const [, , host = '', ...segments] = issued.issuer.id.split(':');
  const didPath = `/${segments.join('/')}/did.json`;
  published.set(
    `https://${decodeURIComponent(host)}${didPath}`,
    await fetchJson(toolUrl + didPath),
  );
  const toolUrls = [
    ...issued['@context'].filter((context): context is string => typeof context === 'string'),
    ...(issued.credentialSchema ?? []).map((schema) => schema.id),
    ...(issued.credentialStatus ? [issued.credentialStatus.statusListCredential] : []),
  ].filter((url) => url.startsWith(`${toolUrl}/`));
  for (const url of toolUrls) published.set(url, await fetchJson(url));
  const schemaFile = new URL(
    '../../../src/badges/schemas/ob_v3p0_achievementcredential_schema.json',
    import.meta.url,
  );
  published.set(OB_ACHIEVEMENT_SCHEMA_URL, JSON.parse(readFileSync(schemaFile, 'utf8')));

  const network = new MockAgent();
  network.disableNetConnect();
  for (const [url, document] of published) {
    const { origin, pathname, search } = new URL(url);
    network
      .get(origin)
      .intercept({ path: pathname + search, method: 'GET' })
      .reply(200, JSON.stringify(document), { headers: { 'content-type': 'application/json' } })
      .persist();
  }
  const previous = getGlobalDispatcher();
  setGlobalDispatcher(network);
  try {
    return await verifyCredential({
      credential: credential as unknown as VerifiableCredential,
      knownDIDRegistries: [],
    });
  } finally {
    setGlobalDispatcher(previous);
    await network.close();
  }
}

/** Each check of a verification log by its id: `valid_signature`, `revocation_status`, ... */
export function checksOf(result: VerificationResponse): Record<string, boolean | undefined> {
  return Object.fromEntries((result.log ?? []).map((step) => [step.id, step.valid]));
}

async function fetchJson(url: string): Promise<unknown> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return response.json();
}
