import { useQuery } from '@tanstack/react-query';
import { Tabs } from 'radix-ui';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';

import { workingConfig } from '@/api/connector-config';
import { crmSchemaQueryOptions, useRefreshCrmSchema } from '@/api/crm';
import { pageClass } from '@/components/layouts/page';
import { buttonClass } from '@/components/ui/button';
import { cx, moduleClasses } from '@/components/ui/class-names';
import { feedbackClass } from '@/components/ui/feedback';
import { LeaveDialog } from '@/components/wizard/leave-dialog';
import { useConnectorName } from '@/api/connectors';
import { useConnectorChanges } from '@/api/drift';
import { SaveStatus } from '@/components/wizard/save-status';
import { describeApiError } from '@/lib/api-errors';
import { StepFooter } from '@/components/wizard/step-footer';
import type { CrmPipeline, CrmSchema } from '@/contracts/crm-schema';
import type { SchemaChange } from '@/contracts/drift';
import type { MappingConfig, PipelineMapping } from '@/contracts/mapping-config';
import { CustomFields } from '@/features/custom-fields/components/custom-fields';
import { ChangesTray } from '@/features/drift/components/changes-tray';
import { changeKey, type Decision } from '@/features/drift/model/review';
import { reviewProgress } from '@/features/drift/model/tray';
import { PipelineFunnelPreview } from '@/features/funnel/components/pipeline-funnel-preview';
import { useSyncedDeals } from '@/features/funnel/model/use-deals';
import { emptyBoard, StatusMapping } from '@/features/status-mapping/components/status-mapping';
import { newContainerId } from '@/features/status-mapping/components/container-id';
import { unmappedStatuses } from '@/features/status-mapping/model/board';
import { pipelineProgress } from '@/features/status-mapping/model/progress';
import { useAutosaveLeaveGuard } from '@/hooks/use-autosave-leave-guard';
import { useDraftAutosave } from '@/hooks/use-draft-autosave';
import { useUndoTarget } from '@/hooks/use-undo-target';
import { focusNextFrame } from '@/lib/focus';
import { acknowledgedFor, NO_ACKNOWLEDGED, useDriftReviewStore } from '@/stores/drift-review-store';

import styles from './mapping-route.module.css';
import { useWizard } from './setup-layout';

const s = moduleClasses(styles, [
  'step',
  'intro',
  'introText',
  'sections',
  'tabs',
  'tab',
  'panel',
  'problems',
  'problemList',
  'problem',
  'problemText',
  'problemDetails',
  'problemNames',
  'fix',
  'fixLabel',
]);
const WARNING = cx(feedbackClass.notice, feedbackClass.noticeWarning);
const FIX_BUTTON = buttonClass({ size: 'small', className: s.fix });

type Section = 'statuses' | 'fields';

/** Writes one pipeline's board into the document (a pipeline without containers is not mapped). */
function withPipeline(config: MappingConfig, board: PipelineMapping): MappingConfig {
  const mapping: PipelineMapping = { pipelineId: board.pipelineId, containers: board.containers };
  const index = config.pipelines.findIndex((pipeline) => pipeline.pipelineId === board.pipelineId);
  if (board.containers.length === 0) {
    return index === -1 ? config : { ...config, pipelines: config.pipelines.filter((_, i) => i !== index) };
  }
  const pipelines = index === -1 ? [...config.pipelines, mapping] : config.pipelines.map((pipeline, i) => (i === index ? mapping : pipeline));
  return { ...config, pipelines };
}

/** The board with `statusId` in `containerId` (at the end) and in no other container. */
function withStatusIn(board: PipelineMapping, statusId: string, containerId: string | null): PipelineMapping {
  return {
    ...board,
    containers: board.containers.map((container) => {
      const statusIds = container.statusIds.filter((id) => id !== statusId);
      return { ...container, statusIds: container.id === containerId ? [...statusIds, statusId] : statusIds };
    }),
  };
}

/** The pipelines the analytics needs mapped: every active one, in CRM order. */
function pipelinesToMap(schema: CrmSchema): CrmPipeline[] {
  return schema.pipelines.filter((pipeline) => !pipeline.isArchive);
}

export function MappingRoute() {
  const { t } = useTranslation();
  const { connector } = useWizard();
  const crmName = useConnectorName(connector);
  const schemaQuery = useQuery(crmSchemaQueryOptions(connector));

  if (schemaQuery.isPending) {
    return (
      <div className={s.step} aria-busy="true">
        <p role="status">{t('mapping.loading')}</p>
      </div>
    );
  }
  if (schemaQuery.isError) {
    return (
      <div className={s.step}>
        <div role="alert" className={feedbackClass.errorPanel}>
          <p>{describeApiError(schemaQuery.error, t, crmName)}</p>
          <button type="button" className={buttonClass()} onClick={() => void schemaQuery.refetch()}>
            {t('wizard.retry')}
          </button>
        </div>
      </div>
    );
  }
  return <MappingStep schema={schemaQuery.data} />;
}

function MappingStep({ schema }: { schema: CrmSchema }) {
  const { t } = useTranslation();
  const { connector, envelope, goTo, summary } = useWizard();
  const crmName = useConnectorName(connector);
  const [params, setParams] = useSearchParams();
  const refresh = useRefreshCrmSchema(connector);
  const deals = useSyncedDeals(connector);

  const section: Section = params.get('section') === 'fields' ? 'fields' : 'statuses';
  const pipelines = useMemo(() => pipelinesToMap(schema), [schema]);
  const saved = workingConfig(connector, envelope);

  // The user's draft: local state is the source of truth for what was edited here; the
  // server's copy fills in the rest. Every change is autosaved.
  const [boardDrafts, setBoardDrafts] = useState<ReadonlyMap<string, PipelineMapping>>(() => new Map());
  const [fieldsDraft, setFieldsDraft] = useState<readonly string[] | null>(null);
  const autosave = useDraftAutosave(connector, undefined, 'mapping');
  const { schedule } = autosave;

  const savedPipelines = saved.pipelines;
  const boards = useMemo(() => {
    const merged = new Map(savedPipelines.map((pipeline) => [pipeline.pipelineId, pipeline]));
    for (const [id, board] of boardDrafts) merged.set(id, board);
    return merged;
  }, [savedPipelines, boardDrafts]);
  const otherFields = fieldsDraft ?? saved.customFields.otherFields;

  const onBoardChange = useCallback(
    (board: PipelineMapping) => {
      setBoardDrafts((drafts) => new Map(drafts).set(board.pipelineId, board));
      schedule(`pipeline:${board.pipelineId}`, (config) => withPipeline(config, board));
    },
    [schedule],
  );
  // "Apply this mapping to…": each target's board saved under its own key (as an edit of it would
  // be), recorded as one change: the entries share a batch, so one undo takes them all back.
  const onApplyMapping = useCallback(
    (sourcePipelineId: string, applied: PipelineMapping[]) => {
      setBoardDrafts((drafts) => {
        const next = new Map(drafts);
        for (const board of applied) next.set(board.pipelineId, board);
        return next;
      });
      const label = { kind: 'applyMapping', pipelineId: sourcePipelineId, count: applied.length, batch: newContainerId() } as const;
      for (const board of applied) schedule(`pipeline:${board.pipelineId}`, (config) => withPipeline(config, board), { label });
    },
    [schedule],
  );
  const onFieldsChange = useCallback(
    (next: readonly string[]) => {
      setFieldsDraft(next);
      schedule('customFields', (config) => ({ ...config, customFields: { otherFields: [...next] } }));
    },
    [schedule],
  );

  // The review of what changed in the CRM (a connector whose summary reports drift).
  const changes = useConnectorChanges(summary);
  const draft = useMemo(() => {
    let config = saved;
    for (const board of boardDrafts.values()) config = withPipeline(config, board);
    return fieldsDraft ? { ...config, customFields: { otherFields: [...fieldsDraft] } } : config;
  }, [saved, boardDrafts, fieldsDraft]);
  const checkedAt = changes.data?.checkedAt ?? null;
  const acknowledgedKeys = useDriftReviewStore((state) => acknowledgedFor(state, connector, checkedAt));
  const acknowledged = useMemo(() => (acknowledgedKeys ? new Set(acknowledgedKeys) : NO_ACKNOWLEDGED), [acknowledgedKeys]);
  const acknowledge = useDriftReviewStore((state) => state.acknowledge);
  const review = useMemo(
    () => (changes.data ? reviewProgress(changes.data.changes, draft, acknowledged, schema) : null),
    [changes.data, draft, acknowledged, schema],
  );
  const [reviewBlocked, setReviewBlocked] = useState(false);
  const trayHeadingRef = useRef<HTMLHeadingElement>(null);
  const onAcknowledge = useCallback((change: SchemaChange) => acknowledge(connector, checkedAt, changeKey(change)), [acknowledge, connector, checkedAt]);

  // The section and the pipeline live in the URL (deep links, reloads, a new tab).
  const requested = params.get('pipeline');
  const firstUnfinished = pipelines.find((pipeline) => !pipelineProgress(boards.get(pipeline.id) ?? emptyBoard(pipeline.id), pipeline.statuses).done);
  const selectedPipeline = pipelines.find((pipeline) => pipeline.id === requested) ?? firstUnfinished ?? pipelines[0];
  const setSearch = useCallback(
    (changes: Record<string, string>) =>
      setParams(
        (previous) => {
          const next = new URLSearchParams(previous);
          for (const [key, value] of Object.entries(changes)) next.set(key, value);
          return next;
        },
        { replace: true },
      ),
    [setParams],
  );
  const onSelectPipeline = useCallback((pipelineId: string) => setSearch({ pipeline: pipelineId }), [setSearch]);

  // Undo and redo write sections back (saved already): the boards and fields show them, and the
  // screen goes to where the change is when it was in one pipeline or in the fields.
  useUndoTarget(connector, 'mapping', schedule, (sections) => {
    const written = Object.entries(sections.pipelines ?? {});
    if (written.length > 0) {
      setBoardDrafts((drafts) => {
        const next = new Map(drafts);
        for (const [id, board] of written) next.set(id, board ?? emptyBoard(id));
        return next;
      });
    }
    if (sections.customFields) setFieldsDraft(sections.customFields.otherFields);
    const [only] = written;
    if (written.length === 1 && only) setSearch({ section: 'statuses', pipeline: only[0] });
    else if (written.length === 0 && sections.customFields) setSearch({ section: 'fields' });
  });
  // Pin the pipeline shown first (the first unfinished one) in the URL, so finishing it does not switch away.
  const shownPipelineId = selectedPipeline?.id;
  useEffect(() => {
    if (shownPipelineId !== undefined && requested !== shownPipelineId) setSearch({ pipeline: shownPipelineId });
  }, [requested, shownPipelineId, setSearch]);

  const onDecide = (decision: Decision) => {
    const boardOf = (pipelineId: string) => boards.get(pipelineId) ?? emptyBoard(pipelineId);
    switch (decision.type) {
      case 'place':
        onBoardChange(withStatusIn(boardOf(decision.pipelineId), decision.statusId, decision.containerId));
        break;
      case 'take_out': {
        // A container the removed status was alone in goes with it: an empty one cannot be activated.
        const board = withStatusIn(boardOf(decision.pipelineId), decision.statusId, null);
        const emptied = boardOf(decision.pipelineId).containers.filter((container) => container.statusIds.length === 1 && container.statusIds[0] === decision.statusId);
        onBoardChange({ ...board, containers: board.containers.filter((container) => !emptied.some((gone) => gone.id === container.id)) });
        break;
      }
      case 'rename_container': {
        const board = boardOf(decision.pipelineId);
        onBoardChange({
          ...board,
          containers: board.containers.map((container) => (container.id === decision.containerId ? { ...container, name: decision.name } : container)),
        });
        break;
      }
      case 'open_pipeline':
        setSearch({ section: 'statuses', pipeline: decision.pipelineId });
        break;
      case 'remove_pipeline':
        onBoardChange({ pipelineId: decision.pipelineId, containers: [] });
        break;
      case 'drop_field':
        onFieldsChange(otherFields.filter((id) => id !== decision.fieldId));
        break;
      case 'open_step':
        goTo(decision.step);
        break;
    }
  };

  // Opened from the card's "Review changes": the tray's heading takes focus once it is there.
  const reviewRequested = params.get('review') === '1';
  const trayShown = review !== null && review.items.length > 0;
  useEffect(() => {
    if (reviewRequested && trayShown) trayHeadingRef.current?.focus();
  }, [reviewRequested, trayShown]);

  // Next: everything mapped, else say what is missing and where.
  const [attempted, setAttempted] = useState(false);
  const problemsRef = useRef<HTMLDivElement>(null);
  const problems = useMemo(
    () =>
      pipelines.flatMap((pipeline) => {
        const board = boards.get(pipeline.id) ?? emptyBoard(pipeline.id);
        const progress = pipelineProgress(board, pipeline.statuses);
        return progress.done ? [] : [{ pipeline, progress, unmapped: unmappedStatuses(board, pipeline.statuses) }];
      }),
    [pipelines, boards],
  );
  const [leaving, setLeaving] = useState(false);

  const onNext = async () => {
    if (review && review.pendingHere > 0) {
      setReviewBlocked(true);
      focusNextFrame(() => trayHeadingRef.current);
      return;
    }
    if (problems.length > 0) {
      setAttempted(true);
      focusNextFrame(() => problemsRef.current);
      return;
    }
    setLeaving(true);
    const ok = await autosave.flush();
    setLeaving(false);
    if (ok) goTo('calculation');
  };

  // Leaving (Back, the stepper, a link) first sends what is not saved yet; only a failed save asks.
  const leaveGuard = useAutosaveLeaveGuard(autosave);
  const retryRef = useRef<HTMLButtonElement>(null);

  return (
    <div className={s.step}>
      <div className={s.intro}>
        <div className={s.introText}>
          <h2>{t('mapping.title')}</h2>
          <p className={pageClass.intro}>{t('mapping.intro')}</p>
        </div>
        <button type="button" className={buttonClass({ variant: 'ghost', size: 'small' })} onClick={() => refresh.mutate()} disabled={refresh.isPending}>
          {refresh.isPending ? t('mapping.refreshing') : t('mapping.refresh')}
        </button>
      </div>
      {refresh.isError ? (
        <p role="alert" className={WARNING}>
          {describeApiError(refresh.error, t, crmName)}
        </p>
      ) : null}
      {changes.isError ? (
        <div role="alert" className={WARNING}>
          <p>
            {t('drift.tray.loadError')} {describeApiError(changes.error, t, crmName)}
          </p>
          <button type="button" className={buttonClass({ size: 'small' })} onClick={() => void changes.refetch()}>
            {t('wizard.retry')}
          </button>
        </div>
      ) : null}
      {trayShown && changes.data ? (
        <ChangesTray
          crm={crmName}
          data={changes.data}
          config={draft}
          schema={schema}
          acknowledged={acknowledged}
          onDecide={onDecide}
          onAcknowledge={onAcknowledge}
          blocked={reviewBlocked}
          shownPipelineId={section === 'statuses' ? selectedPipeline?.id : undefined}
          headingRef={trayHeadingRef}
        />
      ) : null}
      <Tabs.Root
        className={s.sections}
        value={section}
        onValueChange={(value) => setSearch({ section: value === 'fields' ? 'fields' : 'statuses' })}
      >
        <Tabs.List className={s.tabs} aria-label={t('mapping.sections')}>
          <Tabs.Trigger className={s.tab} value="statuses">
            {t('mapping.statusesTab')}
          </Tabs.Trigger>
          <Tabs.Trigger className={s.tab} value="fields">
            {t('mapping.fieldsTab')}
          </Tabs.Trigger>
        </Tabs.List>
        <Tabs.Content value="statuses" className={s.panel}>
          {selectedPipeline ? (
            <StatusMapping
              pipelines={pipelines}
              boards={boards}
              selectedPipelineId={selectedPipeline.id}
              onSelectPipeline={onSelectPipeline}
              onBoardChange={onBoardChange}
              onApplyMapping={onApplyMapping}
              aside={
                <PipelineFunnelPreview
                  connector={connector}
                  deals={deals}
                  config={saved}
                  pipeline={selectedPipeline}
                  board={boards.get(selectedPipeline.id) ?? emptyBoard(selectedPipeline.id)}
                  fields={schema.customFields}
                />
              }
            />
          ) : (
            <p className={feedbackClass.emptyState}>{t('mapping.pipelines.none')}</p>
          )}
        </Tabs.Content>
        <Tabs.Content value="fields" className={s.panel}>
          <CustomFields fields={schema.customFields} selected={otherFields} onChange={onFieldsChange} />
        </Tabs.Content>
      </Tabs.Root>

      {attempted && problems.length > 0 ? (
        <div ref={problemsRef} tabIndex={-1} role="alert" className={s.problems}>
          <h3>{t('mapping.problems.title')}</h3>
          <ul className={s.problemList}>
            {problems.map(({ pipeline, progress, unmapped }) => (
              <li key={pipeline.id} className={s.problem}>
                <div className={s.problemText}>
                  <strong>{pipeline.name}</strong>
                  <ul className={s.problemDetails}>
                    {progress.mapped < progress.total ? (
                      <li>
                        {t('mapping.problems.unmapped', { count: progress.total - progress.mapped })}{' '}
                        <span className={s.problemNames}>{unmapped.map((status) => status.name).join(', ')}</span>
                      </li>
                    ) : null}
                    {progress.missingMarkers.map((marker) => (
                      <li key={marker}>{t('mapping.flags.missingMarker', { marker: t(`mapping.markers.${marker}`) })}</li>
                    ))}
                    {progress.emptyContainers > 0 ? <li>{t('mapping.flags.emptyContainers', { count: progress.emptyContainers })}</li> : null}
                    {progress.staleStatusIds.length > 0 ? <li>{t('mapping.problems.stale', { count: progress.staleStatusIds.length })}</li> : null}
                  </ul>
                </div>
                <button
                  type="button"
                  className={FIX_BUTTON}
                  title={t('mapping.problems.fix', { name: pipeline.name })}
                  onClick={() => setSearch({ section: 'statuses', pipeline: pipeline.id })}
                >
                  <span className={s.fixLabel}>{t('mapping.problems.fix', { name: pipeline.name })}</span>
                </button>
              </li>
            ))}
          </ul>
        </div>
      ) : null}

      <StepFooter onBack={() => goTo('filter')} onNext={() => void onNext()} busy={leaving} status={<SaveStatus state={autosave.state} retryRef={retryRef} />} />

      {/* Staying: the way forward is the save's "Try again". */}
      <LeaveDialog guard={leaveGuard} returnFocus={retryRef} />
    </div>
  );
}
