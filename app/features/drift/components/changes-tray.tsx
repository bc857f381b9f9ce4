import { useEffect, useId, useMemo, useRef, useState, type Ref } from 'react';
import { useTranslation } from 'react-i18next';

import { buttonClass } from '@/components/ui/button';
import { cx, moduleClasses } from '@/components/ui/class-names';
import { visuallyHidden } from '@/components/ui/visually-hidden';
import type { CrmSchema } from '@/contracts/crm-schema';
import type { ConnectorChanges, SchemaChange } from '@/contracts/drift';
import type { MappingConfig } from '@/contracts/mapping-config';
import { useFocusAfterCommit } from '@/lib/focus';

import { canAcknowledge, type Decision } from '../model/review';
import { changeNames, changeText, decidedText, decisionLabel, reviewProgress, trayDecisions } from '../model/tray';

import styles from './changes-tray.module.css';

const s = moduleClasses(styles, ['tray', 'head', 'heading', 'count', 'countDone', 'toggle', 'body', 'intro', 'blocked', 'list', 'item', 'mark', 'text', 'hint', 'done', 'actions', 'action', 'actionLabel', 'newsTitle']);
const ACTION = buttonClass({ size: 'small', className: s.action });
const PRIMARY_ACTION = buttonClass({ size: 'small', variant: 'primary', className: s.action });

export interface ChangesTrayProps {
  crm: string;
  data: ConnectorChanges;
  /** The current draft: what settles a change is read from it. */
  config: MappingConfig;
  schema: CrmSchema;
  /** Changes settled by "keep" or "OK". */
  acknowledged: ReadonlySet<string>;
  onDecide: (decision: Decision, change: SchemaChange) => void;
  onAcknowledge: (change: SchemaChange) => void;
  /** Next was pressed with changes still undecided: say so. */
  blocked: boolean;
  /** The pipeline the board shows: "Show it on the board" is not offered for it. */
  shownPipelineId?: string | undefined;
  headingRef?: Ref<HTMLHeadingElement>;
}

/**
 * The review of what changed in the CRM, above the Mapping step's board: each change with its
 * decisions, settled ones marked done, "2 of 3 decided". Decisions are carried out by the
 * route with the board's own edits; the tray only reads the draft to see what is settled.
 */
export function ChangesTray({ crm, data, config, schema, acknowledged, onDecide, onAcknowledge, blocked, shownPipelineId, headingRef }: ChangesTrayProps) {
  const { t } = useTranslation();
  const id = useId();
  const headingId = `${id}-heading`;
  const bodyId = `${id}-body`;
  const [open, setOpen] = useState(true);
  const bodyRef = useRef<HTMLDivElement>(null);
  const countRef = useRef<HTMLParagraphElement>(null);
  const focusAfterCommit = useFocusAfterCommit();

  const progress = useMemo(() => reviewProgress(data.changes, config, acknowledged, schema), [data.changes, config, acknowledged, schema]);
  const names = changeNames(crm, data, schema, config, t);
  const decisive = progress.items.filter((item) => !item.news);
  const news = progress.items.filter((item) => item.news);
  const countText = progress.total > 0 ? t('drift.tray.count', { decided: progress.decided, total: progress.total }) : null;

  // Said once a decision has landed: what was done, then where the review stands.
  const lastAction = useRef<string | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const settled = progress.decided + news.filter((item) => item.decided).length;
  useEffect(() => {
    const action = lastAction.current;
    if (action === null) return;
    lastAction.current = null;
    const where = progress.pending === 0 && progress.total > 0 ? t('drift.tray.allDecided') : (countText ?? '');
    setAnnouncement(t('drift.tray.announce', { action, count: where }));
  }, [settled, progress.pending, progress.total, countText, t]);

  const act = (label: string, run: () => void) => {
    lastAction.current = label;
    // A settled change loses its buttons: focus goes to the next change still open, else the count.
    focusAfterCommit(() => bodyRef.current?.querySelector<HTMLElement>('[data-pending="true"] button') ?? countRef.current);
    run();
  };

  const renderItem = ({ change, key, decided, news: isNews }: (typeof progress.items)[number]) => {
    const text = changeText(change, names, t);
    const decisions = trayDecisions(change).filter(
      (decision) => !(change.kind === 'status_added' && decision.type === 'open_pipeline' && decision.pipelineId === shownPipelineId),
    );
    return (
      <li key={key} className={s.item} data-change={key} data-decided={decided} data-pending={!decided} data-news={isNews}>
        <span className={s.mark} aria-hidden="true">
          {decided ? '✓' : isNews ? 'i' : '!'}
        </span>
        <div className={s.text}>
          <p>{text}</p>
          {decided ? (
            <p className={s.done}>{isNews ? t('drift.tray.seen') : decidedText(change, config, t)}</p>
          ) : change.kind === 'status_added' ? (
            <p className={s.hint}>{t('drift.tray.placeHint')}</p>
          ) : null}
        </div>
        {decided ? null : (
          <div className={s.actions}>
            {decisions.map((decision, index) => {
              const label = decisionLabel(decision, change, names, t);
              return (
                <button
                  key={`${decision.type}:${index}`}
                  type="button"
                  className={index === 0 ? PRIMARY_ACTION : ACTION}
                  title={label}
                  onClick={() => act(label, () => onDecide(decision, change))}
                >
                  <span className={s.actionLabel}>{label}</span>
                </button>
              );
            })}
            {canAcknowledge(change) ? (
              <button
                type="button"
                className={decisions.length === 0 ? PRIMARY_ACTION : ACTION}
                onClick={() => act(keepLabel(change, names, t), () => onAcknowledge(change))}
              >
                <span className={s.actionLabel}>{keepLabel(change, names, t)}</span>
                {change.kind === 'status_renamed' ? null : <span className={visuallyHidden}>: {text}</span>}
              </button>
            ) : null}
          </div>
        )}
      </li>
    );
  };

  return (
    <section className={s.tray} aria-labelledby={headingId} data-review-tray>
      <div className={s.head}>
        <h3 id={headingId} ref={headingRef} className={s.heading} tabIndex={-1}>
          {t('drift.tray.title', { crm })}
        </h3>
        {countText ? (
          <p ref={countRef} tabIndex={-1} className={cx(s.count, progress.pending === 0 && s.countDone)}>
            {countText}
          </p>
        ) : null}
        <button type="button" className={buttonClass({ variant: 'ghost', size: 'small', className: s.toggle })} aria-expanded={open} aria-controls={bodyId} onClick={() => setOpen((value) => !value)}>
          {open ? t('drift.tray.hide') : t('drift.tray.show')}
        </button>
      </div>
      <div ref={bodyRef} id={bodyId} className={s.body} hidden={!open}>
        <p className={s.intro}>{progress.pending === 0 && progress.total > 0 ? t('drift.tray.allDecided') : t('drift.tray.intro')}</p>
        {blocked && progress.pendingHere > 0 ? (
          <p role="alert" className={s.blocked}>
            {t('drift.tray.blocked', { count: progress.pendingHere })}
          </p>
        ) : null}
        <ul className={s.list}>
          {decisive.map(renderItem)}
        </ul>
        {news.length > 0 ? (
          <>
            <h4 className={s.newsTitle}>{t('drift.tray.news')}</h4>
            <ul className={s.list}>{news.map(renderItem)}</ul>
          </>
        ) : null}
      </div>
      <p role="status" className={visuallyHidden}>
        {announcement}
      </p>
    </section>
  );
}

function keepLabel(change: SchemaChange, names: ReturnType<typeof changeNames>, t: ReturnType<typeof useTranslation>['t']): string {
  if (change.kind === 'status_renamed') {
    const current = change.containerId ? names.container(change.pipelineId, change.containerId) : null;
    return current ? t('drift.tray.actions.keepNameFull', { name: current }) : t('drift.tray.actions.acknowledge');
  }
  return t('drift.tray.actions.acknowledge');
}
