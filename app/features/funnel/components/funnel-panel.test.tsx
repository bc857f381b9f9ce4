import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import type { PipelineFunnel } from '@/contracts/deals';
import type { PipelineMapping } from '@/contracts/mapping-config';
import { renderWithProviders } from '@/testing/test-utils';

import { funnelFormats } from '../model/format';

import { FunnelPanel } from './funnel-panel';

const board: PipelineMapping = {
  pipelineId: 'p1',
  containers: [
    { id: 'c-new', name: 'Новые', statusIds: ['1'], marker: null },
    { id: 'c-work', name: 'В работе', statusIds: ['2', '3'], marker: null },
    { id: 'c-won', name: 'Успешно', statusIds: ['142'], marker: 'completed' },
    { id: 'c-lost', name: 'Отказ', statusIds: ['143'], marker: 'refusal' },
  ],
};

const figures: PipelineFunnel = {
  pipelineId: 'p1',
  totals: { deals: 1300, matched: 1250, won: 200, lost: 400, returned: 0, paused: 0, open: 640, unmapped: 10, salesVolume: 1234567, returnedVolume: 0 },
  containers: [
    { containerId: 'c-new', kind: 'stage', reached: 1240, current: 300, conversionToNext: 0.5 },
    { containerId: 'c-work', kind: 'stage', reached: 620, current: 340, conversionToNext: 200 / 620 },
    { containerId: 'c-won', kind: 'stage', reached: 200, current: 200 },
    { containerId: 'c-lost', kind: 'outcome', current: 400 },
  ],
};

function renderPanel(language: 'en' | 'ru', props: Partial<Parameters<typeof FunnelPanel>[0]> = {}) {
  return renderWithProviders(<FunnelPanel pipelineName="Продажи" board={board} figures={figures} formats={funnelFormats(language, 'RUB')} {...props} />, { language });
}

describe('FunnelPanel', () => {
  it('is a table of stages with reached deals and conversion to the next, in the UI language', () => {
    renderPanel('en');
    const panel = screen.getByRole('region', { name: 'Funnel preview' });
    const stages = within(panel).getByRole('table', { name: 'Funnel of Продажи under this mapping' });
    const rows = within(stages).getAllByRole('row').slice(1);
    expect(rows.map((row) => within(row).getAllByRole('cell').map((cell) => cell.textContent))).toEqual([
      ['1,240', '50%'],
      ['620', '32.3%'],
      ['200', ''],
    ]);
    expect(rows.map((row) => within(row).getByRole('rowheader').textContent)).toEqual(['Новые', 'В работе', 'Успешно']);
    expect(within(panel).getByRole('rowheader', { name: 'Отказ' }).closest('tr')).toHaveTextContent('400');
    expect(within(panel).getByText('1,250 of 1,300')).toBeInTheDocument();
    expect(within(panel).getByText('₽1,234,567')).toBeInTheDocument();
    expect(within(panel).getByText('10 deals are in statuses no container holds: they are left out.')).toBeInTheDocument();
  });

  it('speaks Russian with Russian number and currency formats', () => {
    renderPanel('ru');
    const panel = screen.getByRole('region', { name: 'Предпросмотр воронки' });
    expect(within(panel).getByRole('table', { name: 'Воронка «Продажи» при этом сопоставлении' })).toBeInTheDocument();
    // Intl writes Russian thousands with a narrow no-break space and the rouble sign after the number.
    expect(within(panel).getByText((text) => text.replace(/\s/g, ' ') === '1 234 567 ₽')).toBeInTheDocument();
    expect(within(panel).getByText((text) => text.replace(/\s/g, ' ') === '32,3 %')).toBeInTheDocument();
    expect(within(panel).getByText('10 сделок в статусах, которых нет ни в одном контейнере: они не учитываются.')).toBeInTheDocument();
  });

  it('draws each stage bar in proportion to the widest stage, hidden from screen readers', () => {
    renderPanel('en');
    const bars = screen.getAllByRole('rowheader').slice(0, 3).map((header) => header.querySelector('[aria-hidden="true"] > span') as HTMLElement);
    expect(bars.map((bar) => bar.style.width)).toEqual(['100%', '50%', `${(200 / 1240) * 100}%`]);
  });

  it('says so when the pipeline has no deals, and shows no figures before the deals load', () => {
    const empty: PipelineFunnel = { ...figures, totals: { ...figures.totals, deals: 0, matched: 0, won: 0, lost: 0, open: 0, unmapped: 0, salesVolume: 0 } };
    const { unmount } = renderPanel('en', { figures: empty });
    expect(screen.getByText('No deals in this pipeline yet.')).toBeInTheDocument();
    unmount();
    renderPanel('en', { figures: null, status: <p>Loading deals from amoCRM: 120</p> });
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
    expect(screen.getByText('Loading deals from amoCRM: 120')).toBeInTheDocument();
  });
});
