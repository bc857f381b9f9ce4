import type { B24Object, MethodResult } from './context';

/**
 * A REST method: its parameters in, its result out (`result`, and `total`/`next` for lists), or
 * a thrown `B24Error`. Plain functions, so `batch` runs them exactly as single calls do.
 */
export type RestMethod = (params: B24Object) => MethodResult;

/** Methods by name, lower-case (Bitrix24 method names are case-insensitive). */
export type MethodTable = Record<string, RestMethod>;
