import { moduleClasses } from './class-names';
import styles from './feedback.module.css';

const classes = moduleClasses(styles, ['notice', 'noticeWarning', 'emptyState', 'errorPanel']);

/**
 * `notice` (blue note; add `noticeWarning` for the amber one: `cx(notice, noticeWarning)`),
 * `emptyState` (dashed "nothing here yet" box), `errorPanel` (red panel: the message and Try again).
 */
export const feedbackClass = {
  notice: classes.notice,
  noticeWarning: classes.noticeWarning,
  emptyState: classes.emptyState,
  errorPanel: classes.errorPanel,
} as const satisfies Record<string, string>;
