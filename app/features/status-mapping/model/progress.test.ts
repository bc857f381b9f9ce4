import { describe, expect, it } from 'vitest';

import { pipelineProgress } from './progress';
import { STATUSES, board, container } from './test-data';

const complete = () =>
  board(
    container('a', ['10', '11', '12', '13']),
    container('w', ['142'], { marker: 'completed' }),
    container('x', ['143'], { marker: 'refusal' }),
  );

describe('pipelineProgress', () => {
  it('is done when everything is mapped, nothing is empty and both markers are set', () => {
    expect(pipelineProgress(complete(), STATUSES)).toEqual({
      mapped: 6,
      total: 6,
      done: true,
      emptyContainers: 0,
      missingMarkers: [],
      staleStatusIds: [],
    });
  });

  it('counts an empty board', () => {
    expect(pipelineProgress(board(), STATUSES)).toMatchObject({
      mapped: 0,
      total: 6,
      done: false,
      missingMarkers: ['completed', 'refusal'],
    });
  });

  it('is not done with an unmapped status', () => {
    const b = complete();
    b.containers[0] = container('a', ['10', '11', '12']);
    expect(pipelineProgress(b, STATUSES)).toMatchObject({ mapped: 5, total: 6, done: false });
  });

  it('is not done with an empty container', () => {
    const b = complete();
    b.containers.push(container('empty'));
    expect(pipelineProgress(b, STATUSES)).toMatchObject({ mapped: 6, done: false, emptyContainers: 1 });
  });

  it('is not done without the refusal or the completed marker', () => {
    const noRefusal = complete();
    noRefusal.containers[2] = container('x', ['143']);
    expect(pipelineProgress(noRefusal, STATUSES)).toMatchObject({ done: false, missingMarkers: ['refusal'] });
    const noCompleted = complete();
    noCompleted.containers[1] = container('w', ['142'], { marker: 'return' });
    expect(pipelineProgress(noCompleted, STATUSES)).toMatchObject({ done: false, missingMarkers: ['completed'] });
  });

  it('does not count statuses the CRM no longer has, and reports them', () => {
    const b = complete();
    b.containers[0] = container('a', ['10', '11', '12', '13', '777']);
    expect(pipelineProgress(b, STATUSES)).toMatchObject({ mapped: 6, total: 6, done: false, staleStatusIds: ['777'] });
  });

  it('does not need return or pause', () => {
    expect(pipelineProgress(complete(), STATUSES).done).toBe(true);
  });
});
