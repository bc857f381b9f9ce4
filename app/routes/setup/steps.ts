import { findActivationProblems } from '@/contracts/activation';
import type { ConnectorSummary } from '@/contracts/connector';
import type { CrmSchema } from '@/contracts/crm-schema';
import type { ConfigEnvelope } from '@/contracts/mapping-config';
import { STEP_IDS, type StepId } from '@/stores/wizard-store';

export { STEP_IDS, type StepId };

export type StepStatus = 'done' | 'todo' | 'optional' | 'locked';

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
 * stored access, done from the connector's state, and the other steps from the same rules
 * the API checks on activation — an optional step is done only when it holds something
 * and all of it is complete (every condition has its value, every expression is valid
 * against the CRM's fields), so a half-filled draft never shows a check mark.
 */
export function deriveStepStatuses({ summary, envelope, schema }: WizardData): Record<StepId, StepStatus> {
  const authorized = Boolean(summary?.hasAccess);
  const config = envelope?.config;
  const locked = (status: StepStatus): StepStatus => (authorized ? status : 'locked');
  const problems = config ? findActivationProblems(config, schema ?? null).map((problem) => problem.pointer) : null;
  const clean = (...sections: string[]) => problems !== null && !problems.some((pointer) => sections.some((section) => pointer.startsWith(section)));
  const filterDone = Boolean(config && config.filter.conditions.length > 0) && clean('/filter/');
  const mappingDone = Boolean(schema) && clean('/pipelines', '/customFields');
  // Expressions can only be checked against the CRM's fields once they are known.
  const calculationDone = Boolean(schema && config && config.calculatedFields.length > 0) && clean('/calculatedFields/');
  return {
    authorize: authorized ? 'done' : 'todo',
    filter: locked(filterDone ? 'done' : 'optional'),
    mapping: locked(mappingDone ? 'done' : 'todo'),
    calculation: locked(calculationDone ? 'done' : 'optional'),
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
