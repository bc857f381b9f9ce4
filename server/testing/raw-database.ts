import fs from 'node:fs';
import path from 'node:path';

import Database from 'better-sqlite3';
import pg from 'pg';

import { testDatabaseUrl, testSchemaOf } from './test-database';
import type { TestServer } from './test-server';

/**
 * A test server's database read with a connection of the test's own, past the repository:
 * the SQLite file in its data directory, or (the `postgres` project) its PostgreSQL schema.
 * For tests that check what is really stored (a count of rows, no token at rest).
 */

/** Rows of one query; `?` placeholders in both databases. */
export async function rawRows<T>(server: Pick<TestServer, 'dataDir'>, sql: string, params: unknown[] = []): Promise<T[]> {
  const url = testDatabaseUrl();
  if (!url) {
    const db = new Database(path.join(server.dataDir, 'hub-connect.sqlite'), { readonly: true });
    try {
      return db.prepare(sql).all(...params) as T[];
    } finally {
      db.close();
    }
  }
  let n = 0;
  const numbered = sql.replace(/\?/g, () => `$${(n += 1)}`);
  return withClient(url, server.dataDir, async (client) => (await client.query(numbered, params)).rows as T[]);
}

/** Everything stored, as text: the SQLite files' bytes, or every row of every table of the schema. */
export async function rawContents(server: Pick<TestServer, 'dataDir'>): Promise<string> {
  const url = testDatabaseUrl();
  if (!url) {
    return fs
      .readdirSync(server.dataDir)
      .filter((file) => file.startsWith('hub-connect.sqlite'))
      .map((file) => fs.readFileSync(path.join(server.dataDir, file)).toString('latin1'))
      .join('\n');
  }
  return withClient(url, server.dataDir, async (client) => {
    const tables = await client.query<{ name: string }>("SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema()");
    const dumps: string[] = [];
    for (const { name } of tables.rows) {
      const rows = await client.query<{ row: string }>(`SELECT t::text AS row FROM "${name}" t`);
      dumps.push(...rows.rows.map((row) => row.row));
    }
    return dumps.join('\n');
  });
}

async function withClient<T>(url: string, dataDir: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const schema = testSchemaOf(dataDir);
  if (!schema) throw new Error(`No PostgreSQL schema for ${dataDir}: the test server has not opened its database`);
  const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
