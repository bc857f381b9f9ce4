import type { Catalog } from '../catalog';

/** Filter step. */
export const filters = {} satisfies Catalog;
