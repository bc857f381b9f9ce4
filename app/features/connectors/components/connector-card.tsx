import { useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';

import { useDisconnectConnector, useResetConnector } from '@/api/connector-config';
import { useAuthorize } from '@/api/crm';
import { buttonClass } from '@/components/ui/button';
import { cx, moduleClasses } from '@/components/ui/class-names';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { feedbackClass } from '@/components/ui/feedback';
import { visuallyHidden } from '@/components/ui/visually-hidden';
import { describeApiError, describeErrorCode } from '@/lib/api-errors';
import type { ConnectorSummary } from '@/contracts/connector';
import { CRM_CHANGED_REASON } from '@/contracts/drift';
import { useWizardStore } from '@/stores/wizard-store';
import { browserLocation } from '@/lib/browser-location';

import { ConnectDialog } from './connect-dialog';
import { ConnectorActionsMenu, type ConnectorAction, type ExtraConnectorAction } from './connector-actions-menu';
import { ConnectorLogo } from './connector-logo';
import styles from './connectors.module.css';

const s = moduleClasses(styles, [
  'card',
  'head',
  'title',
  'name',
  'kind',
  'menu',
  'description',
  'status',
  'state',
  'stateDot',
  'account',
  'error',
  'progress',
  'actions',
]);
const PRIMARY = buttonClass({ variant: 'primary' });
const ATTENTION = cx(feedbackClass.notice, feedbackClass.noticeWarning);

/**
 * Attention reasons that only a new authorization fixes. The API records one reason today,
 * `crm_access_revoked` (amoCRM refused our tokens); any other reason leads to the settings.
 */
const ACCESS_REASONS: ReadonlySet<string> = new Set(['crm_access_revoked']);

type OpenDialog = 'connect' | 'reset' | 'disconnect' | null;

export interface ConnectorCardProps {
  connector: ConnectorSummary;
  /** A short result message for the page's live region ("Settings were reset"). */
  onNotice: (message: string) => void;
  /**
   * What the CRM changed, for a connector in attention because of it (the review feature's
   * sentence, composed in by the route); without it the reason's generic text.
   */
  driftSummary?: ReactNode;
  /** More entries of the ⋯ menu (export and import, composed in by the route). */
  extraActions?: readonly ExtraConnectorAction[];
}

export function ConnectorCard({ connector, onNotice, driftSummary, extraActions }: ConnectorCardProps) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [dialog, setDialog] = useState<OpenDialog>(null);
  const [error, setError] = useState<unknown>(null);
  const [redirecting, setRedirecting] = useState(false);
  const focusAfterDialog = useRef<'menu' | 'primary'>('menu');
  const cardRef = useRef<HTMLElement>(null);
  const menuTriggerRef = useRef<HTMLButtonElement>(null);
  const reset = useResetConnector(connector.id);
  const disconnect = useDisconnectConnector(connector.id);
  const authorize = useAuthorize(connector.id);
  const forgetStep = useWizardStore((state) => state.forget);

  const name = connector.name;
  const titleId = `connector-${connector.id}-title`;
  const stateId = `connector-${connector.id}-state`;
  const setupPath = `/setup/${connector.id}`;

  // A confirmation opened from the menu has no trigger to return focus to. On Cancel (or a
  // failure) focus goes back to the "⋯" button; after Reset or Disconnect (the menu may be
  // gone) to the card's main action, or the card — never to <body>.
  const returnFocus = () => {
    const card = cardRef.current;
    const target = focusAfterDialog.current === 'menu' ? menuTriggerRef.current : card?.querySelector<HTMLElement>('[data-primary-action]');
    return target ?? card;
  };

  const closeConfirmation = (open: boolean) => {
    if (open) return;
    focusAfterDialog.current = 'menu';
    setDialog(null);
  };

  const changeAccess = () => {
    setError(null);
    authorize.mutate(
      // A CRM that asks for the account's address re-authorizes the account it is connected to.
      { force: true, ...(connector.address && connector.account ? { address: connector.account.domain } : {}) },
      {
        onSuccess: (result) => {
          if (result.status === 'redirect') {
            setRedirecting(true);
            browserLocation.assign(result.authorizeUrl);
          } else if (result.status === 'key_required') {
            // An API-key CRM: its form, with the account's address filled in (the key is typed again).
            void navigate(`${setupPath}/authorize?change=1`);
          } else {
            void navigate(`${setupPath}/filter`);
          }
        },
        onError: setError,
      },
    );
  };

  const onAction = (action: ConnectorAction) => {
    setError(null);
    switch (action) {
      case 'edit':
        void navigate(`${setupPath}/filter`);
        break;
      case 'changeAccess':
        changeAccess();
        break;
      default:
        setDialog(action);
    }
  };

  const confirmReset = () =>
    reset.mutate(undefined, {
      onSuccess: () => {
        forgetStep(connector.id);
        focusAfterDialog.current = 'primary';
        setDialog(null);
        onNotice(t('connectors.done.resetDone', { name }));
      },
      onError: (failure) => {
        focusAfterDialog.current = 'menu';
        setDialog(null);
        setError(failure);
      },
    });

  const confirmDisconnect = () =>
    disconnect.mutate(undefined, {
      onSuccess: () => {
        forgetStep(connector.id);
        focusAfterDialog.current = 'primary';
        setDialog(null);
        onNotice(t('connectors.done.disconnected', { name }));
      },
      onError: (failure) => {
        focusAfterDialog.current = 'menu';
        setDialog(null);
        setError(failure);
      },
    });

  const reason = connector.attentionReason;
  const crmChanged = connector.state === 'attention' && reason === CRM_CHANGED_REASON;
  const stateText = connector.supported ? t(`connectors.state.${connector.state}`) : t('connectors.comingSoon');
  const hasMenu = connector.supported && connector.state !== 'available';
  // The CRM's account name may be 255 characters: one line with an ellipsis, in full in the title.
  const account = connector.account ? t('connectors.account', { name: connector.account.name }) : null;

  return (
    <article
      ref={cardRef}
      className={s.card}
      aria-labelledby={titleId}
      aria-describedby={stateId}
      data-state={connector.supported ? connector.state : 'unsupported'}
      tabIndex={-1}
    >
      <div className={s.head}>
        <ConnectorLogo connector={connector.id} logo={connector.logo} />
        <div className={s.title}>
          <h2 id={titleId} className={s.name}>
            {name}
          </h2>
          <span className={s.kind}>{t('connectors.kind')}</span>
        </div>
        {hasMenu ? (
          <div className={s.menu}>
            <ConnectorActionsMenu connectorName={name} extraActions={extraActions} onAction={onAction} disabled={redirecting} triggerRef={menuTriggerRef} />
          </div>
        ) : null}
      </div>

      <p className={s.description}>{t(`connectors.description.${connector.id}`)}</p>

      <div className={s.status}>
        <p id={stateId} className={s.state}>
          <span className={s.stateDot} aria-hidden="true" />
          {stateText}
        </p>
        {account ? (
          <p className={s.account} title={account}>
            {account}
          </p>
        ) : null}
      </div>

      {connector.state === 'attention' && reason ? (
        <div className={ATTENTION}>
          <p>
            <span className={visuallyHidden}>{t('connectors.attention.reasonLabel')}: </span>
            {(crmChanged && connector.drift ? driftSummary : null) ?? describeErrorCode(reason, t, name) ?? reason}
          </p>
        </div>
      ) : null}

      {error ? (
        <p className={s.error} role="alert">
          {describeApiError(error, t, name)}
        </p>
      ) : null}
      {redirecting ? (
        <p className={s.progress} role="status">
          {t('connectors.actions.redirecting', { name })}
        </p>
      ) : null}

      <div className={s.actions}>
        {connector.supported && connector.state === 'available' ? (
          <ConnectDialog
            authKind={connector.authKind}
            name={name}
            open={dialog === 'connect'}
            onOpenChange={(open) => setDialog(open ? 'connect' : null)}
            onConfirm={() => void navigate(`${setupPath}/authorize`)}
          >
            <button type="button" className={PRIMARY} data-primary-action>
              {t('connectors.connect')}
            </button>
          </ConnectDialog>
        ) : null}
        {connector.supported && connector.state === 'draft' ? (
          <Link className={PRIMARY} data-primary-action to={setupPath}>
            {t('connectors.continueSetup')}
          </Link>
        ) : null}
        {connector.state === 'attention' ? (
          reason && ACCESS_REASONS.has(reason) ? (
            <button type="button" className={PRIMARY} data-primary-action onClick={changeAccess} disabled={redirecting}>
              {t('connectors.attention.reauthorize')}
            </button>
          ) : crmChanged ? (
            <Link className={PRIMARY} data-primary-action to={`${setupPath}/mapping?review=1`}>
              {t('connectors.attention.reviewChanges')}
            </Link>
          ) : (
            <Link className={PRIMARY} data-primary-action to={`${setupPath}/mapping`}>
              {t('connectors.attention.review')}
            </Link>
          )
        ) : null}
      </div>

      <ConfirmDialog
        open={dialog === 'reset'}
        onOpenChange={closeConfirmation}
        title={t('connectors.resetDialog.title', { name })}
        description={t('connectors.resetDialog.description', { name })}
        confirmLabel={t('connectors.resetDialog.confirm')}
        cancelLabel={t('connectors.resetDialog.cancel')}
        onConfirm={confirmReset}
        busy={reset.isPending}
        returnFocus={returnFocus}
      />
      <ConfirmDialog
        open={dialog === 'disconnect'}
        onOpenChange={closeConfirmation}
        title={t('connectors.disconnectDialog.title', { name })}
        description={t('connectors.disconnectDialog.description', { name })}
        confirmLabel={t('connectors.disconnectDialog.confirm')}
        cancelLabel={t('connectors.disconnectDialog.cancel')}
        onConfirm={confirmDisconnect}
        tone="danger"
        busy={disconnect.isPending}
        returnFocus={returnFocus}
      />
    </article>
  );
}
