import type { CrmCustomField } from '@/contracts/crm-schema';
import type { FunnelDeal, PipelineFunnel } from '@/contracts/deals';
import { computeFunnel } from '@/contracts/funnel';
import type { MappingConfig, PipelineMapping } from '@/contracts/mapping-config';

/**
 * One pipeline's figures under the draft: the saved document with this board in place of the
 * saved one, over the deals of that pipeline only (the other pipelines' deals cannot change
 * its figures). Called on a drop, a marker change or a rename, never on a drag's moves.
 */
export function pipelineFigures(
  config: MappingConfig,
  board: PipelineMapping,
  deals: readonly FunnelDeal[],
  fields: readonly CrmCustomField[],
): PipelineFunnel {
  const draft: MappingConfig = { ...config, pipelines: [board] };
  const report = computeFunnel(draft, deals, { fields });
  return report.pipelines.find((pipeline) => pipeline.pipelineId === board.pipelineId) ?? report.pipelines[0]!;
}
