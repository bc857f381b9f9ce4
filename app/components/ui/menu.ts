import { moduleClasses } from './class-names';
import styles from './menu.module.css';

const classes = moduleClasses(styles, ['menu', 'menuItem', 'menuItemDanger', 'menuItemText', 'menuItemHint', 'menuLabel', 'menuSeparator', 'menuCheck']);

/**
 * The classes of a Radix DropdownMenu: `content` on DropdownMenu.Content, `item` on every
 * Item/RadioItem/CheckboxItem (plus `itemDanger` for a destructive one), `itemText` / `itemHint`
 * on the spans inside an item, `check` on its ItemIndicator column, `label` on Label,
 * `separator` on Separator. Pass `collisionPadding={8}` to Content so it stays on a phone screen.
 */
export const menuClass = {
  content: classes.menu,
  item: classes.menuItem,
  itemDanger: classes.menuItemDanger,
  itemText: classes.menuItemText,
  itemHint: classes.menuItemHint,
  label: classes.menuLabel,
  separator: classes.menuSeparator,
  check: classes.menuCheck,
} as const satisfies Record<string, string>;
