import { DropdownMenu } from 'radix-ui';
import { useRef, type Ref } from 'react';
import { useTranslation } from 'react-i18next';

import { MoreIcon } from '@/components/ui/icons';

export type ConnectorAction = 'edit' | 'reset' | 'changeAccess' | 'disconnect';

export interface ConnectorActionsMenuProps {
  connectorName: string;
  onAction: (action: ConnectorAction) => void;
  disabled?: boolean;
  triggerRef?: Ref<HTMLButtonElement>;
}

/**
 * The card's "⋯" menu. The trigger is always in the accessibility tree; the card's CSS only
 * fades it in on hover and on keyboard focus inside the card.
 */
export function ConnectorActionsMenu({ connectorName, onAction, disabled, triggerRef }: ConnectorActionsMenuProps) {
  const { t } = useTranslation();
  const handingFocusToDialog = useRef(false);
  return (
    <DropdownMenu.Root>
      <DropdownMenu.Trigger
        ref={triggerRef}
        className="connector-menu-trigger"
        aria-label={t('connectors.actions.trigger')}
        disabled={disabled}
      >
        <MoreIcon width="20" height="20" />
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content
          className="menu"
          align="end"
          sideOffset={4}
          aria-label={connectorName}
          onCloseAutoFocus={(event) => {
            if (handingFocusToDialog.current) event.preventDefault();
            handingFocusToDialog.current = false;
          }}
        >
          <DropdownMenu.Item className="menu-item" onSelect={() => onAction('edit')}>
            {t('connectors.actions.edit')}
          </DropdownMenu.Item>
          <DropdownMenu.Item className="menu-item" onSelect={() => {
              // The confirmation takes focus; the closing menu must not take it back.
              handingFocusToDialog.current = true;
              onAction('reset');
            }}>
            {t('connectors.actions.reset')}
          </DropdownMenu.Item>
          <DropdownMenu.Item className="menu-item" onSelect={() => onAction('changeAccess')}>
            {t('connectors.actions.changeAccess')}
          </DropdownMenu.Item>
          <DropdownMenu.Separator className="menu-separator" />
          <DropdownMenu.Item className="menu-item menu-item--danger" onSelect={() => {
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
