import { moduleClasses } from '@/components/ui/class-names';

import styles from './page.module.css';

const classes = moduleClasses(styles, ['page', 'pageHeader', 'pageIntro']);

/** `page` on the page's <section>, `header` on its <header>, `intro` on the muted text under a heading. */
export const pageClass = {
  page: classes.page,
  header: classes.pageHeader,
  intro: classes.pageIntro,
} as const satisfies Record<string, string>;
