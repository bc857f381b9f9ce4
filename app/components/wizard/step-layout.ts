import { moduleClasses } from '@/components/ui/class-names';

import styles from './step-layout.module.css';

const classes = moduleClasses(styles, [
  'step',
  'form',
  'header',
  'loading',
  'columns',
  'panel',
  'panelSource',
  'panelHead',
  'panelTitle',
  'hint',
  'limit',
  'dragSource',
  'dragHandle',
  'dragGrip',
  'dragOverlay',
  'dragChip',
  'dragChipOverlay',
  'rowIndex',
  'rowRemove',
]);

/**
 * The classes of a wizard step's layout, shared by the steps:
 * - `step` (the step's <section>, set by WizardStep), `form` (a step that is one <form>),
 *   `header`, `loading` (the "Loading…" line);
 * - `columns`: the list on the left and the area on the right (filter, calculation), one
 *   column below 900px; `panel` for each side (`cx(panel, panelSource)` for the list dragged
 *   from), `panelHead` (title + hint), `panelTitle`, `hint` (muted note), `limit` (a limit reached);
 * - a draggable list item: `dragSource` (the <li>, with data-dragging while dragged),
 *   `dragHandle` (the element with the dnd listeners), `dragGrip` (its grip icon),
 *   `dragOverlay` (the name in <DragOverlay>);
 * - draggable chips (statuses, custom fields): `dragChip`, and `cx(dragChip, dragChipOverlay)`
 *   for the copy in <DragOverlay>; a parent with data-dragging shows the chip as a placeholder;
 * - `rowIndex` (the numbered circle of a condition or a calculated field) and `rowRemove`
 *   (added to its ghost small remove button: pushed to the end, red on hover).
 */
export const stepLayout = classes;
