import type { Catalog } from '../catalog';

/** Authorization step. */
export const authorize = {} satisfies Catalog;
