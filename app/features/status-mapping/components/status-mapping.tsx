import { Tabs } from 'radix-ui';
import { memo, useCallback, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';

import type { CrmPipeline } from '@/contracts/crm-schema';
import type { PipelineMapping } from '@/contracts/mapping-config';
import { buttonClass } from '@/components/ui/button';
import { moduleClasses } from '@/components/ui/class-names';
import { feedbackClass } from '@/components/ui/feedback';
import { CheckIcon } from '@/components/ui/icons';
import { visuallyHidden } from '@/components/ui/visually-hidden';

import type { AppliedMapping } from '../model/apply-to';
import { pipelineProgress } from '../model/progress';

import { ApplyMappingDialog } from './apply-mapping-dialog';
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
  /**
   * "Apply this mapping to…" applied: the targets' new boards, one change (one undo step).
   * Without it the action is not offered.
   */
  onApplyMapping?: (sourcePipelineId: string, boards: PipelineMapping[]) => void;
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
export function StatusMapping({ pipelines, boards, selectedPipelineId, onSelectPipeline, onBoardChange, onApplyMapping, aside }: StatusMappingProps) {
  const { t } = useTranslation();
  const titleId = useId();
  const [applyOpen, setApplyOpen] = useState(false);
  const [announcement, setAnnouncement] = useState('');
  const selected = pipelines.find((pipeline) => pipeline.id === selectedPipelineId) ?? pipelines[0];
  const selectedBoard = selected ? (boards.get(selected.id) ?? emptyBoard(selected.id)) : null;
  const onApply = useCallback(
    (applied: AppliedMapping[]) => {
      if (!selected || !onApplyMapping) return;
      onApplyMapping(
        selected.id,
        applied.map((item) => item.board),
      );
      setApplyOpen(false);
      const unmapped = applied.reduce((sum, item) => sum + item.unmappedTarget.length, 0);
      setAnnouncement(
        `${t('mapping.applyTo.applied', { pipeline: selected.name, count: applied.length })} ${
          unmapped > 0 ? t('mapping.applyTo.appliedUnmapped', { count: unmapped }) : t('mapping.applyTo.appliedAllMapped')
        }`,
      );
    },
    [selected, onApplyMapping, t],
  );
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
          board={selectedBoard ?? emptyBoard(selected.id)}
          onChange={onBoardChange}
          toolbarEnd={
            onApplyMapping && pipelines.length > 1 ? (
              <button
                type="button"
                className={buttonClass({ size: 'small' })}
                data-apply-mapping-trigger=""
                title={t('mapping.applyTo.openHint', { pipeline: selected.name })}
                disabled={(selectedBoard?.containers.length ?? 0) === 0}
                onClick={() => {
                  setAnnouncement('');
                  setApplyOpen(true);
                }}
              >
                {t('mapping.applyTo.open')}
              </button>
            ) : null
          }
        />
      </Tabs.Content>
      {onApplyMapping && selectedBoard ? (
        <ApplyMappingDialog
          open={applyOpen}
          onOpenChange={setApplyOpen}
          source={selected}
          board={selectedBoard}
          pipelines={pipelines}
          boards={boards}
          onApply={onApply}
        />
      ) : null}
      {/* What applying did, for a screen reader (the dialog closes, focus returns to its button). */}
      <p className={visuallyHidden} role="status" aria-live="polite">
        {announcement}
      </p>
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
