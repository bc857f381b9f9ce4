import { useEffect, useRef } from 'react';

import type { DraftSections } from '@/api/kept-draft';
import type { ConfigUpdate } from '@/api/connector-config';
import type { ConnectorId } from '@/contracts/connector';
import { registerUndoTarget, type HistoryScope } from '@/stores/history-store';

/**
 * Makes the step on screen the one undo and redo write into: they schedule the sections
 * through `schedule` (the step's autosave) and hand them to `show`, which puts them into the
 * step's own state (its boards, its form) so what is on screen is what is saved.
 */
export function useUndoTarget(connector: ConnectorId, scope: HistoryScope, schedule: (key: string, update: ConfigUpdate) => void, show: (sections: DraftSections) => void) {
  const latest = useRef({ schedule, show });
  useEffect(() => {
    latest.current = { schedule, show };
  });
  useEffect(
    () =>
      registerUndoTarget(connector, scope, {
        schedule: (key, update) => latest.current.schedule(key, update),
        show: (sections) => latest.current.show(sections),
      }),
    [connector, scope],
  );
}
