/**
 * PHP-style bracket query parameters, as amoCRM, Bitrix24 and RetailCRM all take them:
 * `filter[statuses][0][pipeline_id]=1`, `filter[id][]=2`, `order[id]=desc`.
 */

export type ParamNode = string | { [key: string]: ParamNode };

/** The tree under `root`: `filter[a][b]=1` → `{ a: { b: '1' } }`; `[]` entries get keys `#1`, `#2`, … */
export function bracketParams(search: URLSearchParams, root: string): { [key: string]: ParamNode } {
  const tree: { [key: string]: ParamNode } = {};
  let auto = 0;
  for (const [key, value] of search) {
    if (!key.startsWith(`${root}[`)) continue;
    const parts = [...key.slice(root.length).matchAll(/\[([^\]]*)\]/g)].map((match) => match[1] ?? '');
    let node = tree;
    parts.forEach((part, index) => {
      const name = part === '' ? `#${(auto += 1)}` : part;
      if (index === parts.length - 1) {
        node[name] = value;
        return;
      }
      const next = node[name];
      if (typeof next === 'object') node = next;
      else {
        const created: { [key: string]: ParamNode } = {};
        node[name] = created;
        node = created;
      }
    });
  }
  return tree;
}

/** Every leaf string under a node (a scalar, `[]` lists, `[0]` lists, comma-separated values). */
export function leaves(node: ParamNode | undefined): string[] {
  if (node === undefined) return [];
  if (typeof node === 'string') return node.split(',').map((item) => item.trim()).filter(Boolean);
  return Object.values(node).flatMap(leaves);
}

export const child = (node: ParamNode | undefined, key: string): ParamNode | undefined =>
  typeof node === 'object' ? node[key] : undefined;

export const numbers = (node: ParamNode | undefined) => leaves(node).map(Number).filter(Number.isFinite);

export interface Bounds {
  from?: number;
  to?: number;
}

/** `x[from]=…&x[to]=…` */
export function range(node: ParamNode | undefined): Bounds {
  const from = Number(leaves(child(node, 'from'))[0]);
  const to = Number(leaves(child(node, 'to'))[0]);
  return { from: Number.isFinite(from) ? from : undefined, to: Number.isFinite(to) ? to : undefined };
}

export const inRange = (value: number | null, bounds: Bounds) =>
  (bounds.from === undefined || (value !== null && value >= bounds.from)) &&
  (bounds.to === undefined || (value !== null && value <= bounds.to));
