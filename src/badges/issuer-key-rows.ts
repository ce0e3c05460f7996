import { and, asc, desc, eq, isNull } from 'drizzle-orm';
import type { Db, Executor } from '../db/database.js';
import { issuerProfiles, signingKeys } from '../db/schema.js';
import { NotFoundError } from '../errors.js';

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

/**
 * The newest live key of one algorithm of an issuer profile, created with `newRow` first when
 * it has none. Creation is serialised on the profile row, so racing callers make one key.
 * Throws NotFoundError for an unknown profile.
 */
export async function ensureIssuerKeyRow(
  db: Db,
  issuerProfileId: string,
  algorithm: IssuerKeyAlgorithm,
  newRow: () => Promise<typeof signingKeys.$inferInsert>,
) {
  const live = await currentIssuerKeyRow(db, issuerProfileId, algorithm);
  if (live) return live;
  await db.transaction(async (tx) => {
    const [profile] = await tx
      .select({ id: issuerProfiles.id })
      .from(issuerProfiles)
      .where(eq(issuerProfiles.id, issuerProfileId))
      .for('update');
    if (!profile) throw new NotFoundError(`Issuer profile "${issuerProfileId}" does not exist`);
    if (await currentIssuerKeyRow(tx, issuerProfileId, algorithm)) return;
    await tx.insert(signingKeys).values(await newRow());
  });
  const created = await currentIssuerKeyRow(db, issuerProfileId, algorithm);
  if (!created) throw new Error(`The ${algorithm} key vanished after it was created`);
  return created;
}
