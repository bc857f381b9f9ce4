import { findActivationProblems } from '@/contracts/activation';
import type { ConnectorSummary } from '@/contracts/connector';
import type { CrmSchema } from '@/contracts/crm-schema';
import type { ConfigEnvelope } from '@/contracts/mapping-config';
import { STEP_IDS, type StepId } from '@/stores/wizard-store';

export { STEP_IDS, type StepId };

export type StepStatus = 'done' | 'todo' | 'optional' | 'locked';

export const OPTIONAL_STEPS: ReadonlySet<StepId> = new Set<StepId>(['filter', 'calculation']);

export function isStepId(value: string | undefined): value is StepId {
  return (STEP_IDS as readonly string[]).includes(value ?? '');
}

export function stepPath(connector: string, step: StepId, search = ''): string {
  return `/setup/${connector}/${step}${search}`;
}

export interface WizardData {
  summary: ConnectorSummary | undefined;
  envelope: ConfigEnvelope | null | undefined;
  schema: CrmSchema | undefined;
}

/**
 * Each step's status, derived from what is saved (never stored): authorization from the
 * stored access, the optional steps from their sections, mapping from the same rules the
 * API checks on activation, done from the connector's state.
 */
export function deriveStepStatuses({ summary, envelope, schema }: WizardData): Record<StepId, StepStatus> {
  const authorized = Boolean(summary?.hasAccess);
  const config = envelope?.config;
  const locked = (status: StepStatus): StepStatus => (authorized ? status : 'locked');
  const mappingProblems = config
    ? findActivationProblems(config, schema ?? null).filter(
        (problem) => problem.pointer.startsWith('/pipelines') || problem.pointer.startsWith('/customFields'),
      )
    : [{ pointer: '/pipelines' }];
  return {
    authorize: authorized ? 'done' : 'todo',
    filter: locked(config && config.filter.conditions.length > 0 ? 'done' : 'optional'),
    mapping: locked(schema && mappingProblems.length === 0 ? 'done' : 'todo'),
    calculation: locked(config && config.calculatedFields.length > 0 ? 'done' : 'optional'),
    done: locked(summary?.state === 'connected' ? 'done' : 'todo'),
  };
}

/** Where a wizard opened without a step should start: the remembered step, else the first unfinished one. */
export function resumeStep(statuses: Record<StepId, StepStatus>, remembered: StepId | undefined): StepId {
  if (statuses.authorize !== 'done') return 'authorize';
  if (remembered && statuses[remembered] !== 'locked') return remembered;
  if (statuses.mapping !== 'done') return statuses.filter === 'done' ? 'mapping' : 'filter';
  return statuses.done === 'done' ? 'done' : 'calculation';
}
