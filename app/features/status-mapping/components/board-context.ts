import { createContext, useContext } from 'react';

import type { CrmStatus } from '@/contracts/crm-schema';
import type { Marker, PipelineMapping } from '@/contracts/mapping-config';

import type { MoveTarget } from '../model/move-status';

/**
 * Everything a board item can do. The object never changes identity (its functions read the
 * latest board through a ref), so items that take it never re-render because of it.
 */
export interface BoardActions {
  moveStatus: (statusId: string, target: MoveTarget) => void;
  moveToNewContainer: (statusId: string) => void;
  addContainer: () => void;
  renameContainer: (containerId: string, name: string) => void;
  removeContainer: (containerId: string) => void;
  moveContainerBy: (containerId: string, delta: -1 | 1) => void;
  /** Asks for confirmation when the marker is set on another container. */
  chooseMarker: (containerId: string, marker: Marker | null) => void;
  putRemainingInto: (containerId: string) => void;
  startRenaming: (containerId: string | null) => void;
}

export const BoardActionsContext = createContext<BoardActions | null>(null);

export function useBoardActions(): BoardActions {
  const actions = useContext(BoardActionsContext);
  if (!actions) throw new Error('useBoardActions() outside a status board');
  return actions;
}

/**
 * The current board, for what is rendered only on demand (open menus). Items do not read
 * it, so a change of the board re-renders only the containers it changed.
 */
export interface BoardState {
  board: PipelineMapping;
  statusesById: ReadonlyMap<string, CrmStatus>;
  unmappedCount: number;
}

export const BoardStateContext = createContext<BoardState | null>(null);

export function useBoardState(): BoardState {
  const state = useContext(BoardStateContext);
  if (!state) throw new Error('useBoardState() outside a status board');
  return state;
}
