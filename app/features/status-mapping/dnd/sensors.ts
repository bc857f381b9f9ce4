import type { KeyboardCoordinateGetter } from '@dnd-kit/core';
import { useMemo } from 'react';

import { useWizardDragSensors } from '@/lib/drop-target-dnd';

/**
 * The board's sensors: pointer past 6 px, touch after a 250 ms press, keyboard (Space/Enter)
 * with target-to-target arrows. `coordinateGetter` must be stable (memoized).
 */
export function useBoardSensors(coordinateGetter: KeyboardCoordinateGetter) {
  const keyboardOptions = useMemo(() => ({ coordinateGetter }), [coordinateGetter]);
  return useWizardDragSensors(keyboardOptions);
}
