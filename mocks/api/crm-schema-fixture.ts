import type { CrmSchema } from '../../app/contracts/crm-schema';

/**
 * A normalized CRM schema for component tests (the shape `GET /api/connectors/amocrm/schema`
 * returns), shaped like the reference guide's account. Seeded into the API's schema cache by
 * `seedConnectedAccount`, so tests need no OAuth round trip.
 */
export const TEST_ACCOUNT = { id: '31234567', domain: 'demo.amocrm.ru', name: 'Демо' } as const;

export function buildTestCrmSchema(overrides: Partial<CrmSchema> = {}): CrmSchema {
  return {
    account: { ...TEST_ACCOUNT },
    pipelines: [
      {
        id: '3177727',
        name: 'Продажи',
        sort: 1,
        isMain: true,
        isArchive: false,
        statuses: [
          { id: '32392156', name: 'Неразобранное', sort: 10, color: '#c1c1c1', kind: 'unsorted' },
          { id: '32392159', name: 'Проработка заявки', sort: 20, color: '#99ccff', kind: 'regular' },
          { id: '32392162', name: 'Расчет КП', sort: 30, color: '#ffcc66', kind: 'regular' },
          { id: '32392165', name: 'Согласование договора', sort: 40, color: '#ffff99', kind: 'regular' },
          { id: '32392168', name: 'Акты по лицензиям выставлены', sort: 50, color: '#deff81', kind: 'regular' },
          { id: '142', name: 'Успешно реализовано', sort: 10000, color: '#CCFF66', kind: 'won' },
          { id: '143', name: 'Закрыто и не реализовано', sort: 11000, color: '#D5D8DB', kind: 'lost' },
        ],
      },
      {
        id: '3177730',
        name: 'Повторные продажи',
        sort: 2,
        isMain: false,
        isArchive: false,
        statuses: [
          { id: '32392200', name: 'Неразобранное', sort: 10, color: '#c1c1c1', kind: 'unsorted' },
          { id: '32392203', name: 'Предложение отправлено', sort: 20, color: '#c1e0ff', kind: 'regular' },
          { id: '142', name: 'Успешно реализовано', sort: 10000, color: '#CCFF66', kind: 'won' },
          { id: '143', name: 'Закрыто и не реализовано', sort: 11000, color: '#D5D8DB', kind: 'lost' },
        ],
      },
    ],
    customFields: [
      { id: '1016236', name: 'LANDING', code: 'LANDING', type: 'text', enums: null, isNumeric: false, isTracking: false },
      { id: '1016240', name: 'Себестоимость', code: null, type: 'monetary', enums: null, isNumeric: true, isTracking: false },
      { id: '1016244', name: 'Количество лицензий', code: null, type: 'numeric', enums: null, isNumeric: true, isTracking: false },
      { id: '1016248', name: 'CID Яндекс.Метрики', code: null, type: 'text', enums: null, isNumeric: false, isTracking: false },
      {
        id: '1016252',
        name: 'Тип клиента',
        code: null,
        type: 'select',
        enums: [
          { id: '867968', value: 'Новый' },
          { id: '867970', value: 'VIP' },
        ],
        isNumeric: false,
        isTracking: false,
      },
      { id: '316923', name: 'utm_source', code: 'UTM_SOURCE', type: 'tracking_data', enums: null, isNumeric: false, isTracking: true },
      { id: '316925', name: 'utm_medium', code: 'UTM_MEDIUM', type: 'tracking_data', enums: null, isNumeric: false, isTracking: true },
    ],
    filterParameters: [
      { key: 'LANDING', name: 'LANDING', group: 'custom' },
      { key: 'UTM_SOURCE', name: 'utm_source', group: 'tracking' },
      { key: 'UTM_MEDIUM', name: 'utm_medium', group: 'tracking' },
      { key: 'cf:1016248', name: 'CID Яндекс.Метрики', group: 'custom' },
      { key: 'cf:1016252', name: 'Тип клиента', group: 'custom' },
    ],
    fetchedAt: '2026-11-01T10:00:00.000Z',
    ...overrides,
  };
}
