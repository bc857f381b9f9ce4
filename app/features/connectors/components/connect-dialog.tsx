import { Dialog } from 'radix-ui';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

import { buttonClass } from '@/components/ui/button';
import { dialogClass } from '@/components/ui/dialog';
import type { AuthKind } from '@/contracts/connector';

export interface ConnectDialogProps {
  name: string;
  /** `api_key`: the next step asks for the account address and a key instead of leaving for the CRM. */
  authKind?: AuthKind;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onConfirm: () => void;
  /** The button that opens the dialog (focus returns to it on Cancel). */
  children: ReactNode;
}

/** "Connect amoCRM?" — the confirmation before leaving for the CRM's consent page. */
export function ConnectDialog({ name, authKind = 'oauth2', open, onOpenChange, onConfirm, children }: ConnectDialogProps) {
  const { t } = useTranslation();
  return (
    <Dialog.Root open={open} onOpenChange={onOpenChange}>
      <Dialog.Trigger asChild>{children}</Dialog.Trigger>
      <Dialog.Portal>
        <Dialog.Overlay className={dialogClass.overlay} />
        <Dialog.Content className={dialogClass.content}>
          <Dialog.Title className={dialogClass.title}>{t('connectors.connectDialog.title', { name })}</Dialog.Title>
          <Dialog.Description className={dialogClass.description}>
            {t(authKind === 'api_key' ? 'connectors.connectDialog.descriptionApiKey' : 'connectors.connectDialog.description', { name })}
          </Dialog.Description>
          <div className={dialogClass.actions}>
            <Dialog.Close className={buttonClass()}>{t('connectors.connectDialog.cancel')}</Dialog.Close>
            <button type="button" className={buttonClass({ variant: 'primary' })} onClick={onConfirm}>
              {t('connectors.connectDialog.confirm')}
            </button>
          </div>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
