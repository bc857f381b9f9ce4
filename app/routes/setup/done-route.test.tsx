import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { renderApp, setupRealApi } from '@/testing/test-utils';

const api = setupRealApi();

async function putConfig(config: Record<string, unknown>) {
  const response = await fetch(`${window.location.origin}/api/connectors/amocrm/config`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json', 'If-Match': '"0"' },
    body: JSON.stringify({ schemaVersion: 2, connector: 'amocrm', ...config }),
  });
  expect(response.status).toBe(200);
}

const container = (id: string, name: string, statusIds: string[], marker: string | null = null) => ({ id, name, statusIds, marker });

describe('Done step', () => {
  it('opened directly before setup is finished, says what is missing with the way back', async () => {
    await api.current.seedConnectedAccount();
    await putConfig({});
    renderApp('/setup/amocrm/done');
    expect(await screen.findByRole('heading', { name: 'amoCRM is not connected yet' })).toBeInTheDocument();
    const problems = screen.getByRole('region', { name: 'A few things are missing before amoCRM can be connected' });
    expect(within(problems).getByText(/No pipeline is mapped yet\./)).toBeInTheDocument();
    expect(within(problems).getAllByRole('link', { name: 'Fix in Mapping' })[0]).toHaveAttribute('href', '/setup/amocrm/mapping');
    expect(screen.queryByRole('button', { name: 'Finish and connect' })).not.toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Go to Connectors' })).toHaveAttribute('href', '/connectors');
  });

  it('when everything is set up but not activated, offers to finish', async () => {
    await api.current.seedConnectedAccount();
    await putConfig({
      pipelines: [
        {
          pipelineId: '3177727',
          containers: [
            container('a', 'В работе', ['32392156', '32392159', '32392162', '32392165', '32392168']),
            container('b', 'Успех', ['142'], 'completed'),
            container('c', 'Отказ', ['143'], 'refusal'),
          ],
        },
        {
          pipelineId: '3177730',
          containers: [container('d', 'В работе', ['32392200', '32392203']), container('e', 'Успех', ['142'], 'completed'), container('f', 'Отказ', ['143'], 'refusal')],
        },
      ],
    });
    const { user } = renderApp('/setup/amocrm/done');
    await user.click(await screen.findByRole('button', { name: 'Finish and connect' }));
    expect(await screen.findByRole('heading', { name: 'Congratulations — amoCRM is connected.' })).toBeInTheDocument();
    expect(await screen.findByText('No filter: all deals are loaded')).toBeInTheDocument();
    expect(screen.getByText('2 pipelines mapped')).toBeInTheDocument();
    expect(screen.getByText('All custom fields are loaded')).toBeInTheDocument();
  });
});
