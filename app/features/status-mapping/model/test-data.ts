import type { CrmStatus } from '@/contracts/crm-schema';
import type { Container } from '@/contracts/mapping-config';

import type { Board } from './board';

/** Builders shared by the model's tests. */
export function status(id: number | string, name: string, kind: CrmStatus['kind'] = 'regular', sort = Number(id)): CrmStatus {
  return { id: String(id), name, sort, color: '#99ccff', kind };
}

/** A small amoCRM-like pipeline, in CRM order. */
export const STATUSES: CrmStatus[] = [
  status(10, 'Incoming', 'unsorted', 10),
  status(11, 'First contact', 'regular', 20),
  status(12, 'Negotiation', 'regular', 30),
  status(13, 'Decision', 'regular', 40),
  status(142, 'Successfully realized', 'won', 10000),
  status(143, 'Closed and not realized', 'lost', 11000),
];

export function container(id: string, statusIds: string[] = [], overrides: Partial<Container> = {}): Container {
  return { id, name: `Stage ${id}`, statusIds, marker: null, ...overrides };
}

export function board(...containers: Container[]): Board {
  return { containers };
}

/** An id factory that yields id-1, id-2, … */
export function sequentialIds(prefix = 'id'): () => string {
  let n = 0;
  return () => `${prefix}-${++n}`;
}
