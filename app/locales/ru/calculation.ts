import type { Catalog } from '../catalog';

/** Calculation step. */
export const calculation = {} satisfies Catalog;
