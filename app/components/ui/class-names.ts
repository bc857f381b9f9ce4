/** Joins class names, skipping the falsy ones: `cx(styles.item, isCurrent && styles.current)`. */
export function cx(...classes: ReadonlyArray<string | false | null | undefined>): string {
  return classes.filter(Boolean).join(' ');
}

/**
 * Picks the named classes of a CSS module as a typed object of strings (`CSSModuleClasses` is an
 * index signature, so under `noUncheckedIndexedAccess` each class would be `string | undefined`).
 * Keys are the camelCase names (`localsConvention: 'camelCaseOnly'`): `.panel-source` → `panelSource`.
 * A key the stylesheet does not define is a typo: it throws in development (and in tests that
 * process CSS), and falls back to no class in a production build.
 */
export function moduleClasses<const K extends string>(styles: CSSModuleClasses, keys: readonly K[]): Readonly<Record<K, string>> {
  const picked = {} as Record<K, string>;
  for (const key of keys) {
    const value = styles[key];
    if (value === undefined && import.meta.env.DEV) throw new Error(`CSS module has no class "${key}"`);
    picked[key] = value ?? '';
  }
  return picked;
}
