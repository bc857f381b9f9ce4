import { cx, moduleClasses } from './class-names';
import styles from './button.module.css';

const classes = moduleClasses(styles, ['button', 'buttonPrimary', 'buttonDanger', 'buttonGhost', 'buttonSmall', 'iconButton']);

const variants = { primary: classes.buttonPrimary, danger: classes.buttonDanger, ghost: classes.buttonGhost } as const;

export interface ButtonClassOptions {
  /** Omitted: the default bordered button. */
  variant?: keyof typeof variants;
  size?: 'small';
  /** The caller's own classes (a feature's module class), appended. */
  className?: string;
}

/** The classes of a button (also for a `<Link>` or a Radix trigger that should look like one). */
export function buttonClass({ variant, size, className }: ButtonClassOptions = {}): string {
  return cx(classes.button, variant && variants[variant], size === 'small' && classes.buttonSmall, className);
}

/** The classes of a square, borderless button holding only an icon (it needs an aria-label). */
export function iconButtonClass(className?: string): string {
  return cx(classes.iconButton, className);
}
