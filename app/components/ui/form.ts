import { moduleClasses } from './class-names';
import styles from './form.module.css';

const classes = moduleClasses(styles, ['fieldInput', 'fieldError']);

/** `input` on a text input, select or textarea (red border with aria-invalid="true"); `error` on its message. */
export const formClass = {
  input: classes.fieldInput,
  error: classes.fieldError,
} as const satisfies Record<string, string>;
