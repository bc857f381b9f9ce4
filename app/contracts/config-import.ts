import type { ConnectorId } from './connector';
import {
  EXPORT_FORMAT,
  exportNamesSchema,
  type ExportNames,
  type ImportMisfit,
  type ImportPreview,
} from './config-transfer';
import { filterParameterFieldIds, type CrmCustomField, type CrmPipeline, type CrmSchema, type CrmStatus } from './crm-schema';
import { parseFieldRef } from './formula';
import {
  mappingConfigSchema,
  SCHEMA_VERSION,
  storedMappingConfigSchema,
  type Container,
  type FilterCondition,
  type MappingConfig,
  type PipelineMapping,
} from './mapping-config';
import { toJsonPointer, type FieldError } from './problem';

/**
 * Importing a configuration file into this account: reading the file (`readImportFile`) and
 * matching it against this account's CRM schema (`matchImportedConfig`). Pure: the API's dry
 * run (`POST …/import`) and the tests run the same code.
 *
 * Matching, in order: pipelines by id, then by name; inside a matched pipeline statuses by id,
 * then by name, then the won and lost statuses by meaning (`kind`); custom fields (Other fields,
 * `{cf:id}` in formulas, filter parameters) by id, then by code, then by name. Names compare
 * without regard to case and runs of whitespace. Each pipeline, status and field here is given
 * to one thing of the file at most (the first by id wins over a later by name). Whatever finds
 * no place is a misfit: listed, and dropped from the adapted configuration.
 */

export type ImportFileProblemCode = 'not_a_configuration' | 'wrong_crm' | 'unsupported_schema_version' | 'validation_failed';

export type ImportFile =
  | {
      ok: true;
      config: MappingConfig;
      /** The CRM's names the export carried; null for a bare configuration document (ids only). */
      names: ExportNames | null;
      schemaVersion: number;
      exportedAt: string | null;
    }
  | { ok: false; code: ImportFileProblemCode; detail: string; errors?: FieldError[]; sourceConnector?: string };

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Reads a parsed file: an export (`format: "hub-connect.configuration"`, the configuration in
 * `config`) or a bare configuration document, of any schema version this product knows
 * (older ones upgraded by `storedMappingConfigSchema`), for `connector`.
 */
export function readImportFile(document: unknown, connector: ConnectorId): ImportFile {
  const notOurs: ImportFile = {
    ok: false,
    code: 'not_a_configuration',
    detail: 'This file is not a Hub Connect configuration: export one from a connector’s menu and import that file.',
  };
  if (!isRecord(document)) return notOurs;
  const wrapped = 'format' in document;
  if (wrapped && document.format !== EXPORT_FORMAT) return notOurs;
  const raw = wrapped ? document.config : document;
  if (!isRecord(raw) || !('schemaVersion' in raw || 'connector' in raw || 'pipelines' in raw)) return notOurs;
  const prefix = wrapped ? ['config'] : [];
  if (typeof raw.connector === 'string' && raw.connector !== connector) {
    return {
      ok: false,
      code: 'wrong_crm',
      detail: `This file holds a configuration of another CRM (${raw.connector.slice(0, 32)}); import it into that CRM’s connector.`,
      sourceConnector: raw.connector.slice(0, 32),
    };
  }
  if (typeof raw.schemaVersion === 'number' && raw.schemaVersion > SCHEMA_VERSION) {
    return {
      ok: false,
      code: 'unsupported_schema_version',
      detail: `The file is of schema version ${raw.schemaVersion}, newer than this product reads (${SCHEMA_VERSION}).`,
    };
  }
  const errors: FieldError[] = [];
  const config = storedMappingConfigSchema.safeParse(raw);
  if (!config.success) {
    for (const issue of config.error.issues) {
      errors.push({ pointer: toJsonPointer([...prefix, ...issue.path]), message: issue.message, code: issue.code });
    }
  }
  let names: ExportNames | null = null;
  let exportedAt: string | null = null;
  if (wrapped) {
    const parsedNames = exportNamesSchema.safeParse(document.names ?? {});
    if (parsedNames.success) names = parsedNames.data;
    else {
      for (const issue of parsedNames.error.issues) {
        errors.push({ pointer: toJsonPointer(['names', ...issue.path]), message: issue.message, code: issue.code });
      }
    }
    if (typeof document.exportedAt === 'string' && !Number.isNaN(Date.parse(document.exportedAt))) {
      exportedAt = new Date(document.exportedAt).toISOString();
    }
  }
  if (!config.success || errors.length > 0) {
    return { ok: false, code: 'validation_failed', detail: 'The file is not a valid configuration; see errors.', errors: errors.slice(0, 50) };
  }
  return {
    ok: true,
    config: config.data,
    names,
    schemaVersion: typeof raw.schemaVersion === 'number' ? raw.schemaVersion : SCHEMA_VERSION,
    exportedAt,
  };
}

/** How names compare: case, surrounding and repeated whitespace ignored. */
export function nameKey(name: string): string {
  return name.normalize('NFC').trim().replace(/\s+/g, ' ').toLowerCase();
}

export interface ImportMatch {
  config: MappingConfig;
  misfits: ImportMisfit[];
  matched: ImportPreview['matched'];
}

interface SourceField {
  id: string | null;
  code: string | null;
  name: string | null;
}

/** Finds this account's fields for the file's, by id, then code, then name. */
function fieldMatcher(target: readonly CrmCustomField[]) {
  const byId = new Map(target.map((field) => [field.id, field]));
  const byCode = new Map<string, CrmCustomField>();
  const byName = new Map<string, CrmCustomField>();
  for (const field of target) {
    if (field.code && !byCode.has(field.code)) byCode.set(field.code, field);
    const key = nameKey(field.name);
    if (!byName.has(key)) byName.set(key, field);
  }
  return (source: SourceField): { field: CrmCustomField; byName: boolean } | null => {
    const exact = source.id !== null ? byId.get(source.id) : undefined;
    if (exact) return { field: exact, byName: false };
    const coded = source.code ? byCode.get(source.code) : undefined;
    if (coded) return { field: coded, byName: false };
    const named = source.name !== null ? byName.get(nameKey(source.name)) : undefined;
    return named ? { field: named, byName: true } : null;
  };
}

/** The file's statuses of one pipeline matched to this account's pipeline. */
function matchStatuses(
  mapping: PipelineMapping,
  sourceStatuses: ReadonlyMap<string, { name: string; kind: CrmStatus['kind'] | null }>,
  target: CrmPipeline,
) {
  const targetById = new Map(target.statuses.map((status) => [status.id, status]));
  const claimed = new Set<string>();
  /** `containerIndex/statusIndex` → the status here. */
  const found = new Map<string, { id: string; byName: boolean }>();
  const slots = mapping.containers.flatMap((container, c) => container.statusIds.map((statusId, s) => ({ key: `${c}/${s}`, statusId })));
  // 1: by id.
  for (const slot of slots) {
    if (targetById.has(slot.statusId) && !claimed.has(slot.statusId)) {
      claimed.add(slot.statusId);
      found.set(slot.key, { id: slot.statusId, byName: false });
    }
  }
  // 2: by name, then 3: the won and lost statuses by meaning (one of that kind in the pipeline here).
  const pass = (pick: (source: { name: string; kind: CrmStatus['kind'] | null }) => CrmStatus | undefined) => {
    for (const slot of slots) {
      if (found.has(slot.key)) continue;
      const source = sourceStatuses.get(slot.statusId);
      if (!source) continue;
      const status = pick(source);
      if (status && !claimed.has(status.id)) {
        claimed.add(status.id);
        found.set(slot.key, { id: status.id, byName: true });
      }
    }
  };
  pass((source) => target.statuses.find((status) => !claimed.has(status.id) && nameKey(status.name) === nameKey(source.name)));
  pass((source) => {
    if (source.kind !== 'won' && source.kind !== 'lost') return undefined;
    const ofKind = target.statuses.filter((status) => status.kind === source.kind);
    return ofKind.length === 1 ? ofKind[0] : undefined;
  });
  return found;
}

/**
 * The file's configuration adapted to this account's CRM schema, with what did not fit. The
 * result is a valid configuration of `target`'s account (it may still be incomplete: statuses of
 * this account the file does not map stay outside the containers, for the wizard to show).
 */
export function matchImportedConfig(source: MappingConfig, names: ExportNames | null, target: CrmSchema): ImportMatch {
  const misfits: ImportMisfit[] = [];
  const matched: ImportMatch['matched'] = {
    pipelines: 0,
    containers: 0,
    statuses: 0,
    otherFields: 0,
    filterConditions: 0,
    calculatedFields: 0,
    byName: 0,
  };
  const sourcePipelines = new Map((names?.pipelines ?? []).map((pipeline) => [pipeline.id, pipeline]));
  const sourceFields = new Map((names?.customFields ?? []).map((field) => [field.id, field]));

  // Pipelines: by id first (all of them), then by name.
  const targetById = new Map(target.pipelines.map((pipeline) => [pipeline.id, pipeline]));
  const claimedPipelines = new Set<string>();
  const pipelineOf = new Map<number, { pipeline: CrmPipeline; byName: boolean }>();
  source.pipelines.forEach((mapping, p) => {
    const pipeline = targetById.get(mapping.pipelineId);
    if (pipeline && !claimedPipelines.has(pipeline.id)) {
      claimedPipelines.add(pipeline.id);
      pipelineOf.set(p, { pipeline, byName: false });
    }
  });
  source.pipelines.forEach((mapping, p) => {
    if (pipelineOf.has(p)) return;
    const name = sourcePipelines.get(mapping.pipelineId)?.name;
    if (name === undefined) return;
    const pipeline = target.pipelines.find((candidate) => !claimedPipelines.has(candidate.id) && nameKey(candidate.name) === nameKey(name));
    if (pipeline) {
      claimedPipelines.add(pipeline.id);
      pipelineOf.set(p, { pipeline, byName: true });
    }
  });

  const pipelines: PipelineMapping[] = [];
  source.pipelines.forEach((mapping, p) => {
    const sourcePipeline = sourcePipelines.get(mapping.pipelineId);
    const match = pipelineOf.get(p);
    if (!match) {
      misfits.push({ kind: 'pipeline_not_found', pipelineId: mapping.pipelineId, name: sourcePipeline?.name ?? null });
      return;
    }
    matched.pipelines += 1;
    if (match.byName) matched.byName += 1;
    const statusNames = new Map((sourcePipeline?.statuses ?? []).map((status) => [status.id, { name: status.name, kind: status.kind }]));
    const found = matchStatuses(mapping, statusNames, match.pipeline);
    const pipelineName = sourcePipeline?.name ?? match.pipeline.name;
    const containers: Container[] = [];
    mapping.containers.forEach((container, c) => {
      const statusIds: string[] = [];
      container.statusIds.forEach((statusId, s) => {
        const status = found.get(`${c}/${s}`);
        if (status) {
          statusIds.push(status.id);
          matched.statuses += 1;
          if (status.byName) matched.byName += 1;
        } else {
          misfits.push({
            kind: 'status_not_found',
            pipelineId: mapping.pipelineId,
            pipelineName,
            statusId,
            name: statusNames.get(statusId)?.name ?? null,
            containerName: container.name,
          });
        }
      });
      // A container the file left empty stays empty; one that lost every status has no place here.
      if (container.statusIds.length > 0 && statusIds.length === 0) {
        misfits.push({ kind: 'container_dropped', pipelineId: mapping.pipelineId, pipelineName, containerName: container.name, marker: container.marker });
        return;
      }
      matched.containers += 1;
      containers.push({ ...container, statusIds });
    });
    pipelines.push({ pipelineId: match.pipeline.id, containers });
  });

  const findField = fieldMatcher(target.customFields);
  const sourceField = (id: string): SourceField => {
    const named = sourceFields.get(id);
    return { id, code: named?.code ?? null, name: named?.name ?? null };
  };

  // Other fields.
  const otherFields: string[] = [];
  for (const fieldId of source.customFields.otherFields) {
    const match = findField(sourceField(fieldId));
    if (match && !match.field.isTracking && !otherFields.includes(match.field.id)) {
      otherFields.push(match.field.id);
      matched.otherFields += 1;
      if (match.byName) matched.byName += 1;
    } else if (!match || !match.field.isTracking) {
      misfits.push({ kind: 'field_not_found', fieldId, name: sourceFields.get(fieldId)?.name ?? null });
    }
  }

  // Filter conditions: a parameter key is a field's code or `cf:<id>` (`filterParameterKey`).
  const targetKeys = filterParameterFieldIds(target.customFields);
  const keyOf = new Map([...targetKeys].map(([key, id]) => [id, key]));
  const parameterKeys = new Set(target.filterParameters.map((parameter) => parameter.key));
  const sourceByCode = new Map((names?.customFields ?? []).filter((field) => field.code).map((field) => [field.code!, field]));
  const conditions: FilterCondition[] = [];
  for (const condition of source.filter.conditions) {
    const key = condition.field;
    const described: SourceField = key.startsWith('cf:')
      ? sourceField(key.slice(3))
      : (() => {
          const named = sourceByCode.get(key);
          return { id: named?.id ?? null, code: key, name: named?.name ?? null };
        })();
    const match = findField(described);
    const targetKey = match ? keyOf.get(match.field.id) : parameterKeys.has(key) ? key : undefined;
    if (targetKey !== undefined && parameterKeys.has(targetKey)) {
      conditions.push({ ...condition, field: targetKey });
      matched.filterConditions += 1;
      if (match?.byName) matched.byName += 1;
    } else {
      misfits.push({ kind: 'filter_field_not_found', field: key, name: described.name });
    }
  }

  // Calculated fields: every `{cf:id}` of the formula must find its field, or the field is dropped.
  const calculatedFields = source.calculatedFields.flatMap((field) => {
    let missing = false;
    let byName = false;
    const expression = field.expression.replace(/\{([^{}]*)\}/g, (token, inner: string) => {
      const ref = parseFieldRef(inner);
      if (ref?.kind !== 'custom') return token;
      const match = findField(sourceField(ref.id));
      if (!match) {
        missing = true;
        misfits.push({ kind: 'formula_field_not_found', calculatedFieldName: field.name, fieldId: ref.id, name: sourceFields.get(ref.id)?.name ?? null });
        return token;
      }
      if (match.byName) byName = true;
      return `{cf:${match.field.id}}`;
    });
    if (missing) return [];
    matched.calculatedFields += 1;
    if (byName) matched.byName += 1;
    return [{ ...field, expression }];
  });

  const config = mappingConfigSchema.parse({
    ...source,
    schemaVersion: SCHEMA_VERSION,
    account: target.account,
    filter: { ...source.filter, conditions },
    pipelines,
    customFields: { otherFields },
    calculatedFields,
  });
  return { config, misfits, matched };
}
