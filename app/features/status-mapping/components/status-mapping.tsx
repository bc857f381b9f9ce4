import { Tabs } from 'radix-ui';
import { memo, useId } from 'react';
import { useTranslation } from 'react-i18next';

import type { CrmPipeline } from '@/contracts/crm-schema';
import type { PipelineMapping } from '@/contracts/mapping-config';
import { moduleClasses } from '@/components/ui/class-names';
import { feedbackClass } from '@/components/ui/feedback';
import { CheckIcon } from '@/components/ui/icons';
import { visuallyHidden } from '@/components/ui/visually-hidden';

import { pipelineProgress } from '../model/progress';

import { PipelineBoard } from './pipeline-board';
import styles from './status-mapping.module.css';

const s = moduleClasses(styles, ['layout', 'side', 'aside', 'pipelines', 'title', 'list', 'tab', 'tabName', 'tabProgress', 'tabState', 'panel']);

export interface StatusMappingProps {
  /** The CRM's pipelines to map, in CRM order. */
  pipelines: CrmPipeline[];
  /** Each pipeline's mapping (the user's draft); a pipeline without one has no containers yet. */
  boards: ReadonlyMap<string, PipelineMapping>;
  selectedPipelineId: string;
  onSelectPipeline: (pipelineId: string) => void;
  onBoardChange: (board: PipelineMapping) => void;
  /** Shown beside the board under the pipelines on a desktop, after the board on smaller screens (the live funnel). */
  aside?: React.ReactNode;
}

const EMPTY_BOARDS = new Map<string, PipelineMapping>();

/** An empty mapping for a pipeline, one object per pipeline id so memoized parts keep it. */
export function emptyBoard(pipelineId: string): PipelineMapping {
  const cached = EMPTY_BOARDS.get(pipelineId);
  if (cached) return cached;
  const board: PipelineMapping = { pipelineId, containers: [] };
  EMPTY_BOARDS.set(pipelineId, board);
  return board;
}

/**
 * The Statuses section: the pipelines on the left (each with its progress), the chosen
 * pipeline's board on the right.
 */
export function StatusMapping({ pipelines, boards, selectedPipelineId, onSelectPipeline, onBoardChange, aside }: StatusMappingProps) {
  const { t } = useTranslation();
  const titleId = useId();
  const selected = pipelines.find((pipeline) => pipeline.id === selectedPipelineId) ?? pipelines[0];
  if (!selected) {
    return (
      <div className={feedbackClass.emptyState}>
        <p>{t('mapping.pipelines.none')}</p>
      </div>
    );
  }
  return (
    <Tabs.Root
      className={s.layout}
      orientation="vertical"
      activationMode="manual"
      value={selected.id}
      onValueChange={onSelectPipeline}
    >
      <div className={s.side}>
        <div className={s.pipelines}>
          <h3 className={s.title} id={titleId}>
            {t('mapping.pipelines.title')}
          </h3>
          <Tabs.List className={s.list} aria-labelledby={titleId}>
            {pipelines.map((pipeline) => (
              <PipelineTab key={pipeline.id} pipeline={pipeline} board={boards.get(pipeline.id) ?? emptyBoard(pipeline.id)} />
            ))}
          </Tabs.List>
        </div>
        {aside ? <div className={s.aside}>{aside}</div> : null}
      </div>
      <Tabs.Content value={selected.id} className={s.panel}>
        <PipelineBoard
          key={selected.id}
          pipeline={selected}
          board={boards.get(selected.id) ?? emptyBoard(selected.id)}
          onChange={onBoardChange}
        />
      </Tabs.Content>
    </Tabs.Root>
  );
}

const PipelineTab = memo(function PipelineTab({ pipeline, board }: { pipeline: CrmPipeline; board: PipelineMapping }) {
  const { t } = useTranslation();
  const id = useId();
  const progress = pipelineProgress(board, pipeline.statuses);
  // Named by the pipeline alone; the progress is its description.
  return (
    <Tabs.Trigger
      value={pipeline.id}
      className={s.tab}
      data-done={progress.done || undefined}
      // A long name is cut to two lines; the whole name is its tooltip and its accessible name.
      title={pipeline.name}
      aria-labelledby={`${id}-name`}
      aria-describedby={`${id}-progress ${id}-state`}
    >
      <span id={`${id}-name`} className={s.tabName}>
        {pipeline.name}
      </span>
      <span id={`${id}-progress`} className={s.tabProgress}>
        {t('mapping.pipelines.progress', { count: progress.total, mapped: progress.mapped })}
      </span>
      <span className={s.tabState} data-done={progress.done || undefined}>
        {progress.done ? <CheckIcon /> : null}
        <span id={`${id}-state`} className={visuallyHidden}>
          {progress.done ? t('mapping.pipelines.done') : t('mapping.pipelines.notDone')}
        </span>
      </span>
    </Tabs.Trigger>
  );
});
