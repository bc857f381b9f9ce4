import { useCallback, useEffect, useEffectEvent, useRef, useState } from 'react';

import type { MappingConfig } from '@/contracts/mapping-config';
import { ApiError } from '@/lib/api-client';

import type { DraftAutosave } from './use-draft-autosave';

/** One section of the configuration as a form's draft, and how its items map to the form's rows. */
export interface FormDraft<TSection> {
  section: TSection;
  /** For each item of the section, the form row it came from (server errors point into the section). */
  rows: readonly number[];
  /** Form rows whose latest edit the draft cannot hold yet (shown only; leaving would lose it). */
  unsaved: readonly number[];
}

export interface FormDraftAutosaveOptions<TValues, TSection> {
  autosave: DraftAutosave;
  /** The autosave queue key (a later change replaces a queued one). */
  key: string;
  /** react-hook-form's `watch` (the callback form) and `getValues`. */
  watch: (callback: () => void) => { unsubscribe: () => void };
  getValues: () => TValues;
  /** Builds the draft from the form's values; `previous` is the section last sent (or the initial one). */
  toDraft: (values: TValues, previous: TSection | null) => FormDraft<TSection>;
  /** Writes the section into the document, replacing only that section. */
  write: (config: MappingConfig, section: TSection) => MappingConfig;
  /**
   * Where a server error (a JSON pointer into the document) lands in the form, given the form
   * row of each item of the draft last sent; null when it is not about this form.
   */
  errorPath: (pointer: string, rowOf: (index: number) => number | undefined) => string | null;
  /** react-hook-form's `setError`, for a path `errorPath` returned. */
  setError: (path: string, error: { type: 'server'; message: string }, options: { shouldFocus: boolean }) => void;
}

export interface FormDraftAutosave<TSection> {
  /** Rows the draft cannot hold yet (state: changes only when the set does). */
  unsaved: readonly number[];
  /** The form row of the section's item `index` in the draft last sent. */
  rowOf: (index: number) => number | undefined;
  /**
   * Queues a given draft (Next's cleaned-up version of the section) and sends everything now;
   * resolves true once saved. When the server refuses it, focus goes to the first field it names.
   */
  submit: (draft: FormDraft<TSection>) => Promise<boolean>;
}

/**
 * Autosaves a react-hook-form step through the debounced draft autosave: every change to the
 * form is turned into a draft of the step's section and queued when it differs from what was
 * last sent (so mounting, re-renders and no-op edits send nothing). A draft the server
 * refuses (422) puts its messages on the fields they point at.
 */
export function useFormDraftAutosave<TValues, TSection>(options: FormDraftAutosaveOptions<TValues, TSection>): FormDraftAutosave<TSection> {
  const { autosave, key, watch, getValues } = options;
  const { schedule } = autosave;
  const [unsaved, setUnsaved] = useState<readonly number[]>([]);
  const latest = useRef(options);
  const sent = useRef<{ json: string; section: TSection; rows: readonly number[] } | null>(null);

  useEffect(() => {
    latest.current = options;
  });

  const queue = useCallback(
    (section: TSection, rows: readonly number[]) => {
      const json = JSON.stringify(section);
      if (sent.current?.json === json) return;
      sent.current = { json, section, rows };
      schedule(key, (config) => latest.current.write(config, section));
    },
    [key, schedule],
  );

  useEffect(() => {
    // What the form starts from counts as sent: only changes are saved.
    const initial = latest.current.toDraft(getValues(), null);
    sent.current = { json: JSON.stringify(initial.section), section: initial.section, rows: initial.rows };
    const subscription = watch(() => {
      const draft = latest.current.toDraft(getValues(), sent.current?.section ?? null);
      queue(draft.section, draft.rows);
      setUnsaved((current) => (sameRows(current, draft.unsaved) ? current : draft.unsaved));
    });
    return () => subscription.unsubscribe();
  }, [watch, getValues, queue]);

  const rowOf = useCallback((index: number) => sent.current?.rows[index], []);

  // After a submit, the first refused field takes focus; while typing, focus stays put.
  const focusErrors = useRef(false);
  const saveError = autosave.state.status === 'error' ? autosave.state.error : null;
  const applyServerErrors = useEffectEvent((error: unknown) => {
    let focus = focusErrors.current;
    focusErrors.current = false;
    if (!(error instanceof ApiError) || error.status !== 422) return;
    for (const fieldError of error.problem?.errors ?? []) {
      const path = latest.current.errorPath(fieldError.pointer, rowOf);
      if (!path) continue;
      latest.current.setError(path, { type: 'server', message: fieldError.code ?? fieldError.message }, { shouldFocus: focus });
      focus = false;
    }
  });
  useEffect(() => {
    if (saveError) applyServerErrors(saveError);
  }, [saveError]);

  const { flush } = autosave;
  const submit = useCallback(
    async (draft: FormDraft<TSection>) => {
      queue(draft.section, draft.rows);
      setUnsaved(draft.unsaved);
      focusErrors.current = true;
      const ok = await flush();
      if (ok) focusErrors.current = false;
      return ok;
    },
    [queue, flush],
  );
  return { unsaved, rowOf, submit };
}

function sameRows(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index]);
}
