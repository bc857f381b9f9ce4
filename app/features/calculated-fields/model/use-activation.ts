import { useEffect, useEffectEvent, useState } from 'react';

import { useActivateConnector } from '@/api/connector-config';
import type { ConnectorId } from '@/contracts/connector';
import type { FieldError } from '@/contracts/problem';
import type { DraftAutosave } from '@/hooks/use-draft-autosave';
import { ApiError } from '@/lib/api-client';

/**
 * Activating the connector from the last step: what stops it (the API's 422
 * `config_incomplete` problems, listed with the way to each fix) and, once it succeeded,
 * `onDone` — after the render that let the leave guard go.
 */
export function useActivation(connector: ConnectorId, autosave: DraftAutosave, onDone: () => void) {
  const activation = useActivateConnector(connector);
  const [problems, setProblems] = useState<FieldError[] | null>(null);
  const [done, setDone] = useState(false);
  const finish = useEffectEvent(onDone);
  useEffect(() => {
    if (done) finish();
  }, [done]);

  const activate = async () => {
    setProblems(null);
    try {
      await activation.mutateAsync();
      setDone(true);
    } catch (error) {
      if (error instanceof ApiError && error.status === 422 && error.code === 'config_incomplete') {
        setProblems(error.problem?.errors ?? []);
      }
    }
  };

  /** Sends what is queued, then activates; a failed save stays on the step (its error says why). */
  const saveAndActivate = async () => {
    if (await autosave.flush()) await activate();
  };

  return {
    activate,
    saveAndActivate,
    problems,
    /** Activated: the step is being left (its leave guard must not ask). */
    done,
    pending: activation.isPending,
    /** A failure other than the listed problems (network, CRM, conflict). */
    error: activation.isError && !problems ? activation.error : null,
  };
}
