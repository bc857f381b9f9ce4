/**
 * Message catalogues stay in step across languages.
 *
 * Discovery is generic, so new catalogue files are checked without editing this test:
 * - the i18next `resources` exported by `app/locales/index.ts` are compared language by
 *   language;
 * - every catalogue FILE under app/locales whose path names a language (`en/mapping.ts`,
 *   `en.ts`, `en.mapping.ts`, `en-mapping.ts`) must have its counterpart in every other
 *   language, exporting the same names with the same keys;
 * - every catalogue file's messages must reach `resources` (none forgotten,
 *   none overwritten by another file's keys).
 * Keys are compared modulo plural suffixes: each language must have exactly the plural forms
 * its CLDR rules need (`Intl.PluralRules`: English `_one/_other`, Russian
 * `_one/_few/_many/_other`; `_zero` is always allowed). No message may be empty, and a
 * message must use the same `{{placeholders}}` in every language.
 */
import { describe, expect, it } from 'vitest';

type Tree = { [key: string]: unknown };

const PLURAL_SUFFIX = /_(zero|one|two|few|many|other)$/;

function isTree(value: unknown): value is Tree {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

interface Message {
  /** Dotted key without the plural suffix. */
  base: string;
  /** The plural category, or null for a plain key. */
  plural: string | null;
  value: unknown;
}

function flatten(tree: Tree, prefix = ''): Message[] {
  return Object.entries(tree).flatMap(([key, value]): Message[] => {
    const path = prefix ? `${prefix}.${key}` : key;
    if (isTree(value)) return flatten(value, path);
    const match = PLURAL_SUFFIX.exec(key);
    return [{ base: match ? path.slice(0, -match[0].length) : path, plural: match?.[1] ?? null, value }];
  });
}

function placeholders(text: string): string[] {
  return [...text.matchAll(/\{\{\s*-?\s*([^},\s]+)[^}]*\}\}/g)].map((match) => match[1] ?? '');
}

interface Summary {
  /** base key → plural categories present (empty set for a plain key). */
  forms: Map<string, Set<string>>;
  /** base key → placeholders used by any of its forms. */
  variables: Map<string, Set<string>>;
  problems: string[];
}

/** Checks one language's catalogue on its own and summarises it for comparison. */
function summarise(language: string, tree: Tree): Summary {
  const required = new Intl.PluralRules(language).resolvedOptions().pluralCategories as string[];
  const allowed = new Set([...required, 'zero']);
  const forms = new Map<string, Set<string>>();
  const variables = new Map<string, Set<string>>();
  const problems: string[] = [];
  const plain = new Set<string>();

  for (const message of flatten(tree)) {
    const name = message.plural ? `${message.base}_${message.plural}` : message.base;
    if (typeof message.value !== 'string') {
      problems.push(`${language}: "${name}" is not a string`);
      continue;
    }
    if (message.value.trim() === '') problems.push(`${language}: "${name}" is empty`);
    const set = forms.get(message.base) ?? new Set<string>();
    if (message.plural) set.add(message.plural);
    else plain.add(message.base);
    forms.set(message.base, set);
    const vars = variables.get(message.base) ?? new Set<string>();
    for (const variable of placeholders(message.value)) vars.add(variable);
    variables.set(message.base, vars);
  }

  for (const [base, present] of forms) {
    if (present.size === 0) continue;
    if (plain.has(base)) problems.push(`${language}: "${base}" is both a plain key and a plural`);
    const missing = required.filter((category) => !present.has(category));
    if (missing.length > 0) problems.push(`${language}: "${base}" lacks plural forms ${missing.map((c) => `_${c}`).join(', ')}`);
    const extra = [...present].filter((category) => !allowed.has(category));
    if (extra.length > 0) problems.push(`${language}: "${base}" has plural forms ${language} does not use: ${extra.map((c) => `_${c}`).join(', ')}`);
  }
  return { forms, variables, problems };
}

const sorted = (values: Iterable<string>) => [...values].sort();

/** Everything wrong with `tree` in `language`, alone and compared with the reference language. */
function compareCatalogues(
  reference: { language: string; tree: Tree },
  other: { language: string; tree: Tree },
): string[] {
  const a = summarise(reference.language, reference.tree);
  const b = summarise(other.language, other.tree);
  const problems = [...a.problems, ...b.problems];
  for (const base of a.forms.keys()) {
    if (!b.forms.has(base)) problems.push(`${other.language}: "${base}" is missing (it is in ${reference.language})`);
  }
  for (const base of b.forms.keys()) {
    if (!a.forms.has(base)) problems.push(`${other.language}: "${base}" is not in ${reference.language}`);
  }
  for (const [base, formsA] of a.forms) {
    const formsB = b.forms.get(base);
    if (!formsB) continue;
    if ((formsA.size > 0) !== (formsB.size > 0)) {
      problems.push(`"${base}" is a plural in ${formsA.size > 0 ? reference.language : other.language} only`);
    }
    const varsA = sorted(a.variables.get(base) ?? []);
    const varsB = sorted(b.variables.get(base) ?? []);
    if (varsA.join() !== varsB.join()) {
      problems.push(`"${base}" uses {{${varsA.join(', ')}}} in ${reference.language} but {{${varsB.join(', ')}}} in ${other.language}`);
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------
// Discovery

const indexModules = import.meta.glob<Record<string, unknown>>('../index.ts', { eager: true });
const fileModules = import.meta.glob<Record<string, unknown>>(['../**/*.ts', '!../model/**', '!../index.ts'], {
  eager: true,
});

const indexModule = indexModules['../index.ts'];

/** language → i18next resource tree (namespaces → catalogues). */
function loadResources(): Map<string, Tree> {
  const resources = new Map<string, Tree>();
  const exported = indexModule?.resources;
  if (!isTree(exported)) throw new Error('app/locales/index.ts must export `resources`');
  for (const [language, tree] of Object.entries(exported)) {
    if (!isTree(tree)) throw new Error(`resources.${language} is not an object`);
    resources.set(language, tree);
  }
  return resources;
}

const resources = loadResources();
const languages = [...resources.keys()];
const [referenceLanguage = 'en'] = languages.includes('en') ? ['en'] : languages;

/** Where a catalogue file names its language: `en/…`, `en.ts`, `en.x.ts`, `en-x.ts`, `en_x.ts`. */
function languageOf(path: string): { language: string; swap: (language: string) => string } | null {
  const relative = path.replace(/^\.\.\//, '');
  for (const language of languages) {
    if (relative.startsWith(`${language}/`)) {
      return { language, swap: (to) => `../${to}/${relative.slice(language.length + 1)}` };
    }
    const file = new RegExp(`^${language}(?=[._-])`);
    if (!relative.includes('/') && file.test(relative)) {
      return { language, swap: (to) => `../${relative.replace(file, to)}` };
    }
  }
  return null;
}

interface CatalogueFile {
  path: string;
  language: string;
  swap: (language: string) => string;
  /** Exported catalogues by export name (an export named after the language is called `<language>`). */
  exports: Map<string, Tree>;
}

const catalogueFiles: CatalogueFile[] = Object.entries(fileModules).flatMap(([path, module]) => {
  const located = languageOf(path);
  if (!located) return [];
  const exports = new Map<string, Tree>();
  for (const [name, value] of Object.entries(module)) {
    if (isTree(value)) exports.set(name === located.language ? '<language>' : name, value);
  }
  return [{ path, ...located, exports }];
});

function leafCount(tree: Tree): number {
  return flatten(tree).length;
}

// ---------------------------------------------------------------------------------------
// The checker itself (so a broken checker cannot pass silently)

describe('catalogue checker', () => {
  const en = { a: 'A', nested: { b: 'Hello {{name}}' }, item_one: '{{count}} item', item_other: '{{count}} items' };
  const ru = {
    a: 'А',
    nested: { b: 'Привет, {{name}}' },
    item_one: '{{count}} штука',
    item_few: '{{count}} штуки',
    item_many: '{{count}} штук',
    item_other: '{{count}} штуки',
  };
  const check = (tree: Tree) => compareCatalogues({ language: 'en', tree: en }, { language: 'ru', tree });

  it('accepts matching catalogues with each language’s own plural forms', () => {
    expect(check(ru)).toEqual([]);
  });

  it('reports missing and extra keys', () => {
    const { a: _a, ...withoutA } = ru;
    expect(check({ ...withoutA, extra: 'x' })).toEqual([
      'ru: "a" is missing (it is in en)',
      'ru: "extra" is not in en',
    ]);
  });

  it('reports missing or foreign plural forms', () => {
    const { item_few: _few, ...withoutFew } = ru;
    expect(check(withoutFew)).toEqual(['ru: "item" lacks plural forms _few']);
    expect(compareCatalogues({ language: 'en', tree: { ...en, item_few: 'x' } }, { language: 'ru', tree: ru })).toEqual([
      'en: "item" has plural forms en does not use: _few',
    ]);
  });

  it('reports a plural in one language only', () => {
    const { item_one: _1, item_few: _2, item_many: _3, item_other: _4, ...rest } = ru;
    expect(check({ ...rest, item: '{{count}} штук' })).toEqual(['"item" is a plural in en only']);
  });

  it('reports empty messages, non-strings and mismatched placeholders', () => {
    expect(check({ ...ru, a: '  ', nested: { b: 'Привет, {{nmae}}' } })).toEqual([
      'ru: "a" is empty',
      '"nested.b" uses {{name}} in en but {{nmae}} in ru',
    ]);
    expect(check({ ...ru, a: 5 })).toEqual(['ru: "a" is not a string', 'ru: "a" is missing (it is in en)']);
  });

  it('reads placeholders with formats and spacing', () => {
    expect(placeholders('{{ count, number }} and {{name}} and {{- html}}')).toEqual(['count', 'name', 'html']);
  });
});

// ---------------------------------------------------------------------------------------
// The real catalogues

describe('message catalogues', () => {
  it('exist for English and Russian', () => {
    expect(languages).toEqual(expect.arrayContaining(['en', 'ru']));
    for (const language of languages) {
      expect(catalogueFiles.filter((file) => file.language === language).length, language).toBeGreaterThan(0);
    }
  });

  it.each(languages.filter((language) => language !== referenceLanguage))(
    `resources: %s matches ${referenceLanguage}`,
    (language) => {
      const reference = resources.get(referenceLanguage);
      const other = resources.get(language);
      expect(reference && other).toBeTruthy();
      expect(compareCatalogues({ language: referenceLanguage, tree: reference! }, { language, tree: other! })).toEqual([]);
    },
  );

  it(`resources: ${referenceLanguage} is well formed`, () => {
    expect(summarise(referenceLanguage, resources.get(referenceLanguage)!).problems).toEqual([]);
    expect(leafCount(resources.get(referenceLanguage)!)).toBeGreaterThan(0);
  });

  it('every catalogue file has a counterpart in every language, with the same exports and keys', () => {
    const problems: string[] = [];
    const byPath = new Map(catalogueFiles.map((file) => [file.path, file]));
    for (const file of catalogueFiles) {
      for (const language of languages) {
        if (language === file.language) continue;
        const counterpart = byPath.get(file.swap(language));
        if (!counterpart) {
          problems.push(`${file.path} has no ${language} counterpart (${file.swap(language)})`);
          continue;
        }
        if (file.language !== referenceLanguage) continue; // compare each pair once, from the reference side
        for (const [name, tree] of file.exports) {
          const other = counterpart.exports.get(name);
          if (!other) {
            problems.push(`${counterpart.path} does not export ${name}`);
            continue;
          }
          for (const problem of compareCatalogues({ language: file.language, tree }, { language, tree: other })) {
            problems.push(`${file.path} ↔ ${counterpart.path}: ${problem}`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it.each(languages)(
    'resources: every %s catalogue file is wired in, none overwritten',
    (language) => {
      const distinct = new Set<Tree>();
      for (const file of catalogueFiles) {
        if (file.language === language) for (const tree of file.exports.values()) distinct.add(tree);
      }
      const inFiles = [...distinct].reduce((sum, tree) => sum + leafCount(tree), 0);
      expect(leafCount(resources.get(language)!)).toBe(inFiles);
    },
  );
});
