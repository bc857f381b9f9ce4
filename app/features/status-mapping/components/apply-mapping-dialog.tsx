import { Dialog } from 'radix-ui';
import { useDeferredValue, useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';

import type { CrmPipeline } from '@/contracts/crm-schema';
import type { PipelineMapping } from '@/contracts/mapping-config';
import { buttonClass } from '@/components/ui/button';
import { cx, moduleClasses } from '@/components/ui/class-names';
import { dialogClass } from '@/components/ui/dialog';
import { feedbackClass } from '@/components/ui/feedback';
import { formClass } from '@/components/ui/form';

import { applyMappingToMany, normalizeStatusName, type AppliedMapping } from '../model/apply-to';

import styles from './apply-mapping-dialog.module.css';
import { newContainerId } from './container-id';

const s = moduleClasses(styles, [
  'dialog',
  'form',
  'search',
  'listHeader',
  'list',
  'option',
  'optionName',
  'optionState',
  'preview',
  'previewTitle',
  'target',
  'summary',
  'summaryName',
  'counts',
  'details',
  'detailTitle',
  'detailList',
  'note',
  'warning',
]);
const SMALL = buttonClass({ size: 'small', variant: 'ghost' });
const WARNING = cx(feedbackClass.notice, feedbackClass.noticeWarning, s.warning);

export interface ApplyMappingDialogProps {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  /** The pipeline whose mapping is copied, and its board. */
  source: CrmPipeline;
  board: PipelineMapping;
  /** Every pipeline on the step (the source among them), in CRM order. */
  pipelines: readonly CrmPipeline[];
  boards: ReadonlyMap<string, PipelineMapping>;
  /** The targets' new boards, exactly as previewed. */
  onApply: (applied: AppliedMapping[]) => void;
}

/**
 * "Apply this mapping to…": choose target pipelines (a searchable checkbox list) and see, per
 * target and before anything changes, which containers it gets, what matched by name or by
 * meaning, what has no match and what stays unmapped (`applyMappingToMany`). Applying hands the
 * previewed boards to `onApply`; nothing is written before.
 */
export function ApplyMappingDialog(props: ApplyMappingDialogProps) {
  const { open, onOpenChange } = props;
  const { t } = useTranslation();
  return (
    <Dialog.Root open={open} onOpenChange={onOpenChange}>
      <Dialog.Portal>
        <Dialog.Overlay className={dialogClass.overlay} />
        <Dialog.Content
          className={cx(dialogClass.content, s.dialog)}
          data-apply-mapping=""
          // Opened without a Radix trigger: focus goes back to the button that opened it.
          onCloseAutoFocus={(event) => {
            const trigger = document.querySelector<HTMLElement>('[data-apply-mapping-trigger]');
            if (!trigger) return;
            event.preventDefault();
            trigger.focus();
          }}
        >
          <Dialog.Title className={dialogClass.title}>{t('mapping.applyTo.title', { pipeline: props.source.name })}</Dialog.Title>
          <Dialog.Description className={dialogClass.description}>{t('mapping.applyTo.description')}</Dialog.Description>
          {/* Mounted while open only: a fresh choice each time. */}
          {open ? <ApplyMappingForm {...props} /> : null}
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}

function ApplyMappingForm({ source, board, pipelines, boards, onApply }: ApplyMappingDialogProps) {
  const { t } = useTranslation();
  const ids = useId();
  const [query, setQuery] = useState('');
  const [chosen, setChosen] = useState<ReadonlySet<string>>(() => new Set());
  const others = useMemo(() => pipelines.filter((pipeline) => pipeline.id !== source.id), [pipelines, source.id]);
  const needle = normalizeStatusName(query);
  const shown = useMemo(() => (needle === '' ? others : others.filter((pipeline) => normalizeStatusName(pipeline.name).includes(needle))), [others, needle]);

  // The preview follows the choice; a deferred copy keeps the checkboxes responsive at 50 pipelines.
  const deferredChosen = useDeferredValue(chosen);
  const applied = useMemo(
    () =>
      applyMappingToMany(
        { pipeline: source, board },
        others.filter((pipeline) => deferredChosen.has(pipeline.id)).map((pipeline) => ({ pipeline, board: boards.get(pipeline.id) ?? null })),
        newContainerId,
      ),
    [source, board, others, boards, deferredChosen],
  );
  const upToDate = deferredChosen === chosen;
  const replacing = applied.filter((item) => item.replaced !== null).length;

  const toggle = (pipelineId: string, on: boolean) =>
    setChosen((previous) => {
      const next = new Set(previous);
      if (on) next.add(pipelineId);
      else next.delete(pipelineId);
      return next;
    });

  return (
    <form
      className={s.form}
      onSubmit={(event) => {
        event.preventDefault();
        if (upToDate && applied.length > 0) onApply(applied);
      }}
    >
      <input
        type="search"
        className={cx(formClass.input, s.search)}
        aria-label={t('mapping.applyTo.search')}
        placeholder={t('mapping.applyTo.search')}
        value={query}
        onChange={(event) => setQuery(event.target.value)}
        // Enter in the search box does not apply.
        onKeyDown={(event) => {
          if (event.key === 'Enter') event.preventDefault();
        }}
      />
      <fieldset className={s.list} aria-describedby={`${ids}-count`}>
        <legend className={s.listHeader}>
          <span>{t('mapping.applyTo.pipelines')}</span>
          <span id={`${ids}-count`}>{t('mapping.applyTo.selected', { count: chosen.size })}</span>
        </legend>
        {shown.length === 0 ? <p className={s.note}>{t('mapping.applyTo.noMatch', { query: query.trim() })}</p> : null}
        {shown.map((pipeline) => {
          const existing = boards.get(pipeline.id)?.containers.length ?? 0;
          return (
            <label key={pipeline.id} className={s.option} title={pipeline.name}>
              <input type="checkbox" checked={chosen.has(pipeline.id)} onChange={(event) => toggle(pipeline.id, event.target.checked)} />
              <span className={s.optionName}>{pipeline.name}</span>
              <span className={s.optionState} data-mapped={existing > 0 || undefined}>
                {existing > 0 ? t('mapping.applyTo.mapped', { count: existing }) : t('mapping.applyTo.notMapped')}
              </span>
            </label>
          );
        })}
      </fieldset>
      <div className={s.listHeader}>
        <button
          type="button"
          className={SMALL}
          disabled={shown.every((pipeline) => chosen.has(pipeline.id))}
          onClick={() => setChosen((previous) => new Set([...previous, ...shown.map((pipeline) => pipeline.id)]))}
        >
          {t('mapping.applyTo.selectShown')}
        </button>
        <button type="button" className={SMALL} disabled={chosen.size === 0} onClick={() => setChosen(new Set())}>
          {t('mapping.applyTo.clear')}
        </button>
      </div>

      <section className={s.preview} aria-labelledby={`${ids}-preview`} aria-busy={!upToDate || undefined}>
        <h3 id={`${ids}-preview`} className={s.previewTitle}>
          {t('mapping.applyTo.preview')}
        </h3>
        {applied.length === 0 ? <p className={s.note}>{t('mapping.applyTo.previewEmpty')}</p> : null}
        {applied.map((item) => (
          <TargetPreview key={item.pipelineId} item={item} name={others.find((pipeline) => pipeline.id === item.pipelineId)?.name ?? item.pipelineId} />
        ))}
      </section>

      {replacing > 0 ? <p className={WARNING}>{t('mapping.applyTo.replaceWarning', { count: replacing })}</p> : null}

      <div className={dialogClass.actions}>
        <Dialog.Close className={buttonClass()}>{t('mapping.cancel')}</Dialog.Close>
        <button type="submit" className={buttonClass({ variant: 'primary' })} disabled={applied.length === 0 || !upToDate}>
          {applied.length === 0 ? t('mapping.applyTo.applyNone') : t('mapping.applyTo.apply', { count: applied.length })}
        </button>
      </div>
    </form>
  );
}

/** One target: a line of counts (a native disclosure: keyboard and screen reader for free), the details when opened. */
function TargetPreview({ item, name }: { item: AppliedMapping; name: string }) {
  const { t } = useTranslation();
  const [opened, setOpened] = useState(false);
  const matched = item.containers.reduce((sum, entry) => sum + entry.matches.length, 0);
  return (
    <details className={s.target} data-target={item.pipelineId} onToggle={(event) => setOpened(event.currentTarget.open)}>
      <summary className={s.summary}>
        <span className={s.summaryName}>{name}</span>
        <span className={s.counts}>
          {[
            t('mapping.applyTo.containers', { count: item.containers.length }),
            t('mapping.applyTo.matched', { count: matched }),
            t('mapping.applyTo.unmatched', { count: item.unmatched.length }),
            t('mapping.applyTo.unmappedTarget', { count: item.unmappedTarget.length }),
          ].join(' · ')}
        </span>
        {item.replaced ? <span className={s.counts}>{t('mapping.applyTo.replaces', { count: item.replaced.length })}</span> : null}
      </summary>
      {/* Rendered when opened: 50 targets of 100 containers stay cheap to preview. */}
      {opened ? <TargetDetails item={item} /> : null}
    </details>
  );
}

function TargetDetails({ item }: { item: AppliedMapping }) {
  const { t } = useTranslation();
  const unmatchedName = (entry: AppliedMapping['unmatched'][number]) => (entry.stale ? t('mapping.applyTo.stale', { name: entry.name }) : entry.name);
  return (
    <div className={s.details}>
      <h4 className={s.detailTitle}>{t('mapping.applyTo.containersTitle')}</h4>
      <ol className={s.detailList}>
        {item.containers.map(({ container, matches }) => (
          <li key={container.id}>
            <strong>{container.name}</strong>
            {container.marker ? ` (${t(`mapping.markers.${container.marker}`)})` : null}
            {': '}
            {matches.length === 0
              ? container.marker
                ? t('mapping.applyTo.emptyMarker')
                : t('mapping.applyTo.noStatuses')
              : matches
                  .map((match) => {
                    const how = match.by === 'name' ? t('mapping.applyTo.byName') : t('mapping.applyTo.byMeaning');
                    const note = match.sameName > 1 ? `, ${t('mapping.applyTo.sameName', { count: match.sameName })}` : '';
                    return `${match.target.name} (${how}${note})`;
                  })
                  .join(', ')}
          </li>
        ))}
      </ol>
      {item.skipped.length > 0 ? (
        <>
          <h4 className={s.detailTitle}>{t('mapping.applyTo.skippedTitle')}</h4>
          <ul className={s.detailList}>
            {item.skipped.map((skipped, index) => (
              <li key={index}>{skipped.name}</li>
            ))}
          </ul>
        </>
      ) : null}
      {item.unmatched.length > 0 ? (
        <>
          <h4 className={s.detailTitle}>{t('mapping.applyTo.unmatchedTitle')}</h4>
          <ul className={s.detailList}>
            {item.unmatched.map((entry) => (
              <li key={entry.statusId}>{unmatchedName(entry)}</li>
            ))}
          </ul>
        </>
      ) : null}
      {item.unmappedTarget.length > 0 ? (
        <>
          <h4 className={s.detailTitle}>{t('mapping.applyTo.unmappedTitle')}</h4>
          <ul className={s.detailList}>
            {item.unmappedTarget.map((status) => (
              <li key={status.id}>{status.name}</li>
            ))}
          </ul>
        </>
      ) : null}
    </div>
  );
}
