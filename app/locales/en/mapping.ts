import type { Catalog } from '../catalog';

/** Mapping step: statuses and custom fields. */
export const mapping = {} satisfies Catalog;
