import { and, asc, desc, eq, isNull } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import { signingKeys } from '../db/schema.js';

type IssuerKeyAlgorithm = 'Ed25519' | 'ES256';

function keysOf(issuerProfileId: string, algorithm: IssuerKeyAlgorithm) {
  return and(
    eq(signingKeys.purpose, 'issuer'),
    eq(signingKeys.algorithm, algorithm),
    eq(signingKeys.issuerProfileId, issuerProfileId),
  );
}

/** Every key of one algorithm an issuer profile ever had, oldest first, retired ones included. */
export function issuerKeyRows(
  db: Executor,
  issuerProfileId: string,
  algorithm: IssuerKeyAlgorithm,
) {
  return db
    .select()
    .from(signingKeys)
    .where(keysOf(issuerProfileId, algorithm))
    .orderBy(asc(signingKeys.createdAt), asc(signingKeys.kid));
}

/** The newest live key of one algorithm of an issuer profile, if it has one. */
export async function currentIssuerKeyRow(
  db: Executor,
  issuerProfileId: string,
  algorithm: IssuerKeyAlgorithm,
) {
  const [row] = await db
    .select()
    .from(signingKeys)
    .where(and(keysOf(issuerProfileId, algorithm), isNull(signingKeys.retiredAt)))
    .orderBy(desc(signingKeys.createdAt), desc(signingKeys.kid))
    .limit(1);
  return row;
}
