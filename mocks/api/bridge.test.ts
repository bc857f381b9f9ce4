import { afterEach, describe, expect, it } from 'vitest';

import { crmSchemaSchema, sampleDealsSchema } from '../../app/contracts/crm-schema';

import { createApiBridge, type ApiBridge } from './bridge';

let bridge: ApiBridge | null = null;
afterEach(() => bridge?.close());

async function get(b: ApiBridge, path: string) {
  const id = await b.workspaceId();
  expect(id).not.toBe('');
  // Through the bridge's own handler, as the SPA's fetch would arrive.
  const handler = b.handlers[0]!;
  const result = await handler.run({ request: new Request(`http://localhost:3000${path}`), requestId: 'test' });
  return result?.response ?? null;
}

describe('the API bridge for component tests', () => {
  it('connects the workspace to the sandbox for real, so CRM-backed endpoints answer', async () => {
    bridge = createApiBridge();
    await bridge.connectSandbox();
    const schema = await get(bridge, '/api/connectors/amocrm/schema');
    expect(schema?.status).toBe(200);
    expect(crmSchemaSchema.parse(await schema!.json()).pipelines.length).toBeGreaterThan(1);
    const deals = await get(bridge, '/api/connectors/amocrm/sample-deals');
    expect(deals?.status).toBe(200);
    expect(sampleDealsSchema.parse(await deals!.json()).deals.length).toBeGreaterThan(0);
  });

  it('seeds a cached schema without OAuth', async () => {
    bridge = createApiBridge();
    const seeded = await bridge.seedConnectedAccount();
    const schema = await get(bridge, '/api/connectors/amocrm/schema');
    expect(crmSchemaSchema.parse(await schema!.json()).pipelines.map((p) => p.id)).toEqual(seeded.pipelines.map((p) => p.id));
  });
});
