import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

import { ConfirmDialog, type ReturnFocus } from '@/components/ui/confirm-dialog';
import type { AutosaveLeaveGuard } from '@/hooks/use-autosave-leave-guard';

export interface LeaveDialogProps {
  guard: AutosaveLeaveGuard;
  /** What cannot be saved yet (for `problem === 'unsaved'`). */
  unsavedDescription?: ReactNode;
  /** Where focus goes when the user stays (the dialog has no trigger of its own). */
  returnFocus?: ReturnFocus;
}

/** "Leave without saving?" for an autosaved step whose draft could not be saved. */
export function LeaveDialog({ guard, unsavedDescription, returnFocus }: LeaveDialogProps) {
  const { t } = useTranslation();
  return (
    <ConfirmDialog
      open={guard.problem !== null}
      onOpenChange={(open) => {
        if (!open) guard.stay();
      }}
      title={t('wizard.unsaved.title')}
      description={guard.problem === 'unsaved' && unsavedDescription ? unsavedDescription : t('wizard.unsaved.saveFailed')}
      confirmLabel={t('wizard.unsaved.leave')}
      cancelLabel={t('wizard.unsaved.stay')}
      tone="danger"
      onConfirm={guard.leave}
      returnFocus={returnFocus}
    />
  );
}
