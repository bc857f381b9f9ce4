import { useId, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';

import { LIMITS } from '@/contracts/mapping-config';
import { focusIsLost } from '@/lib/focus';
import { iconButtonClass } from '@/components/ui/button';
import { cx, moduleClasses } from '@/components/ui/class-names';
import { formClass } from '@/components/ui/form';
import { PencilIcon } from '@/components/ui/icons';

import { containerNameError } from '../model/naming';

import { useBoardActions } from './board-context';
import styles from './status-container.module.css';

const s = moduleClasses(styles, ['title', 'titleEditing', 'name', 'nameInput', 'nameError', 'quiet']);
const EDITING = cx(s.title, s.titleEditing);
const RENAME_BUTTON = iconButtonClass(s.quiet);
const INPUT = cx(formClass.input, s.nameInput);
const ERROR = cx(formClass.error, s.nameError);

/**
 * A container's name with inline renaming: Enter saves, Escape cancels, an empty name is
 * refused with a message (and editing goes on), leaving the field saves a valid name.
 */
export function ContainerName({ containerId, name, editing }: { containerId: string; name: string; editing: boolean }) {
  const { t } = useTranslation();
  const actions = useBoardActions();
  const renameButton = useRef<HTMLButtonElement>(null);
  const refocus = useRef(false);

  const finish = (andRefocus: boolean) => {
    refocus.current = andRefocus;
    actions.startRenaming(null);
  };

  // Enter or Escape in the field: the keyboard goes back to the pencil in the commit that
  // replaces the field with it (not a frame later, when the user may already be elsewhere).
  useLayoutEffect(() => {
    if (editing || !refocus.current) return;
    refocus.current = false;
    if (focusIsLost()) renameButton.current?.focus();
  }, [editing]);

  if (editing) return <NameEditor name={name} onSave={(value) => actions.renameContainer(containerId, value)} onDone={finish} />;

  return (
    <div className={s.title}>
      {/* A long name ends in an ellipsis: the whole name is its tooltip and (as its text) the heading's name. */}
      <h3 className={s.name} title={name} onDoubleClick={() => actions.startRenaming(containerId)}>
        {name}
      </h3>
      <button
        ref={renameButton}
        type="button"
        className={RENAME_BUTTON}
        aria-label={t('mapping.container.rename', { name })}
        onClick={() => actions.startRenaming(containerId)}
      >
        <PencilIcon />
      </button>
    </div>
  );
}

function NameEditor({ name, onSave, onDone }: { name: string; onSave: (name: string) => void; onDone: (refocus: boolean) => void }) {
  const { t } = useTranslation();
  const [value, setValue] = useState(name);
  const [error, setError] = useState<string | null>(null);
  const errorId = useId();
  const settled = useRef(false);

  const save = (refocus: boolean): boolean => {
    const problem = containerNameError(value);
    if (problem) {
      setError(t(problem === 'empty' ? 'mapping.container.nameEmpty' : 'mapping.container.nameTooLong', { max: LIMITS.name }));
      return false;
    }
    settled.current = true;
    onSave(value);
    onDone(refocus);
    return true;
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      save(true);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      settled.current = true;
      onDone(true);
    }
  };

  return (
    <div className={EDITING}>
      <input
        className={INPUT}
        aria-label={t('mapping.container.nameLabel')}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? errorId : undefined}
        value={value}
        maxLength={LIMITS.name}
        // Renaming starts on the user's request (button, double-click, a new container): the field takes focus.
        autoFocus
        onFocus={(event) => event.currentTarget.select()}
        onChange={(event) => {
          setValue(event.target.value);
          if (error) setError(null);
        }}
        onKeyDown={onKeyDown}
        onBlur={() => {
          if (settled.current) return;
          // Leaving the field keeps a valid name and drops an invalid one.
          if (!save(false)) onDone(false);
        }}
      />
      {error ? (
        <p id={errorId} className={ERROR} role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}
