import { QueryClientProvider } from '@tanstack/react-query';
import { renderHook, waitFor } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import type { ReactNode } from 'react';
import { describe, expect, it } from 'vitest';

import type { ConfigEnvelope } from '@/contracts/mapping-config';
import { createQueryClient } from '@/lib/query-client';
import { mswServer, setupRealApi } from '@/testing/test-utils';

import { configKeys, connectorConfigQueryOptions, useSaveConfig } from './connector-config';

const api = setupRealApi();
const CONFIG_URL = `${window.location.origin}/api/connectors/amocrm/config`;

async function seedDraft() {
  await api.current.seedConnectedAccount();
  const response = await fetch(CONFIG_URL, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json', 'If-Match': '"0"' },
    body: JSON.stringify({ schemaVersion: 2, connector: 'amocrm' }),
  });
  expect(response.status).toBe(200);
}

async function serverEnvelope() {
  return (await (await fetch(CONFIG_URL)).json()) as ConfigEnvelope;
}

function renderSave() {
  const queryClient = createQueryClient();
  const wrapper = ({ children }: { children: ReactNode }) => <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>;
  const { result } = renderHook(() => ({ first: useSaveConfig('amocrm'), second: useSaveConfig('amocrm') }), { wrapper });
  const cached = () => queryClient.getQueryData<ConfigEnvelope | null>(configKeys.detail('amocrm'));
  return { queryClient, result, cached };
}

const failure = () =>
  HttpResponse.json(
    { type: 'about:blank', title: 'Internal Server Error', status: 500, code: 'internal_error', detail: 'Boom' },
    { status: 500, headers: { 'Content-Type': 'application/problem+json' } },
  );

/** The first PUT waits until released (then reaches the real API); every later one fails. */
function holdFirstPutThenFail() {
  let release = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  let puts = 0;
  mswServer.use(
    http.put(CONFIG_URL, async () => {
      puts += 1;
      if (puts > 1) return failure();
      await gate;
      return undefined;
    }),
  );
  return { release, puts: () => puts };
}

const condition = { field: 'LANDING', action: 'include', operator: 'equals', value: 'site-42' } as const;
const calculated = { id: 'c1', name: 'Margin', expression: '{price} * 2' };

describe('useSaveConfig', () => {
  it('a queued save that fails after an earlier one succeeded leaves the saved result in the cache, not an outdated guess', async () => {
    await seedDraft();
    const { queryClient, result, cached } = renderSave();
    await queryClient.fetchQuery(connectorConfigQueryOptions('amocrm'));
    expect(cached()?.version).toBe(1);
    const gate = holdFirstPutThenFail();

    const first = result.current.first.mutateAsync((config) => ({ ...config, filter: { match: 'all', conditions: [condition] } }));
    await waitFor(() => expect(gate.puts()).toBe(1));
    // Queued while the first is in flight: the envelope it replaces is the first save's guess (version 1).
    const second = result.current.second.mutateAsync((config) => ({ ...config, calculatedFields: [calculated] }));
    await waitFor(() => expect(cached()?.config.calculatedFields).toEqual([calculated]));
    gate.release();

    await expect(first).resolves.toMatchObject({ version: 2 });
    await expect(second).rejects.toMatchObject({ status: 500 });
    const saved = await serverEnvelope();
    expect(saved).toMatchObject({ version: 2, config: { filter: { conditions: [condition] }, calculatedFields: [] } });
    // The cache ends where the server is: version 2 with the first change, without the failed one.
    expect(cached()).toEqual(saved);
  });

  it('a save is built on what the server confirmed, never on a queued save’s optimistic guess', async () => {
    await seedDraft();
    const { queryClient, result, cached } = renderSave();
    await queryClient.fetchQuery(connectorConfigQueryOptions('amocrm'));
    const gate = holdFirstPutThenFail();

    // Both are made before the first one is sent: the second one's guess is already in the cache.
    const first = result.current.first.mutateAsync((config) => ({ ...config, filter: { match: 'all', conditions: [condition] } }));
    const second = result.current.second.mutateAsync((config) => ({ ...config, calculatedFields: [calculated] }));
    await waitFor(() => expect(gate.puts()).toBe(1));
    gate.release();

    await expect(first).resolves.toMatchObject({ version: 2 });
    await expect(second).rejects.toMatchObject({ status: 500 });
    // The failed change was never sent along with the first one.
    const saved = await serverEnvelope();
    expect(saved).toMatchObject({ version: 2, config: { filter: { conditions: [condition] }, calculatedFields: [] } });
    expect(cached()).toEqual(saved);
  });

  it('a lone failed save puts back the envelope it replaced', async () => {
    await seedDraft();
    const { queryClient, result, cached } = renderSave();
    const before = await queryClient.fetchQuery(connectorConfigQueryOptions('amocrm'));
    mswServer.use(http.put(CONFIG_URL, failure));

    await expect(result.current.first.mutateAsync((config) => ({ ...config, calculatedFields: [calculated] }))).rejects.toMatchObject({ status: 500 });
    expect(cached()).toEqual(before);
  });
});
