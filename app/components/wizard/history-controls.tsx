import { useEffect, useEffectEvent, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { buttonClass } from '@/components/ui/button';
import { RedoIcon, UndoIcon } from '@/components/ui/icons';
import { visuallyHidden } from '@/components/ui/visually-hidden';
import type { ConnectorId } from '@/contracts/connector';
import type { CrmSchema } from '@/contracts/crm-schema';
import { changeNames, changeSentence } from '@/lib/change-sentence';
import { historyShortcut, leaveToElement } from '@/lib/history-shortcuts';
import { stepHistory, useHistoryOf, type HistoryScope } from '@/stores/history-store';

import styles from './history-controls.module.css';

const BUTTON = buttonClass({ variant: 'ghost', size: 'small' });

/** The shortcuts as the tooltips name them: ⌘ on Apple keyboards, Ctrl elsewhere. */
function shortcutNames(): { undo: string; redo: string } {
  const apple = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);
  return apple ? { undo: '⌘Z', redo: '⇧⌘Z' } : { undo: 'Ctrl+Z', redo: 'Ctrl+Shift+Z' };
}

export interface HistoryControlsProps {
  connector: ConnectorId;
  scope: HistoryScope;
  /** For the names in what is announced. */
  schema: CrmSchema | undefined;
}

/**
 * Undo and Redo for the step on screen, as buttons and as Ctrl/Cmd+Z, Ctrl/Cmd+Shift+Z and
 * Ctrl+Y anywhere on the page except in a text field (where the browser undoes the typing),
 * a dialog or a drag. What was undone or redone is announced.
 */
export function HistoryControls({ connector, scope, schema }: HistoryControlsProps) {
  const { t } = useTranslation();
  const history = useHistoryOf(connector, scope);
  const names = useMemo(() => changeNames(schema), [schema]);
  const [keys] = useState(shortcutNames);
  const [message, setMessage] = useState({ text: '', count: 0 });
  const undoRef = useRef<HTMLButtonElement>(null);
  const redoRef = useRef<HTMLButtonElement>(null);
  const lastPast = history.past.at(-1);
  const lastFuture = history.future.at(-1);

  const run = (direction: 'undo' | 'redo') => {
    const entry = stepHistory(connector, scope, direction);
    const text = entry
      ? t(direction === 'undo' ? 'history.undone' : 'history.redone', { change: changeSentence(entry.label, names, t) })
      : t(direction === 'undo' ? 'history.nothingToUndo' : 'history.nothingToRedo');
    setMessage((previous) => ({ text, count: previous.count + 1 }));
    // What had focus may be gone (an undone container): focus stays in the chrome, not on the page's body.
    requestAnimationFrame(() => {
      const active = document.activeElement;
      // A disabled button keeps focus in some browsers but takes no keys: focus lost all the same.
      const lost = active === null || active === document.body || !active.isConnected || (active instanceof HTMLButtonElement && active.disabled);
      if (lost) {
        const button = direction === 'undo' ? undoRef.current : redoRef.current;
        (button && !button.disabled ? button : (undoRef.current?.disabled ? redoRef.current : undoRef.current))?.focus();
      }
    });
  };

  const onKeyDown = useEffectEvent((event: KeyboardEvent) => {
    if (event.defaultPrevented) return;
    const direction = historyShortcut(event);
    if (!direction || leaveToElement(event.target)) return;
    event.preventDefault();
    run(direction);
  });
  useEffect(() => {
    const listener = (event: KeyboardEvent) => onKeyDown(event);
    document.addEventListener('keydown', listener);
    return () => document.removeEventListener('keydown', listener);
  }, []);

  return (
    <>
      {/* A group, not a toolbar: two buttons in the tab order, no arrow-key roving to learn. */}
      <div className={styles.controls} role="group" aria-label={t('history.toolbar')}>
        <button
          ref={undoRef}
          type="button"
          className={BUTTON}
          disabled={!lastPast}
          aria-keyshortcuts="Control+Z Meta+Z"
          title={lastPast ? t('history.undoTitle', { change: changeSentence(lastPast.label, names, t), keys: keys.undo }) : t('history.nothingToUndo')}
          onClick={() => run('undo')}
          data-history="undo"
        >
          <UndoIcon />
          {t('history.undo')}
        </button>
        <button
          ref={redoRef}
          type="button"
          className={BUTTON}
          disabled={!lastFuture}
          aria-keyshortcuts="Control+Shift+Z Meta+Shift+Z Control+Y"
          title={lastFuture ? t('history.redoTitle', { change: changeSentence(lastFuture.label, names, t), keys: keys.redo }) : t('history.nothingToRedo')}
          onClick={() => run('redo')}
          data-history="redo"
        >
          <RedoIcon />
          {t('history.redo')}
        </button>
      </div>
      <p className={visuallyHidden} role="status" aria-live="polite">
        {message.text}
        {message.count % 2 === 1 ? '\u00a0' : ''}
      </p>
    </>
  );
}
