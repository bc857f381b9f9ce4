import { describe, expect, it } from 'vitest';

import { LIMITS } from '@/contracts/mapping-config';

import {
  applyAutoName,
  containerNameError,
  containerNameFrom,
  defaultContainerName,
  isAutoName,
  nameForDrop,
  type NamingContext,
} from './naming';
import { STATUSES, board, container, status } from './test-data';

const naming: NamingContext = { crmStatuses: STATUSES, defaultNames: ['New stage', 'Новый этап'] };

describe('containerNameError', () => {
  it('accepts a normal name and one of exactly the limit', () => {
    expect(containerNameError('In work')).toBeNull();
    expect(containerNameError('x'.repeat(LIMITS.name))).toBeNull();
    expect(containerNameError(`  ${'x'.repeat(LIMITS.name)}  `)).toBeNull();
  });

  it('rejects blank and too long names', () => {
    expect(containerNameError('')).toBe('empty');
    expect(containerNameError('   \t')).toBe('empty');
    expect(containerNameError('x'.repeat(LIMITS.name + 1))).toBe('too_long');
  });
});

describe('containerNameFrom', () => {
  it('trims, and cuts long text to the limit', () => {
    expect(containerNameFrom('  Decision ')).toBe('Decision');
    expect(containerNameFrom('y'.repeat(250))).toBe('y'.repeat(LIMITS.name));
  });

  it('does not leave trailing spaces after cutting', () => {
    const text = `${'a'.repeat(LIMITS.name - 1)} tail`;
    expect(containerNameFrom(text)).toBe('a'.repeat(LIMITS.name - 1));
  });

  it('returns null for blank text', () => {
    expect(containerNameFrom('  ')).toBeNull();
  });
});

describe('isAutoName', () => {
  it('recognises default names in every language, numbered or not, any case', () => {
    for (const name of ['New stage', 'New stage 2', 'new STAGE 10', ' Новый этап ', 'Новый этап 3']) {
      expect(isAutoName(name, naming), name).toBe(true);
    }
  });

  it('recognises status names', () => {
    expect(isAutoName('Negotiation', naming)).toBe(true);
    expect(isAutoName(' Successfully realized ', naming)).toBe(true);
  });

  it('treats anything else as the user’s', () => {
    for (const name of ['In work', 'New stage two', 'New stage2', 'A New stage', 'negotiation!']) {
      expect(isAutoName(name, naming), name).toBe(false);
    }
  });

  it('escapes regex characters in default names and ignores blank ones', () => {
    const context: NamingContext = { crmStatuses: [], defaultNames: ['Stage (new)', '  '] };
    expect(isAutoName('Stage (new) 4', context)).toBe(true);
    expect(isAutoName('Stage new', context)).toBe(false);
    expect(isAutoName('', context)).toBe(false);
  });

  it('recognises a long status name by its cut form', () => {
    const long = 'L'.repeat(150);
    expect(isAutoName('L'.repeat(LIMITS.name), { crmStatuses: [status(1, long)], defaultNames: [] })).toBe(true);
  });
});

describe('nameForDrop', () => {
  const negotiation = STATUSES[2]!;

  it('takes the status name for an empty auto-named container', () => {
    expect(nameForDrop(container('a', [], { name: 'New stage' }), negotiation, naming)).toBe('Negotiation');
    expect(nameForDrop(container('a', [], { name: 'Decision' }), negotiation, naming)).toBe('Negotiation');
  });

  it('keeps a user name', () => {
    expect(nameForDrop(container('a', [], { name: 'Talks' }), negotiation, naming)).toBe('Talks');
  });

  it('keeps the name of a container that already has statuses', () => {
    expect(nameForDrop(container('a', ['11'], { name: 'New stage' }), negotiation, naming)).toBe('New stage');
  });

  it('cuts a long status name and keeps the old name for a blank one', () => {
    const empty = container('a', [], { name: 'New stage' });
    expect(nameForDrop(empty, status(5, 'z'.repeat(300)), naming)).toBe('z'.repeat(LIMITS.name));
    expect(nameForDrop(empty, status(6, '   '), naming)).toBe('New stage');
  });
});

describe('defaultContainerName', () => {
  it('uses the base name when it is free', () => {
    expect(defaultContainerName(board(container('a', [], { name: 'In work' })), 'New stage')).toBe('New stage');
  });

  it('numbers from 2 and fills the first gap, case-insensitively', () => {
    const b = board(
      container('a', [], { name: 'new stage' }),
      container('b', [], { name: 'New stage 2' }),
      container('c', [], { name: 'New stage 4' }),
    );
    expect(defaultContainerName(b, 'New stage')).toBe('New stage 3');
  });

  it('produces names that isAutoName recognises and that fit the limit', () => {
    const base = 'b'.repeat(LIMITS.name);
    const name = defaultContainerName(board(container('a', [], { name: base })), base);
    expect(name.length).toBeLessThanOrEqual(LIMITS.name);
    expect(name.endsWith(' 2')).toBe(true);
    expect(isAutoName(defaultContainerName(board(), 'Новый этап'), naming)).toBe(true);
  });

  it('falls back when the base is blank', () => {
    expect(containerNameError(defaultContainerName(board(), '  '))).toBeNull();
  });
});

describe('applyAutoName', () => {
  it('names an auto-named container holding exactly one status after it', () => {
    expect(applyAutoName(container('a', ['13'], { name: 'Negotiation' }), naming).name).toBe('Decision');
    expect(applyAutoName(container('a', ['13'], { name: 'Новый этап 2' }), naming).name).toBe('Decision');
  });

  it('returns the same object when nothing changes', () => {
    const cases = [
      container('a', ['13'], { name: 'Decision' }),
      container('a', ['13'], { name: 'My stage' }),
      container('a', ['12', '13'], { name: 'New stage' }),
      container('a', [], { name: 'New stage' }),
      container('a', ['999'], { name: 'New stage' }),
    ];
    for (const c of cases) expect(applyAutoName(c, naming)).toBe(c);
  });
});
