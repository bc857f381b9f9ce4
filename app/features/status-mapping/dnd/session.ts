import type { Board } from '../model/board';

import type { DropTarget } from './drop-target';

/**
 * What the collision detection, the keyboard coordinate getter and the announcements share
 * during one drag. It lives in a ref (it changes on every key press, and nothing renders
 * from it directly) and survives the drag's end, so the end announcement can still read it.
 */
export interface DragSession {
  /** The board when the drag started. Statuses move only on drop, so it stays valid throughout. */
  board: Board;
  mode: 'pointer' | 'keyboard';
  /** Keyboard drags of a status: the position the arrows have reached. */
  keyboardTarget: DropTarget | null;
  /** Keyboard drags of a container: the container whose place it would take. */
  keyboardContainerId: string | null;
  /** Pointer drags of a status: the position under the pointer (the collision detection's result; dnd-kit's `over` is the board). */
  pointerTarget: DropTarget | null;
  /** Pointer drags: the position last announced (announcements follow the moves, once per position). */
  announcedTarget: string | null;
  /** The first `over` of a drag is the starting place: not worth announcing. */
  announcedFirstOver: boolean;
}

export function startSession(board: Board, mode: DragSession['mode']): DragSession {
  return { board, mode, keyboardTarget: null, keyboardContainerId: null, pointerTarget: null, announcedTarget: null, announcedFirstOver: false };
}

/**
 * Holds the current drag session. Created once per board (`useState(() => new …)`), it is
 * handed to the collision detection, the coordinate getter and the announcements, which
 * read it only while a drag runs — never during render.
 */
export class DragSessionStore {
  private session: DragSession | null = null;

  readonly get = (): DragSession | null => this.session;

  start(board: Board, mode: DragSession['mode']): DragSession {
    this.session = startSession(board, mode);
    return this.session;
  }
}
