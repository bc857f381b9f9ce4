import { moduleClasses } from './class-names';
import styles from './visually-hidden.module.css';

/** The class of text that screen readers announce and the screen does not show. */
export const visuallyHidden: string = moduleClasses(styles, ['visuallyHidden']).visuallyHidden;
