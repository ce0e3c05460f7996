import { eq, or, sql } from 'drizzle-orm';
import type { Executor, Tx } from '../db/database.js';
import { issuerProfiles } from '../db/schema.js';
import { BadRequestError } from '../errors.js';

/** An awarding body as a registration names it: an existing issuer profile, or a new one. */
export type AwardingBodyChoice =
  | { readonly issuerProfileId: string; readonly name: string; readonly isNew: false }
  | { readonly issuerProfileId: null; readonly name: string; readonly isNew: true };

/**
 * The awarding body `nameOrId` names: the issuer profile whose id is `nameOrId`, else the one
 * whose name is exactly `nameOrId`; when none is, a new body of that name is to be created.
 * Only this exact naming links a registration to an existing body and its signing keys.
 * Throws BadRequestError when the name is empty or several bodies carry it.
 */
export async function chooseAwardingBody(
  executor: Executor,
  nameOrId: string,
): Promise<AwardingBodyChoice> {
  const wanted = nameOrId.trim();
  if (!wanted || wanted.length > 200) {
    throw new BadRequestError(
      'awardingBody must be the id or name of the awarding body (1 to 200 characters)',
    );
  }
  const found = await executor
    .select({ id: issuerProfiles.id, name: issuerProfiles.name })
    .from(issuerProfiles)
    .where(or(eq(issuerProfiles.id, wanted), eq(issuerProfiles.name, wanted)));
  const byId = found.find((profile) => profile.id === wanted);
  if (byId) return { issuerProfileId: byId.id, name: byId.name, isNew: false };
  if (found.length > 1) {
    throw new BadRequestError(
      `Several awarding bodies are named "${wanted}": give the id of one (${found.map((profile) => profile.id).join(', ')}).`,
    );
  }
  const [byName] = found;
  if (byName) return { issuerProfileId: byName.id, name: byName.name, isNew: false };
  return { issuerProfileId: null, name: wanted, isNew: true };
}

/** Serialises the choosing and creating of awarding bodies of one name (see awardingBodyIdFor). */
const AWARDING_BODY_LOCK = 4_242_102;

/**
 * The id of the awarding body `nameOrId` names (chooseAwardingBody), created when none is.
 * Registrations naming the same new body at the same moment get one body: the transaction
 * holds a lock on the name until it commits, and the next one, let through then, finds it.
 */
export async function awardingBodyIdFor(tx: Tx, nameOrId: string): Promise<string> {
  await tx.execute(
    sql`select pg_advisory_xact_lock(${AWARDING_BODY_LOCK}, hashtext(${nameOrId.trim()}))`,
  );
  const choice = await chooseAwardingBody(tx, nameOrId);
  return choice.issuerProfileId ?? createAwardingBody(tx, choice.name);
}

/**
 * Creates the issuer profile of a new awarding body named `name`, with an id of its own (the
 * name in kebab-case, numbered when that id is taken): its signing keys will be its own.
 * Returns the id.
 */
async function createAwardingBody(executor: Executor, name: string): Promise<string> {
  const base = slugify(name);
  for (let number = 1; ; number += 1) {
    const id = number === 1 ? base : `${base}-${number}`;
    const [created] = await executor
      .insert(issuerProfiles)
      .values({ id, name })
      .onConflictDoNothing()
      .returning({ id: issuerProfiles.id });
    if (created) return created.id;
  }
}

function slugify(text: string): string {
  const slug = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return slug || 'awarding-body';
}
