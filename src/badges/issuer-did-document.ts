import { eq } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import { issuerProfiles } from '../db/schema.js';
import type { DidResolver } from './document-loader.js';
import { buildDidDocument, issuerDid, parseIssuerDid } from './did-web.js';
import type { DidDocument } from './did-web.js';
import { listIssuerJwtKeys } from './issuer-jwt-keys.js';
import { listIssuerPublicKeys } from './issuer-keys.js';

/**
 * The DID document of an issuer profile as the tool publishes it, with every key the profile
 * ever had (see buildDidDocument), or null when the profile does not exist.
 */
export async function loadIssuerDidDocument(options: {
  db: Executor;
  publicUrl: string;
  issuerProfileId: string;
}): Promise<DidDocument | null> {
  const { db, publicUrl, issuerProfileId } = options;
  const [profile] = await db
    .select({ id: issuerProfiles.id })
    .from(issuerProfiles)
    .where(eq(issuerProfiles.id, issuerProfileId));
  if (!profile) return null;
  const keys = await listIssuerPublicKeys({ db, issuerProfileId });
  const jwtKeys = await listIssuerJwtKeys({ db, issuerProfileId });
  return buildDidDocument({ did: issuerDid(publicUrl, profile.id), keys, jwtKeys });
}

/**
 * Resolves our own issuer DIDs from the database, for createDocumentLoader. Any other DID,
 * including another host's did:web, resolves to null: we never fetch DID documents.
 */
export function createIssuerDidResolver(options: { db: Executor; publicUrl: string }): DidResolver {
  const { db, publicUrl } = options;
  return async (did) => {
    const issuerProfileId = parseIssuerDid(publicUrl, did);
    if (issuerProfileId === null) return null;
    return loadIssuerDidDocument({ db, publicUrl, issuerProfileId });
  };
}
