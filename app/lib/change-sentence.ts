import type { CrmSchema } from '@/contracts/crm-schema';

import type { ChangeLabel } from './undo-history';

type Translate = (key: string, options?: Record<string, unknown>) => string;

/** Names of what a change refers to, from the account's CRM schema (ids as a fallback). */
export interface ChangeNames {
  status: (pipelineId: string, statusId: string) => string;
  pipeline: (pipelineId: string) => string;
  field: (fieldId: string) => string;
  parameter: (key: string) => string;
}

export function changeNames(schema: CrmSchema | undefined): ChangeNames {
  const pipelines = new Map((schema?.pipelines ?? []).map((pipeline) => [pipeline.id, pipeline]));
  const fields = new Map((schema?.customFields ?? []).map((field) => [field.id, field.name]));
  const parameters = new Map((schema?.filterParameters ?? []).map((parameter) => [parameter.key, parameter.name]));
  return {
    status: (pipelineId, statusId) => pipelines.get(pipelineId)?.statuses.find((status) => status.id === statusId)?.name ?? statusId,
    pipeline: (pipelineId) => pipelines.get(pipelineId)?.name ?? pipelineId,
    field: (fieldId) => fields.get(fieldId) ?? fieldId,
    parameter: (key) => parameters.get(key) ?? key,
  };
}

/** The change as the words after "Undone:" ("moved «Новая» to «Переговоры»"), never an id where a name is known. */
export function changeSentence(label: ChangeLabel, names: ChangeNames, t: Translate): string {
  const key = (name: string) => `history.change.${name}`;
  switch (label.kind) {
    case 'moveStatus':
      return label.to === null
        ? t(key('moveStatusOut'), { status: names.status(label.pipelineId, label.statusId) })
        : t(key('moveStatus'), { status: names.status(label.pipelineId, label.statusId), to: label.to });
    case 'moveStatuses':
      return label.to === null ? t(key('moveStatusesOut'), { count: label.count }) : t(key('moveStatuses'), { count: label.count, to: label.to });
    case 'reorderStatus':
      return t(key('reorderStatus'), { status: names.status(label.pipelineId, label.statusId), container: label.container });
    case 'addContainer':
    case 'removeContainer':
    case 'moveContainer':
      return t(key(label.kind), { name: label.name });
    case 'renameContainer':
      return t(key('renameContainer'), { from: label.from, to: label.to });
    case 'marker':
      return label.marker === null
        ? t(key('markerCleared'), { container: label.container })
        : t(key('marker'), { container: label.container, marker: t(`mapping.markers.${label.marker}`) });
    case 'board':
      return t(key('board'), { pipeline: names.pipeline(label.pipelineId) });
    case 'addField':
    case 'removeField':
      return t(key(label.kind), { field: names.field(label.fieldId) });
    case 'addCondition':
    case 'removeCondition':
    case 'editCondition':
      return t(key(label.kind), { field: names.parameter(label.field) });
    case 'addCalculated':
    case 'removeCalculated':
    case 'editCalculated':
      return t(key(label.kind), { name: label.name });
    case 'applyMapping':
      return t(key('applyMapping'), { pipeline: names.pipeline(label.pipelineId), count: label.count });
    case 'fields':
    case 'match':
    case 'filter':
    case 'calculated':
    case 'import':
    case 'several':
      return t(key(label.kind));
  }
}
