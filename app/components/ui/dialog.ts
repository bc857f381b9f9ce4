import { moduleClasses } from './class-names';
import styles from './dialog.module.css';

const classes = moduleClasses(styles, ['overlay', 'dialog', 'title', 'description', 'actions']);

/** The classes of a Radix Dialog / AlertDialog: Overlay, Content, Title, Description and the row of buttons. */
export const dialogClass = {
  overlay: classes.overlay,
  content: classes.dialog,
  title: classes.title,
  description: classes.description,
  actions: classes.actions,
} as const satisfies Record<string, string>;
