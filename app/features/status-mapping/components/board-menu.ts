import { cx, moduleClasses } from '@/components/ui/class-names';
import { menuClass } from '@/components/ui/menu';

import styles from './board-menu.module.css';

/** The class of every DropdownMenu.Content on the board: the shared menu, at most 340 × 420 px. */
export const boardMenuClass = cx(menuClass.content, moduleClasses(styles, ['menu']).menu);
