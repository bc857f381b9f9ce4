import type { RefObject } from 'react';
import { useTranslation } from 'react-i18next';

import { cx } from '@/components/ui/class-names';
import { SaveStatus, saveStatusClass } from '@/components/wizard/save-status';
import type { DraftAutosave } from '@/hooks/use-draft-autosave';
import { describeApiError } from '@/lib/api-errors';

const STATUS_ERROR = cx(saveStatusClass.status, saveStatusClass.error);

export interface CalculationStatusProps {
  connectorName: string;
  autosave: DraftAutosave;
  /** The activation's failure (other than the listed problems), if any. */
  activationError: unknown;
  activating: boolean;
  /** The numbers of the fields that cannot be saved yet (no name of their own). */
  unsaved: readonly number[];
  /** How many fields show a validation error. */
  invalidCount: number;
  retryRef: RefObject<HTMLButtonElement | null>;
}

/**
 * The step footer's one line, most urgent first: a failed activation, a failed save, activating,
 * fields that will not be saved, fields with errors, else the save state.
 */
export function CalculationStatus({ connectorName, autosave, activationError, activating, unsaved, invalidCount, retryRef }: CalculationStatusProps) {
  const { t } = useTranslation();
  if (activationError) {
    return (
      <span className={STATUS_ERROR} role="alert">
        {describeApiError(activationError, t, connectorName)}
      </span>
    );
  }
  if (autosave.state.status === 'error') return <SaveStatus state={autosave.state} retryRef={retryRef} />;
  if (activating) return <span className={saveStatusClass.status}>{t('calculation.activating', { name: connectorName })}</span>;
  if (unsaved.length > 0 && autosave.state.status !== 'pending') {
    return <span className={STATUS_ERROR}>{t('calculation.notSaved', { count: unsaved.length, list: unsaved.join(', ') })}</span>;
  }
  if (invalidCount > 0) return <span className={STATUS_ERROR}>{t('calculation.fixErrors', { count: invalidCount })}</span>;
  return <SaveStatus state={autosave.state} retryRef={retryRef} />;
}
