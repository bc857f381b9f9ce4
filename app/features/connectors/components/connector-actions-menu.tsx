import { DropdownMenu } from 'radix-ui';
import { useRef, type Ref } from 'react';
import { useTranslation } from 'react-i18next';

import { cx, moduleClasses } from '@/components/ui/class-names';
import { MoreIcon } from '@/components/ui/icons';
import { menuClass } from '@/components/ui/menu';

import styles from './connectors.module.css';

const s = moduleClasses(styles, ['menuTrigger']);
const DANGER_ITEM = cx(menuClass.item, menuClass.itemDanger);

export type ConnectorAction = 'edit' | 'reset' | 'changeAccess' | 'disconnect';

/** An entry another feature adds to the menu (export, import), composed in by the route. */
export interface ExtraConnectorAction {
  id: string;
  label: string;
  onSelect: () => void;
  /** It opens a dialog, which takes focus: the closing menu must not take it back. */
  opensDialog: boolean;
}

export interface ConnectorActionsMenuProps {
  connectorName: string;
  extraActions?: readonly ExtraConnectorAction[];
  onAction: (action: ConnectorAction) => void;
  disabled?: boolean;
  triggerRef?: Ref<HTMLButtonElement>;
}

/**
 * The card's "⋯" menu. The trigger is always in the accessibility tree; with a mouse the
 * card's CSS fades it in on hover and on keyboard focus inside the card, on a touch screen
 * it is always shown. The menu keeps 8px from the screen's edges (a phone's too).
 */
export function ConnectorActionsMenu({ connectorName, extraActions = [], onAction, disabled, triggerRef }: ConnectorActionsMenuProps) {
  const { t } = useTranslation();
  const handingFocusToDialog = useRef(false);
  return (
    <DropdownMenu.Root>
      <DropdownMenu.Trigger
        ref={triggerRef}
        className={s.menuTrigger}
        aria-label={t('connectors.actions.trigger')}
        disabled={disabled}
      >
        <MoreIcon width="20" height="20" />
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content
          className={menuClass.content}
          align="end"
          sideOffset={4}
          collisionPadding={8}
          aria-label={connectorName}
          onCloseAutoFocus={(event) => {
            if (handingFocusToDialog.current) event.preventDefault();
            handingFocusToDialog.current = false;
          }}
        >
          <DropdownMenu.Item className={menuClass.item} onSelect={() => onAction('edit')}>
            {t('connectors.actions.edit')}
          </DropdownMenu.Item>
          <DropdownMenu.Item className={menuClass.item} onSelect={() => {
              // The confirmation takes focus; the closing menu must not take it back.
              handingFocusToDialog.current = true;
              onAction('reset');
            }}>
            {t('connectors.actions.reset')}
          </DropdownMenu.Item>
          <DropdownMenu.Item className={menuClass.item} onSelect={() => onAction('changeAccess')}>
            {t('connectors.actions.changeAccess')}
          </DropdownMenu.Item>
          {extraActions.length > 0 ? <DropdownMenu.Separator className={menuClass.separator} /> : null}
          {extraActions.map((action) => (
            <DropdownMenu.Item
              key={action.id}
              className={menuClass.item}
              onSelect={() => {
                if (action.opensDialog) handingFocusToDialog.current = true;
                action.onSelect();
              }}
            >
              {action.label}
            </DropdownMenu.Item>
          ))}
          <DropdownMenu.Separator className={menuClass.separator} />
          <DropdownMenu.Item className={DANGER_ITEM} onSelect={() => {
              // The confirmation takes focus; the closing menu must not take it back.
              handingFocusToDialog.current = true;
              onAction('disconnect');
            }}>
            {t('connectors.actions.disconnect')}
          </DropdownMenu.Item>
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}
