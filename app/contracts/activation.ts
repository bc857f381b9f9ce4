import type { CrmSchema } from './crm-schema';
import { checkFormula, type FormulaError } from './formula';
import { VALUE_OPERATORS, type MappingConfig, type Marker } from './mapping-config';
import type { FieldError } from './problem';

/** Markers every pipeline must carry before the connector can be activated. */
export const REQUIRED_MARKERS: readonly Marker[] = ['completed', 'refusal'];

export function describeFormulaError(error: FormulaError): string {
  const at = `at position ${error.position + 1}`;
  switch (error.code) {
    case 'empty':
      return 'The expression is empty';
    case 'unexpected_character':
      return `Unexpected character "${error.text ?? ''}" ${at}`;
    case 'unexpected_token':
      return `Unexpected "${error.text ?? ''}" ${at}`;
    case 'unexpected_end':
      return 'The expression ends too early';
    case 'unclosed_parenthesis':
      return `The parenthesis ${at} is never closed`;
    case 'bad_field_reference':
      return `"${error.text ?? ''}" is not a field reference`;
    case 'unknown_field':
      return `The field ${error.text ?? ''} does not exist in the CRM`;
    case 'non_numeric_field':
      return `The field ${error.text ?? ''} is not numeric`;
    case 'division_by_zero':
      return `Division by zero ${at}`;
    case 'too_long':
      return 'The expression is too long';
  }
}

/**
 * Everything that stops a saved draft from being activated (beyond the structural rules
 * that `mappingConfigSchema` enforces on every save). With the CRM's schema it also checks
 * that every id refers to what the CRM really has and that every status is mapped.
 * `crm: null` checks only what needs no CRM (the SPA before the schema has loaded); the API
 * never activates that way: with stored access it always passes the CRM's schema.
 */
export function findActivationProblems(config: MappingConfig, crm: CrmSchema | null): FieldError[] {
  const problems: FieldError[] = [];
  const add = (pointer: string, code: string, message: string) => problems.push({ pointer, code, message });

  if (!config.account) add('/account', 'not_authorized', 'Authorize access to the CRM first');
  if (crm && config.account && crm.account.id !== config.account.id) {
    add('/account/id', 'account_mismatch', 'The configuration belongs to another CRM account');
  }

  config.filter.conditions.forEach((condition, i) => {
    if (VALUE_OPERATORS.includes(condition.operator) && condition.value.trim() === '') {
      add(`/filter/conditions/${i}/value`, 'value_required', `Enter a value for the condition on ${condition.field}`);
    }
    if (crm && !crm.filterParameters.some((parameter) => parameter.key === condition.field)) {
      add(`/filter/conditions/${i}/field`, 'unknown_parameter', `The parameter ${condition.field} does not exist in the CRM`);
    }
  });

  const crmPipelines = new Map(crm?.pipelines.map((pipeline) => [pipeline.id, pipeline]));
  if (config.pipelines.length === 0) add('/pipelines', 'no_pipelines', 'Map the statuses of at least one pipeline');

  config.pipelines.forEach((mapping, p) => {
    const at = `/pipelines/${p}`;
    const crmPipeline = crmPipelines.get(mapping.pipelineId);
    if (crm && !crmPipeline) {
      add(`${at}/pipelineId`, 'unknown_pipeline', `Pipeline ${mapping.pipelineId} no longer exists in the CRM`);
    }
    if (mapping.containers.length === 0) add(`${at}/containers`, 'no_containers', 'Add at least one container');
    const crmStatusIds = new Set(crmPipeline?.statuses.map((status) => status.id));
    const mapped = new Set<string>();
    mapping.containers.forEach((container, c) => {
      if (container.statusIds.length === 0) {
        add(`${at}/containers/${c}/statusIds`, 'empty_container', `Container "${container.name}" has no statuses`);
      }
      container.statusIds.forEach((statusId, s) => {
        mapped.add(statusId);
        if (crmPipeline && !crmStatusIds.has(statusId)) {
          add(`${at}/containers/${c}/statusIds/${s}`, 'unknown_status', `Status ${statusId} no longer exists in the CRM`);
        }
      });
    });
    for (const marker of REQUIRED_MARKERS) {
      if (!mapping.containers.some((container) => container.marker === marker)) {
        add(`${at}/containers`, `missing_marker_${marker}`, `Set the "${marker}" marker on one container`);
      }
    }
    const unmapped = crmPipeline?.statuses.filter((status) => !mapped.has(status.id)) ?? [];
    if (unmapped.length > 0) {
      add(
        `${at}/containers`,
        'unmapped_statuses',
        `Statuses not in any container: ${unmapped.map((status) => status.name).join(', ')}`,
      );
    }
  });

  if (crm) {
    const mappedPipelines = new Set(config.pipelines.map((mapping) => mapping.pipelineId));
    for (const pipeline of crm.pipelines) {
      if (!pipeline.isArchive && !mappedPipelines.has(pipeline.id)) {
        add('/pipelines', 'unmapped_pipeline', `Pipeline "${pipeline.name}" is not mapped yet`);
      }
    }
    const fields = new Map(crm.customFields.map((field) => [field.id, field]));
    config.customFields.otherFields.forEach((fieldId, i) => {
      const field = fields.get(fieldId);
      if (!field) add(`/customFields/otherFields/${i}`, 'unknown_field', `Field ${fieldId} no longer exists in the CRM`);
      else if (field.isTracking) {
        add(`/customFields/otherFields/${i}`, 'tracking_field', `${field.name} is always transferred and cannot be chosen`);
      }
    });
  }

  config.calculatedFields.forEach((field, i) => {
    const result = checkFormula(
      field.expression,
      crm ? crm.customFields : [],
    );
    // Without the CRM's schema only the syntax can be checked.
    if (!result.ok && (crm || !['unknown_field', 'non_numeric_field'].includes(result.error.code))) {
      add(`/calculatedFields/${i}/expression`, `formula_${result.error.code}`, describeFormulaError(result.error));
    }
  });

  return problems;
}
