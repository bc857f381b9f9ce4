import type { CrmSchema } from '@/contracts/crm-schema';
import type { MappingConfig } from '@/contracts/mapping-config';
import type { FieldError } from '@/contracts/problem';

/** The wizard step that fixes a problem, from where its JSON pointer points. */
export type FixStep = 'authorize' | 'filter' | 'mapping' | 'calculation';

export function fixStepFor(pointer: string): FixStep {
  if (pointer.startsWith('/account')) return 'authorize';
  if (pointer.startsWith('/filter')) return 'filter';
  if (pointer.startsWith('/calculatedFields')) return 'calculation';
  return 'mapping';
}

/** Problem codes with their own message in `wizard.activationProblems.<code>`. */
export const KNOWN_PROBLEM_CODES = [
  'not_authorized',
  'account_mismatch',
  'value_required',
  'unknown_parameter',
  'no_pipelines',
  'unknown_pipeline',
  'no_containers',
  'empty_container',
  'unknown_status',
  'missing_marker_completed',
  'missing_marker_refusal',
  'unmapped_statuses',
  'unmapped_pipeline',
  'unknown_field',
  'tracking_field',
  'formula',
] as const;

export interface DescribedProblem {
  key: string;
  /** Message key under `wizard.activationProblems`, or null to show the server's own message. */
  messageKey: (typeof KNOWN_PROBLEM_CODES)[number] | null;
  params: Record<string, string | number>;
  fallback: string;
  step: FixStep;
}

const indexAt = (parts: string[], name: string): number | null => {
  const at = parts.indexOf(name);
  const value = at >= 0 ? parts[at + 1] : undefined;
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : null;
};

/**
 * Turns the activation problems (the API's 422 `config_incomplete` errors, or the same
 * rules run in the browser) into messages that name things — pipelines, containers,
 * statuses, fields — in the UI's language, each with the step that fixes it.
 */
export function describeProblems(problems: readonly FieldError[], config: MappingConfig, schema: CrmSchema | null | undefined): DescribedProblem[] {
  const unmappedPipelines = (schema?.pipelines ?? []).filter(
    (pipeline) => !pipeline.isArchive && !config.pipelines.some((mapping) => mapping.pipelineId === pipeline.id),
  );
  let unmappedSeen = 0;
  return problems.map((problem, index) => {
    const parts = problem.pointer.split('/').slice(1);
    const p = indexAt(parts, 'pipelines');
    const c = indexAt(parts, 'containers');
    const mapping = p === null ? undefined : config.pipelines[p];
    const crmPipeline = schema?.pipelines.find((pipeline) => pipeline.id === mapping?.pipelineId);
    const container = c === null ? undefined : mapping?.containers[c];
    const params: Record<string, string | number> = {
      pipeline: crmPipeline?.name ?? mapping?.pipelineId ?? '',
      container: container?.name ?? '',
    };
    const code = problem.code ?? '';
    let messageKey: DescribedProblem['messageKey'] = (KNOWN_PROBLEM_CODES as readonly string[]).includes(code)
      ? (code as DescribedProblem['messageKey'])
      : null;

    if (code === 'value_required' || code === 'unknown_parameter') {
      const i = indexAt(parts, 'conditions');
      const field = i === null ? undefined : config.filter.conditions[i]?.field;
      params.parameter = schema?.filterParameters.find((parameter) => parameter.key === field)?.name ?? field ?? '';
      params.index = (i ?? 0) + 1;
    }
    if (code === 'unmapped_statuses' && mapping) {
      const mapped = new Set(mapping.containers.flatMap((item) => item.statusIds));
      const names = crmPipeline?.statuses.filter((status) => !mapped.has(status.id)).map((status) => status.name) ?? [];
      params.statuses = names.join(', ');
      params.count = names.length;
    }
    if (code === 'unmapped_pipeline') {
      const pipeline = unmappedPipelines[unmappedSeen];
      unmappedSeen += 1;
      if (pipeline) params.pipeline = pipeline.name;
      else messageKey = null;
    }
    if (code === 'unknown_status') {
      const s = indexAt(parts, 'statusIds');
      params.status = (s === null ? undefined : container?.statusIds[s]) ?? '';
    }
    if (code === 'unknown_field' || code === 'tracking_field') {
      const i = indexAt(parts, 'otherFields');
      const id = i === null ? undefined : config.customFields.otherFields[i];
      params.field = schema?.customFields.find((field) => field.id === id)?.name ?? id ?? '';
    }
    if (code.startsWith('formula_')) {
      const i = indexAt(parts, 'calculatedFields');
      params.field = (i === null ? undefined : config.calculatedFields[i]?.name) ?? '';
      messageKey = 'formula';
    }
    return { key: `${problem.pointer}#${code}#${index}`, messageKey, params, fallback: problem.message, step: fixStepFor(problem.pointer) };
  });
}
