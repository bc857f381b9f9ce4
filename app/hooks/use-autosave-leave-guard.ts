import { useCallback, useEffect, useRef, useState } from 'react';

import type { DraftAutosave, KeptDraftChoice } from './use-draft-autosave';
import { useUnsavedChangesPrompt } from './use-unsaved-changes-prompt';

/** Why leaving needs the user's word: the draft could not be saved, or part of it cannot be saved yet. */
export type LeaveProblem = 'saveFailed' | 'unsaved';

export interface AutosaveLeaveGuard {
  /** Non-null while a leave is held and the user has to choose. */
  problem: LeaveProblem | null;
  /** Cancel the leave and stay on the step. */
  stay: () => void;
  /** Leave anyway (what is not saved is lost). */
  leave: () => void;
  /** Edits kept from an earlier visit that wait for the user's decision (the server moved on since). */
  keptDraft: KeptDraftChoice | null;
}

/**
 * Leaving an autosaved step (Back, Skip, the stepper, a link) first sends whatever is still
 * queued and goes on once it is saved; it asks only when that save fails, or when the step
 * holds edits that cannot be saved as a draft yet (`unsaved`). Closing the tab or reloading
 * needs no question for what the autosave can send or keep (it does so on page hide); the
 * browser's own prompt stays only for what would truly be lost: edits the draft cannot hold
 * (`unsaved`, e.g. a half-filled form row), and pending saves in a browser that cannot keep
 * drafts (storage blocked).
 */
export function useAutosaveLeaveGuard(autosave: DraftAutosave, unsaved = false): AutosaveLeaveGuard {
  const blocker = useUnsavedChangesPrompt(autosave.dirty || unsaved, unsaved || autosave.atRisk);
  const [problem, setProblem] = useState<LeaveProblem | null>(null);
  const { flush } = autosave;
  const blockerRef = useRef(blocker);
  const unsavedRef = useRef(unsaved);
  const leaveAttempt = useRef<unknown>(null);

  useEffect(() => {
    blockerRef.current = blocker;
    unsavedRef.current = unsaved;
    if (blocker.state !== 'blocked') {
      leaveAttempt.current = null;
      return;
    }
    // One save attempt per attempt to leave (re-renders while it runs must not send it again).
    if (leaveAttempt.current === blocker.location) return;
    leaveAttempt.current = blocker.location;
    void flush().then((ok) => {
      const current = blockerRef.current;
      if (current.state !== 'blocked') return;
      if (!ok) setProblem('saveFailed');
      else if (unsavedRef.current) setProblem('unsaved');
      else current.proceed();
    });
  }, [blocker, flush, unsaved]);

  const stay = useCallback(() => {
    setProblem(null);
    const current = blockerRef.current;
    if (current.state === 'blocked') current.reset();
  }, []);
  const leave = useCallback(() => {
    setProblem(null);
    const current = blockerRef.current;
    if (current.state === 'blocked') current.proceed();
  }, []);

  return { problem: blocker.state === 'blocked' ? problem : null, stay, leave, keptDraft: autosave.keptDraft };
}
