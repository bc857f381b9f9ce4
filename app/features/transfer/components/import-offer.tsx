import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { buttonClass } from '@/components/ui/button';
import { cx, moduleClasses } from '@/components/ui/class-names';
import { feedbackClass } from '@/components/ui/feedback';
import type { ConnectorId, CrmAccount } from '@/contracts/connector';

import { ImportDialog } from './import-dialog';
import styles from './transfer.module.css';

const s = moduleClasses(styles, ['offer']);

export interface ImportOfferProps {
  connector: ConnectorId;
  crmName: string;
  account: CrmAccount | null;
  /** A configuration is saved already (it would be replaced). */
  replaces: boolean;
  /** After the import was saved as the draft (the wizard goes to the Mapping step). */
  onImported: () => void;
}

/** On the first wizard step of a fresh connector: import a configuration file instead of mapping again. */
export function ImportOffer({ connector, crmName, account, replaces, onImported }: ImportOfferProps) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  return (
    <div className={cx(feedbackClass.notice, s.offer)}>
      <p>{t('transfer.offer.text', { crm: crmName })}</p>
      <button ref={button} type="button" className={buttonClass({ size: 'small' })} onClick={() => setOpen(true)}>
        {t('transfer.offer.button')}
      </button>
      <ImportDialog
        connector={connector}
        crmName={crmName}
        account={account}
        replaces={replaces}
        open={open}
        onOpenChange={setOpen}
        onImported={() => {
          setOpen(false);
          onImported();
        }}
        returnFocus={button}
      />
    </div>
  );
}
