/** A message catalogue: nested keys to i18next strings (`{{name}}` interpolation, `_one/_few/_many/_other` plurals). */
export type Catalog = { [key: string]: string | Catalog };
