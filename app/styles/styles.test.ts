import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

/**
 * The rules of the CSS Modules migration (tracker issue 10: two global stylesheets defined the
 * same class and the last one loaded won): every stylesheet under app/ is a CSS Module, except
 * the global ones in app/styles, which hold only custom properties, resets and element styles.
 */
const app = fileURLToPath(new URL('..', import.meta.url));
const globalDir = path.join(app, 'styles');

function filesUnder(dir: string, extensions: readonly string[]): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(file, extensions);
    return extensions.some((extension) => entry.name.endsWith(extension)) ? [file] : [];
  });
}
const cssFiles = (dir: string) => filesUnder(dir, ['.css']);

const relative = (file: string) => path.relative(app, file).split(path.sep).join('/');
const all = cssFiles(app);
const modules = all.filter((file) => file.endsWith('.module.css'));
const globals = all.filter((file) => path.dirname(file) === globalDir && !file.endsWith('.module.css'));

/** The CSS without comments and with strings and url(…) emptied, so a dot in them is not a selector. */
function code(css: string): string {
  return css
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'/g, '""')
    .replace(/url\([^)]*\)/gi, 'url()');
}

/** Every selector list of a stylesheet (the text before each `{` that is not an at-rule's). */
function selectors(css: string): string[] {
  const found: string[] = [];
  let start = 0;
  const text = code(css);
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (char === '{') {
      const prelude = text.slice(start, i).trim();
      if (prelude && !prelude.startsWith('@')) found.push(prelude);
      start = i + 1;
    } else if (char === '}' || char === ';') {
      start = i + 1;
    }
  }
  return found;
}

/** A class selector: a dot followed by an identifier (so `0.5` in a keyframe step is not one). */
const hasClass = (selector: string) => /\.(?:-?[_a-zA-Z\u00a0-\uffff]|\\)/.test(selector);

/** The keys a CSS Module exports with `localsConvention: 'camelCaseOnly'` (`.panel-source` → `panelSource`). */
function moduleKeys(css: string): Set<string> {
  const names = selectors(css).flatMap((selector) => [...selector.matchAll(/\.(-?[_a-zA-Z][\w-]*)/g)].map((match) => match[1] ?? ''));
  return new Set(names.map((name) => name.replace(/-+([a-zA-Z0-9])/g, (_, char: string) => char.toUpperCase())));
}

/**
 * The classes each source file reads from the CSS Modules it imports: `styles.name` and the keys
 * given to `moduleClasses(styles, [...])`. Vitest hands out a class for any key, so a typo would
 * otherwise pass the tests and leave the element unstyled in the product.
 */
function moduleReads(source: string, file: string): { module: string; key: string }[] {
  const reads: { module: string; key: string }[] = [];
  for (const [, name = '', specifier = ''] of source.matchAll(/^import\s+(\w+)\s+from\s+'([^']+\.module\.css)';/gm)) {
    const module = path.resolve(path.dirname(file), specifier.replace(/^@\//, `${path.relative(path.dirname(file), app)}/`));
    for (const [, key = ''] of source.matchAll(new RegExp(`\\b${name}\\.(\\w+)`, 'g'))) reads.push({ module, key });
    for (const [, list = ''] of source.matchAll(new RegExp(`moduleClasses\\(\\s*${name}\\s*,\\s*\\[([^\\]]*)\\]`, 'g'))) {
      for (const [, key = ''] of list.matchAll(/'(\w+)'/g)) reads.push({ module, key });
    }
  }
  return reads;
}

describe('stylesheets', () => {
  it('finds the global stylesheets and the shared modules', () => {
    expect(globals.map(relative).sort()).toEqual(['styles/base.css', 'styles/tokens.css']);
    expect(modules.map(relative)).toContain('components/ui/button.module.css');
  });

  it('every stylesheet under app/ (features, components, routes) is a CSS Module, except the global ones in app/styles', () => {
    const plain = all.filter((file) => !file.endsWith('.module.css') && !globals.includes(file));
    expect(plain.map(relative), 'rename to *.module.css and import its classes').toEqual([]);
  });

  it('no CSS Module reaches outside itself with :global', () => {
    const leaking = modules.filter((file) => /:global\b/.test(code(readFileSync(file, 'utf8'))));
    expect(leaking.map(relative)).toEqual([]);
  });

  it('the global stylesheets hold no class selectors (only custom properties, resets and element styles)', () => {
    const offending = globals.flatMap((file) =>
      selectors(readFileSync(file, 'utf8'))
        .filter(hasClass)
        .map((selector) => `${relative(file)}: ${selector}`),
    );
    expect(offending).toEqual([]);
  });

  it('every class a component reads from a CSS Module is defined in it', () => {
    const sources = filesUnder(app, ['.ts', '.tsx']).filter((file) => !/\.test\.tsx?$/.test(file));
    const keys = new Map(modules.map((file) => [file, moduleKeys(readFileSync(file, 'utf8'))]));
    const undefinedClasses = sources.flatMap((file) =>
      moduleReads(readFileSync(file, 'utf8'), file)
        .filter(({ module, key }) => !keys.get(module)?.has(key))
        .map(({ module, key }) => `${relative(file)}: ${key} (${relative(module)})`),
    );
    expect(undefinedClasses).toEqual([]);
  });

  it('recognises class selectors (and only them)', () => {
    expect(selectors('/* .a { } */ a { color: red; } @media (min-width: 1px) { .b:hover, p { x: y } } q::after { content: ".c {"; }')).toEqual([
      'a',
      '.b:hover, p',
      'q::after',
    ]);
    expect(['.b:hover, p', 'li > .x', '[data-a] .y'].every(hasClass)).toBe(true);
    expect(['a', 'h1, h2', '50%', 'from', ':root', '*::before', '[data-x=".y"]'].map((selector) => hasClass(code(selector)))).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
    expect([...moduleKeys('.a-b, .c--d:hover > .e { } @media (x) { .f_g .h2-i { } }')]).toEqual(['aB', 'cD', 'e', 'f_g', 'h2I']);
  });
});
