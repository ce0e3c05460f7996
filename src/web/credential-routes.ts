import { eq } from 'drizzle-orm';
import express, { type Router } from 'express';
import type { Db } from '../db/database.js';
import { awards } from '../db/schema.js';
import { NotFoundError } from '../errors.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Public credential documents: `GET /credentials/:id` answers the signed credential JSON. */
export function createCredentialRouter(deps: { db: Db }): Router {
  const router = express.Router();
  router.get('/credentials/:id', async (req, res) => {
    const id = req.params.id.replace(/\.json$/, '');
    const [award] = UUID.test(id)
      ? await deps.db
          .select({ credential: awards.credential })
          .from(awards)
          .where(eq(awards.id, id))
      : [];
    if (!award) throw new NotFoundError(`No credential with id ${id} was issued here.`);
    res.type('application/vc+ld+json').json(award.credential);
  });
  return router;
}
