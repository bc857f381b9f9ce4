import { describe, expect, it } from 'vitest';

import { markerOwner, proposeSystemMarkers, setMarker } from './markers';
import { STATUSES, board, container, status } from './test-data';

describe('markerOwner', () => {
  it('finds the container carrying the marker', () => {
    const b = board(container('a', ['10']), container('b', ['142'], { marker: 'completed' }));
    expect(markerOwner(b, 'completed')).toBe(b.containers[1]);
    expect(markerOwner(b, 'refusal')).toBeNull();
  });
});

describe('setMarker', () => {
  const start = () =>
    board(container('a', ['10']), container('b', ['142'], { marker: 'completed' }), container('c', ['143']));

  it('sets a free marker and keeps other containers', () => {
    const b = start();
    const result = setMarker(b, 'c', 'refusal', { move: false });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.board.containers[2]!.marker).toBe('refusal');
    expect(result.movedFrom).toBeNull();
    expect(result.board.containers[0]).toBe(b.containers[0]);
    expect(result.board.containers[1]).toBe(b.containers[1]);
  });

  it('reports a taken marker and its owner without changing anything', () => {
    const b = start();
    const result = setMarker(b, 'a', 'completed', { move: false });
    expect(result).toEqual({ ok: false, reason: 'taken', owner: b.containers[1] });
    expect(b.containers[1]!.marker).toBe('completed');
  });

  it('defaults to not moving', () => {
    expect(setMarker(start(), 'a', 'completed').ok).toBe(false);
  });

  it('moves a taken marker with move: true', () => {
    const b = start();
    const result = setMarker(b, 'a', 'completed', { move: true });
    if (!result.ok) throw new Error('expected ok');
    expect(result.board.containers.map((c) => c.marker)).toEqual(['completed', null, null]);
    expect(result.movedFrom).toBe(b.containers[1]);
    expect(result.board.containers[2]).toBe(b.containers[2]);
  });

  it('replaces the marker a container already carries', () => {
    const b = board(container('a', ['10'], { marker: 'pause' }));
    const result = setMarker(b, 'a', 'return');
    if (!result.ok) throw new Error('expected ok');
    expect(result.board.containers[0]!.marker).toBe('return');
  });

  it('clears with null, even when move is false', () => {
    const b = start();
    const result = setMarker(b, 'b', null, { move: false });
    if (!result.ok) throw new Error('expected ok');
    expect(result.board.containers[1]!.marker).toBeNull();
    expect(result.movedFrom).toBeNull();
  });

  it('is a no-op (same board) for the marker already there, null on no marker, or an unknown id', () => {
    const b = start();
    for (const [id, marker] of [
      ['b', 'completed'],
      ['a', null],
      ['zz', 'pause'],
    ] as const) {
      const result = setMarker(b, id, marker, { move: true });
      expect(result).toEqual({ ok: true, board: b, movedFrom: null });
      if (result.ok) expect(result.board).toBe(b);
    }
  });

  it('never leaves a marker twice on the board', () => {
    let b = start();
    for (const id of ['a', 'c', 'a', 'b']) {
      const result = setMarker(b, id, 'completed', { move: true });
      if (!result.ok) throw new Error('expected ok');
      b = result.board;
      expect(b.containers.filter((c) => c.marker === 'completed').map((c) => c.id)).toEqual([id]);
    }
  });
});

describe('proposeSystemMarkers', () => {
  it('proposes completed for 142 and refusal for 143, in CRM order', () => {
    const b = board(container('x', ['143']), container('a', ['10', '11']), container('w', ['142']));
    expect(proposeSystemMarkers(b, STATUSES)).toEqual([
      { containerId: 'w', marker: 'completed', statusId: '142' },
      { containerId: 'x', marker: 'refusal', statusId: '143' },
    ]);
  });

  it('proposes nothing for a marker already set elsewhere', () => {
    const b = board(container('a', ['10'], { marker: 'completed' }), container('w', ['142']), container('x', ['143']));
    expect(proposeSystemMarkers(b, STATUSES)).toEqual([{ containerId: 'x', marker: 'refusal', statusId: '143' }]);
  });

  it('proposes nothing for unmapped system statuses', () => {
    expect(proposeSystemMarkers(board(container('a', ['10', '11'])), STATUSES)).toEqual([]);
  });

  it('does not overwrite a container that carries another marker', () => {
    const b = board(container('w', ['142'], { marker: 'pause' }), container('x', ['143']));
    expect(proposeSystemMarkers(b, STATUSES)).toEqual([{ containerId: 'x', marker: 'refusal', statusId: '143' }]);
  });

  it('proposes nothing for a container holding both system statuses', () => {
    expect(proposeSystemMarkers(board(container('end', ['142', '143'])), STATUSES)).toEqual([]);
  });

  it('uses the kind, and proposes each marker once', () => {
    const statuses = [status(1, 'Won A', 'won'), status(2, 'Won B', 'won')];
    const b = board(container('a', ['1']), container('b', ['2']));
    expect(proposeSystemMarkers(b, statuses)).toEqual([{ containerId: 'a', marker: 'completed', statusId: '1' }]);
  });

  it('proposes nothing once both markers are set', () => {
    const b = board(container('w', ['142'], { marker: 'completed' }), container('x', ['143'], { marker: 'refusal' }));
    expect(proposeSystemMarkers(b, STATUSES)).toEqual([]);
  });

  it('accepting every proposal through setMarker sets both markers', () => {
    let b = board(container('a', ['10', '11', '12', '13']), container('w', ['142']), container('x', ['143']));
    for (const proposal of proposeSystemMarkers(b, STATUSES)) {
      const result = setMarker(b, proposal.containerId, proposal.marker);
      if (!result.ok) throw new Error('expected ok');
      b = result.board;
    }
    expect(b.containers.map((c) => c.marker)).toEqual([null, 'completed', 'refusal']);
    expect(proposeSystemMarkers(b, STATUSES)).toEqual([]);
  });
});
