import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useEffectEvent, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { connectorKeys } from '@/api/connectors';
import { useAuthorize } from '@/api/crm';
import { buttonClass } from '@/components/ui/button';
import { cx, moduleClasses } from '@/components/ui/class-names';
import { formClass } from '@/components/ui/form';
import { WizardStep } from '@/components/wizard/wizard-step';
import type { AuthKind, ConnectorId, ConnectorSummary, CrmAccount } from '@/contracts/connector';
import { oauthErrorCodeSchema } from '@/contracts/oauth';
import { ApiError } from '@/lib/api-client';
import { describeApiError, describeErrorCode } from '@/lib/api-errors';
import { browserLocation } from '@/lib/browser-location';

import { redirectGuard } from '../model/redirect-guard';

import { ApiKeyForm } from './api-key-form';
import styles from './authorize-step.module.css';

const s = moduleClasses(styles, ['panel', 'panelError', 'errorTitle', 'actions', 'progress', 'hint', 'manual', 'spinner', 'addressForm', 'addressField']);
const ERROR_PANEL = cx(s.panel, s.panelError);
const PRIMARY = buttonClass({ variant: 'primary' });

export interface AuthorizeStepProps {
  connector: ConnectorId;
  connectorName: string;
  /** `?oauth_error=<code>` from the callback: explain it, never redirect again on our own. */
  oauthError: string | null;
  /** `?oauth=success` from the callback. */
  oauthSuccess: boolean;
  /** Access is valid: go on to the next step. */
  onAuthorized: () => void;
  /** The connector asks for the account's address first (Bitrix24's portal): an example for the field. */
  addressExample?: string | null;
  /** `api_key`: access is an API key typed with the account address (RetailCRM), not a consent page. */
  authKind?: AuthKind;
  /** API-key CRMs: where the key is found and, with a sandbox, its address and key. */
  apiKey?: ConnectorSummary['apiKey'];
  /** The only address this server accepts (a sandbox's), when there is one. */
  onlyAddress?: string | null;
  /** The connected account (Change access fills its address in). */
  account?: CrmAccount | null;
  /** Change access (`?change=1`): the API-key form at once, whatever access is held. */
  changeAccess?: boolean;
}

/** The API's answers that mean "ask the user for the account's address" (422 on `/address`). */
const ADDRESS_CODES = ['address_required', 'address_not_allowed'];

/**
 * Authorization: on entry asks the API whether the workspace already holds valid access
 * (then moves straight on) or where the CRM's consent page is (then sends the browser
 * there with a full-page redirect). The callback brings the browser back here with
 * `?oauth=success` or `?oauth_error=<code>`.
 */
export function AuthorizeStep({
  connector,
  connectorName,
  oauthError,
  oauthSuccess,
  onAuthorized,
  addressExample,
  authKind = 'oauth2',
  apiKey,
  onlyAddress = null,
  account = null,
  changeAccess = false,
}: AuthorizeStepProps) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const authorize = useAuthorize(connector);
  const started = useRef(false);
  const [redirectUrl, setRedirectUrl] = useState<string | null>(null);
  const [cameBack, setCameBack] = useState(false);
  const keyCrm = authKind === 'api_key';
  // An API-key CRM without working access asks for the address and the key, here.
  const [keyForm, setKeyForm] = useState(keyCrm && changeAccess);
  const name = connectorName;

  const start = (auto: boolean, address?: string) => {
    setCameBack(false);
    authorize.mutate(
      address ? { address } : {},
      {
        onSuccess: (result) => {
          if (result.status === 'authorized') {
            redirectGuard.clear(connector);
            onAuthorized();
            return;
          }
          if (result.status === 'key_required') {
            setKeyForm(true);
            return;
          }
          setRedirectUrl(result.authorizeUrl);
          // Back from the consent page lands here again: offer the way on, don't bounce.
          if (auto && redirectGuard.recentlyLeft(connector)) {
            setCameBack(true);
            return;
          }
          leaveFor(result.authorizeUrl);
        },
      },
    );
  };

  const leaveFor = (url: string) => {
    setCameBack(false);
    redirectGuard.mark(connector);
    browserLocation.assign(url);
  };

  const onEnter = useEffectEvent(() => {
    if (keyForm) return;
    if (oauthError) {
      redirectGuard.clear(connector);
      return;
    }
    if (oauthSuccess) {
      redirectGuard.clear(connector);
      // The connector list (access), the config (account) and the schema all changed; the
      // next step is unlocked only once the list says so.
      void queryClient.invalidateQueries({ queryKey: connectorKeys.all }).finally(onAuthorized);
      return;
    }
    start(true);
  });

  // Once on entry (a retry is the user's explicit choice, never automatic).
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    onEnter();
  }, []);

  // Restored from the back-forward cache after visiting the CRM: say so instead of "Taking you…".
  useEffect(() => {
    const onPageShow = (event: PageTransitionEvent) => {
      if (event.persisted) setCameBack(true);
    };
    window.addEventListener('pageshow', onPageShow);
    return () => window.removeEventListener('pageshow', onPageShow);
  }, []);

  const knownCode = oauthErrorCodeSchema.safeParse(oauthError);
  const oauthMessage = knownCode.success
    ? (describeErrorCode(knownCode.data, t, name) ?? t('errors.generic'))
    : t('authorize.unknownError', { name, code: (oauthError ?? '').slice(0, 40) });

  const backLink = (
    <Link className={buttonClass()} to="/connectors">
      {t('authorize.backToConnectors')}
    </Link>
  );

  const tryAgain = (
    <button type="button" className={PRIMARY} onClick={() => start(false)}>
      {t('authorize.tryAgain')}
    </button>
  );

  const addressProblem = authorize.error instanceof ApiError && ADDRESS_CODES.includes(authorize.error.code) ? authorize.error : null;

  let body;
  if (keyForm) {
    body = (
      <ApiKeyForm
        connector={connector}
        name={name}
        example={addressExample ?? ''}
        helpUrl={apiKey?.helpUrl ?? null}
        sandbox={apiKey?.sandbox ?? null}
        account={changeAccess ? account : null}
        onlyAddress={onlyAddress}
        onConnected={onAuthorized}
        backLink={backLink}
      />
    );
  } else if (addressProblem) {
    body = (
      <AddressForm
        name={name}
        example={addressExample ?? ''}
        // The first ask is a question, not an error: only a refused address is.
        error={addressProblem.code === 'address_not_allowed' ? describeApiError(addressProblem, t, name) : null}
        pending={authorize.isPending}
        onSubmit={(address) => start(false, address)}
        backLink={backLink}
      />
    );
  } else if (authorize.isError) {
    body = (
      <div className={ERROR_PANEL} role="alert">
        <h3 className={s.errorTitle}>{t('authorize.startError')}</h3>
        <p>{describeApiError(authorize.error, t, name)}</p>
        <div className={s.actions}>
          {tryAgain}
          {backLink}
        </div>
      </div>
    );
  } else if (oauthError && authorize.isIdle) {
    body = (
      <div className={ERROR_PANEL} role="alert">
        <h3 className={s.errorTitle}>{t('authorize.errorTitle')}</h3>
        <p>{oauthMessage}</p>
        <div className={s.actions}>
          {tryAgain}
          {backLink}
        </div>
      </div>
    );
  } else if (cameBack && redirectUrl) {
    body = (
      <div className={s.panel}>
        <p>{t('authorize.returned', { name })}</p>
        <div className={s.actions}>
          <button type="button" className={PRIMARY} onClick={() => leaveFor(redirectUrl)}>
            {t('authorize.continueTo', { name })}
          </button>
          {backLink}
        </div>
      </div>
    );
  } else if (redirectUrl) {
    body = (
      <div className={s.panel} aria-busy="true">
        <p className={s.progress} role="status">
          <span className={s.spinner} aria-hidden="true" />
          {t('authorize.redirecting', { name })}
        </p>
        <p className={s.hint}>{t('authorize.redirectHint', { name })}</p>
        <a className={s.manual} href={redirectUrl} onClick={() => redirectGuard.mark(connector)}>
          {t('authorize.redirectManual', { name })}
        </a>
      </div>
    );
  } else {
    const message = oauthSuccess
      ? t('authorize.success', { name })
      : authorize.isSuccess
        ? t('authorize.authorized', { name })
        : t('authorize.checking', { name });
    body = (
      <div className={s.panel} aria-busy="true">
        <p className={s.progress} role="status">
          <span className={s.spinner} aria-hidden="true" />
          {message}
        </p>
      </div>
    );
  }

  return (
    <WizardStep titleId="auth-step-title" title={t('authorize.title')} intro={t([`authorize.introFor.${connector}`, 'authorize.intro'], { name })}>
      {body}
    </WizardStep>
  );
}

/**
 * The account's address (Bitrix24's portal, `company.bitrix24.ru`), for CRMs without one central
 * consent page. What is typed is sent to the API as is: the API accepts only the CRM's own hosts.
 */
function AddressForm({
  name,
  example,
  error,
  pending,
  onSubmit,
  backLink,
}: {
  name: string;
  example: string;
  error: string | null;
  pending: boolean;
  onSubmit: (address: string) => void;
  backLink: ReactNode;
}) {
  const { t } = useTranslation();
  const inputId = useId();
  const errorId = useId();
  const [value, setValue] = useState('');
  const [empty, setEmpty] = useState(false);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const address = value.trim();
    setEmpty(address === '');
    if (address !== '') onSubmit(address);
  };
  const message = empty ? t('authorize.address.required', { name }) : error;
  return (
    <form className={cx(s.panel, s.addressForm)} onSubmit={submit} noValidate aria-busy={pending || undefined}>
      <div className={s.addressField}>
        <label htmlFor={inputId}>{t('authorize.address.label', { name })}</label>
        <input
          id={inputId}
          className={formClass.input}
          type="text"
          inputMode="url"
          autoComplete="url"
          spellCheck={false}
          maxLength={255}
          placeholder={example}
          value={value}
          onChange={(event) => setValue(event.target.value)}
          aria-invalid={message ? true : undefined}
          aria-describedby={message ? errorId : undefined}
        />
        {message ? (
          <p id={errorId} className={formClass.error} role="alert">
            {message}
          </p>
        ) : (
          <p className={s.hint}>{t('authorize.address.hint', { name, example })}</p>
        )}
      </div>
      <div className={s.actions}>
        <button type="submit" className={PRIMARY} disabled={pending}>
          {t('authorize.address.submit', { name })}
        </button>
        {backLink}
      </div>
    </form>
  );
}
