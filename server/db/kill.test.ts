import { randomBytes } from 'node:crypto';

import { afterEach, describe, expect, it } from 'vitest';

import { configEnvelopeSchema, mappingConfigSchema, type MappingConfig } from '../../app/contracts/mapping-config';
import { ProcessBrowser, startServerProcess, type ServerProcess } from '../testing/server-process';
import { freePort, makeTempDir } from '../testing/test-server';

/**
 * The product server killed with SIGKILL in the middle of a stream of saves (no shutdown, no
 * flush: what a crash or an OOM kill does), then started again on the same data: every save it
 * acknowledged is there, the database opens clean, and saving goes on from the stored version.
 * SQLite (the default), in the `node` project.
 */

const running: ServerProcess[] = [];
const temps: Array<() => void> = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.stop('SIGKILL')));
  for (const cleanup of temps.splice(0)) cleanup();
});

/** A draft that names its save: its Other fields are the save's number. */
const draft = (n: number): MappingConfig =>
  mappingConfigSchema.parse({ schemaVersion: 2, connector: 'amocrm', customFields: { otherFields: [String(n)] } });

describe('killed while saving', () => {
  it('loses no acknowledged save: after SIGKILL and a restart the stored version is the last one acknowledged, with its content', async () => {
    const temp = makeTempDir();
    temps.push(temp.cleanup);
    const port = await freePort();
    const env = {
      DATA_DIR: temp.dir,
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      SESSION_SECRET: randomBytes(32).toString('base64'),
      TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
      AMOCRM_CLIENT_ID: 'real-integration-id',
      AMOCRM_CLIENT_SECRET: 'real-secret',
      LOG_LEVEL: 'error',
    };
    const first = startServerProcess(port, env);
    running.push(first);
    await first.ready();
    const browser = new ProcessBrowser(env.PUBLIC_URL);

    // Saves one after another (each with the version the last one answered) until the process dies.
    let acknowledged = 0;
    let killed = false;
    const stream = (async () => {
      for (let n = 1; ; n += 1) {
        // Acknowledged = its whole answer arrived; a connection that dies with the process, before
        // or during the answer, is not.
        const answer = await browser
          .request(first, '/api/connectors/amocrm/config', { method: 'PUT', json: draft(n), headers: { 'If-Match': `"${acknowledged}"` } })
          .then(async (response) => ({ status: response.status, text: await response.text() }))
          .catch(() => null);
        if (!answer) return;
        if (answer.status !== 200) throw new Error(`save ${n} answered ${answer.status}: ${answer.text}`);
        acknowledged = configEnvelopeSchema.parse(JSON.parse(answer.text)).version;
        if (acknowledged === 30 && !killed) {
          // A moment later, while the next saves are on their way.
          killed = true;
          setTimeout(() => first.process.kill('SIGKILL'), 20);
        }
      }
    })();
    await stream;
    await first.stop('SIGKILL');
    expect(acknowledged).toBeGreaterThanOrEqual(30);

    const second = startServerProcess(port, env);
    running.push(second);
    await second.ready();
    const stored = await browser.request(second, '/api/connectors/amocrm/config');
    expect(stored.status).toBe(200);
    const envelope = configEnvelopeSchema.parse(await stored.json());
    // The last acknowledged save is stored; one sent as the process died may be there too, never less.
    expect(envelope.version).toBeGreaterThanOrEqual(acknowledged);
    expect(envelope.version).toBeLessThanOrEqual(acknowledged + 1);
    expect(envelope.config.customFields.otherFields).toEqual([String(envelope.version)]);
    // Saving goes on from there.
    const next = await browser.request(second, '/api/connectors/amocrm/config', {
      method: 'PUT',
      json: draft(envelope.version + 1),
      headers: { 'If-Match': `"${envelope.version}"` },
    });
    expect(next.status).toBe(200);
    expect(configEnvelopeSchema.parse(await next.json()).version).toBe(envelope.version + 1);
  }, 60_000);
});
