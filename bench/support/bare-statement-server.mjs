/**
 * The memory baseline of bench/memory.ts: the least a Node process storing xAPI statements does.
 * node:http, answers /health, and for POST /xapi/statements parses the JSON body and INSERTs it
 * with pg (DATABASE_URL, a table of its own) before answering the id. Plain JavaScript, run with
 * node alone: PORT, DATABASE_URL.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
await pool.query(
  'create table if not exists bench_bare_statements (id uuid primary key, statement jsonb not null)',
);
const server = http.createServer((request, response) => {
  if (request.url === '/health') {
    response.end('ok');
    return;
  }
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    const statement = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    const id = statement.id ?? randomUUID();
    pool
      .query('insert into bench_bare_statements (id, statement) values ($1, $2)', [
        id,
        JSON.stringify(statement),
      ])
      .then(
        () => response.setHeader('Content-Type', 'application/json').end(JSON.stringify([id])),
        (error) => response.writeHead(500).end(String(error)),
      );
  });
});
server.listen(Number(process.env.PORT));
process.once('SIGTERM', () => {
  server.close();
  void pool.end();
});
