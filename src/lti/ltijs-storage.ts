import { and, eq, gt, lt, sql } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import type { Db } from '../db/database.js';
import { decryptText, encryptText } from '../db/encryption.js';
import { ltijsRecords, signingKeys } from '../db/schema.js';
import type { PendingRegistration } from './dynamic-registration.js';
import { launchPrechecks } from './launch/launch-prechecks.js';
import { findRegisteredPlatforms } from './registered-platforms.js';
import { publicKeyPemFromJwk, type ToolKeyring } from './tool-key.js';

/**
 * Our storage plugin for ltijs 5.9 (the `database.plugin` option of `Provider.setup`), on the
 * tool's own database instead of MongoDB. ltijs never documented the contract; this is the one
 * its code relies on:
 *
 * - `setup()` / `Close()`: open and close; the database belongs to the app, so both are no-ops.
 * - `Get(encryptionKey, collection, query?)`: every record of `collection` whose fields equal
 *   those of `query` (all records without one), or `false` when there are none. Records stored
 *   encrypted come back decrypted, with `createdAt` in epoch milliseconds.
 * - `Insert(encryptionKey, collection, item, index?)`: add a record; with an encryption key the
 *   item is stored sealed and only `index` stays queryable.
 * - `Replace(encryptionKey, collection, query, item, index?)`: remove the records matching
 *   `query` and insert `item`, atomically (an upsert).
 * - `Modify(encryptionKey, collection, query, modification)`: merge fields into matching records.
 * - `Delete(collection, query)`: remove matching records.
 *
 * Collections and where they live:
 * - `platform`: read from our `platforms` table (active registrations only, through
 *   findRegisteredPlatforms, which keeps them a minute); platforms are
 *   registered through microcred (CLI, admin API, dynamic registration), never through ltijs,
 *   so writes are refused. Every platform signs with the tool's current key, whose kid is the
 *   one ltijs puts in client assertions. During a launch microcred has prechecked, the platform
 *   comes with the id_token's signing key (RSA_KEY) instead of its key set URL (JWK_SET), so
 *   ltijs does not fetch the key set again (see launch/launch-prechecks.ts).
 * - `platformStatus`: registrations that reach ltijs are active (inactive ones are not listed).
 * - `publickey` / `privatekey`: the tool keys from `signing_keys`; read only.
 * - `nonce`, `state`, `accesstoken`: `ltijs_records`, each with the lifetime below; expired
 *   records are invisible and removed by `deleteExpired()`. The nonce of a launch microcred
 *   checks itself is not kept twice (see `isNonceCheckedByTool`).
 * - `idtoken`, `contexttoken`: not kept. ltijs writes both at every launch for its `ltik`
 *   sessions, which "ltiaas" mode (ours: microcred opens its own session) never reads; keeping
 *   them would cost eight database round trips per launch for nothing.
 *
 * Beside the plugin contract it keeps dynamic registrations waiting for the administrator's
 * choices (`pendingregistration`).
 */
export class LtijsStorage {
  readonly #db: Db;
  readonly #secret: string;
  readonly #keyring: ToolKeyring;

  constructor(options: { db: Db; secret: string; keyring: ToolKeyring }) {
    this.#db = options.db;
    this.#secret = options.secret;
    this.#keyring = options.keyring;
  }

  async setup(): Promise<boolean> {
    return true;
  }

  async Close(): Promise<boolean> {
    return true;
  }

  async Get(encryptionKey: unknown, collection: string, query?: Query): Promise<Item[] | false> {
    if (isNonceCheckedByTool(collection, query)) return false;
    const rows = await this.#read(collection, query ?? {}, Boolean(encryptionKey));
    return rows.length === 0 ? false : rows;
  }

  async Insert(encryptionKey: unknown, collection: string, item: Item, index?: Query) {
    if (NOT_KEPT.has(collection) || isNonceCheckedByTool(collection, item)) return true;
    const lifetime = recordLifetimeSeconds(collection);
    await this.#db
      .insert(ltijsRecords)
      .values(this.#toRecord(collection, lifetime, item, encryptionKey ? index : undefined));
    return true;
  }

  async Replace(
    encryptionKey: unknown,
    collection: string,
    query: Query,
    item: Item,
    index?: Query,
  ) {
    if (NOT_KEPT.has(collection)) return true;
    const lifetime = recordLifetimeSeconds(collection);
    await this.#db.transaction(async (tx) => {
      await tx.delete(ltijsRecords).where(matches(collection, query));
      await tx
        .insert(ltijsRecords)
        .values(this.#toRecord(collection, lifetime, item, encryptionKey ? index : undefined));
    });
    return true;
  }

  async Modify(encryptionKey: unknown, collection: string, query: Query, modification: Item) {
    if (NOT_KEPT.has(collection)) return true;
    recordLifetimeSeconds(collection);
    if (encryptionKey) throw new TypeError(`ltijs asked to modify sealed ${collection} records`);
    await this.#db
      .update(ltijsRecords)
      .set({ data: sql`${ltijsRecords.data} || ${JSON.stringify(modification)}::jsonb` })
      .where(matches(collection, query));
    return true;
  }

  async Delete(collection: string, query: Query) {
    if (NOT_KEPT.has(collection)) return true;
    recordLifetimeSeconds(collection);
    await this.#db.delete(ltijsRecords).where(matches(collection, query));
    return true;
  }

  /** Keeps a dynamic registration waiting for the administrator's choices; returns its id. */
  async holdPendingRegistration(pending: PendingRegistration): Promise<string> {
    const id = randomUUID();
    await this.Insert(false, PENDING_REGISTRATION, { id, ...pending });
    return id;
  }

  /** The pending registration with this id, once; null when unknown, taken or expired. */
  async takePendingRegistration(id: string): Promise<PendingRegistration | null> {
    const [deleted] = await this.#db
      .delete(ltijsRecords)
      .where(and(matches(PENDING_REGISTRATION, { id }), gt(ltijsRecords.expiresAt, new Date())))
      .returning({ data: ltijsRecords.data });
    if (!deleted) return null;
    const { invitationId, openIdConfigurationUrl, registrationToken } =
      deleted.data as unknown as PendingRegistration;
    return { invitationId, openIdConfigurationUrl, registrationToken };
  }

  /** Removes records past their lifetime; returns how many. */
  async deleteExpired(now: Date = new Date()): Promise<number> {
    const deleted = await this.#db
      .delete(ltijsRecords)
      .where(lt(ltijsRecords.expiresAt, now))
      .returning({ id: ltijsRecords.id });
    return deleted.length;
  }

  async #read(collection: string, query: Query, isSealed: boolean): Promise<Item[]> {
    switch (collection) {
      case 'platform':
        return this.#readPlatforms(query);
      case 'platformStatus':
        return [{ id: query.id, active: true }];
      case 'publickey':
      case 'privatekey':
        return this.#readToolKeys(collection, query);
      default: {
        if (NOT_KEPT.has(collection)) return [];
        recordLifetimeSeconds(collection);
        const rows = await this.#db
          .select()
          .from(ltijsRecords)
          .where(and(matches(collection, query), gt(ltijsRecords.expiresAt, new Date())));
        return rows.map((row) => {
          if (!isSealed) return row.data;
          const item = JSON.parse(decryptText(String(row.data.sealed), this.#secret)) as Item;
          return { ...item, createdAt: row.createdAt.getTime() };
        });
      }
    }
  }

  async #readPlatforms(query: Query): Promise<Item[]> {
    if (typeof query.platformUrl !== 'string') return [];
    const { clientId } = query;
    const rows = await findRegisteredPlatforms(
      this.#db,
      query.platformUrl,
      (platform) =>
        platform.isActive && (typeof clientId !== 'string' || platform.clientId === clientId),
    );
    const { kid } = await this.#keyring.current();
    const prechecks = launchPrechecks.getStore();
    return rows.map((row) => ({
      platformName: row.name,
      platformUrl: row.issuer,
      clientId: row.clientId,
      authEndpoint: row.authUrl,
      accesstokenEndpoint: row.tokenUrl,
      authorizationServer: row.tokenAudience ?? row.tokenUrl,
      kid,
      authConfig:
        prechecks?.jwksUrl === row.jwksUrl
          ? { method: 'RSA_KEY', key: prechecks.signingKey }
          : { method: 'JWK_SET', key: row.jwksUrl },
    }));
  }

  async #readToolKeys(collection: 'publickey' | 'privatekey', query: Query): Promise<Item[]> {
    const rows = await this.#db.select().from(signingKeys).where(eq(signingKeys.purpose, 'lti'));
    return rows
      .filter((row) => query.kid === undefined || row.kid === query.kid)
      .map((row) => ({
        kid: row.kid,
        key:
          collection === 'privatekey'
            ? decryptText(row.privateKeyEncrypted, this.#secret)
            : publicKeyPemFromJwk(row.publicJwk),
      }));
  }

  #toRecord(collection: string, lifetimeSeconds: number, item: Item, index: Query | undefined) {
    const data = index
      ? { ...index, sealed: encryptText(JSON.stringify(item), this.#secret) }
      : item;
    return {
      collection,
      data,
      expiresAt: new Date(Date.now() + lifetimeSeconds * 1000),
    };
  }
}

type Item = Record<string, unknown>;
type Query = Record<string, unknown>;
/**
 * ltijs checks an id_token's nonce was not received before and records it; for a launch whose
 * nonce microcred checks and consumes itself when recording it (issued by this tool with this
 * state, once), both are redundant.
 */
function isNonceCheckedByTool(collection: string, query: Query | undefined): boolean {
  return (
    collection === 'nonce' &&
    query?.nonce !== undefined &&
    query.nonce === launchPrechecks.getStore()?.nonce
  );
}

const NOT_KEPT = new Set(['idtoken', 'contexttoken']);
const PENDING_REGISTRATION = 'pendingregistration';

/** How long ltijs may find each kind of record, as ltijs's own MongoDB TTL indexes had it. */
const RECORD_LIFETIME_SECONDS: Record<string, number> = {
  // ltijs keeps nonces 10 s; we keep them as long as any id_token could still be accepted.
  nonce: 3600,
  state: 600,
  [PENDING_REGISTRATION]: 1800,
  accesstoken: 3600,
};

function recordLifetimeSeconds(collection: string): number {
  const lifetime = RECORD_LIFETIME_SECONDS[collection];
  if (lifetime === undefined) {
    throw new TypeError(`ltijs collection "${collection}" is not stored by microcred's plugin`);
  }
  return lifetime;
}

function matches(collection: string, query: Query) {
  return and(
    eq(ltijsRecords.collection, collection),
    sql`${ltijsRecords.data} @> ${JSON.stringify(query)}::jsonb`,
  );
}
