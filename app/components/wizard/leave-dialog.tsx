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

/**
 * The autosaved step's questions: "Leave without saving?" when its draft could not be saved,
 * and "Restore your unsaved changes?" when edits kept from an earlier visit (the page was
 * closed before they reached the server) meet settings someone else changed since.
 */
export function LeaveDialog({ guard, unsavedDescription, returnFocus }: LeaveDialogProps) {
  const { t } = useTranslation();
  const kept = guard.keptDraft;
  return (
    <>
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
      <ConfirmDialog
        open={kept !== null && guard.problem === null}
        onOpenChange={(open) => {
          if (!open) kept?.discard();
        }}
        title={t('wizard.keptDraft.title')}
        description={t('wizard.keptDraft.description')}
        confirmLabel={t('wizard.keptDraft.apply')}
        cancelLabel={t('wizard.keptDraft.discard')}
        onConfirm={() => kept?.apply()}
      />
    </>
  );
}
