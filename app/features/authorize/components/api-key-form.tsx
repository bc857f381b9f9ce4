import { useId, useState, type ReactNode } from 'react';
import { useForm, type FieldErrors, type Resolver } from 'react-hook-form';
import { useTranslation } from 'react-i18next';

import { useConnectWithKey } from '@/api/crm';
import { buttonClass } from '@/components/ui/button';
import { cx, moduleClasses } from '@/components/ui/class-names';
import { formClass } from '@/components/ui/form';
import type { ConnectorId, CrmAccount } from '@/contracts/connector';
import { apiKeyAuthorizeRequestSchema, apiKeyErrorCodeSchema, type ApiKeyAuthorizeRequest } from '@/contracts/oauth';
import { ApiError } from '@/lib/api-client';
import { describeApiError } from '@/lib/api-errors';

import styles from './authorize-step.module.css';

const s = moduleClasses(styles, ['panel', 'panelError', 'addressForm', 'addressField', 'actions', 'progress', 'spinner', 'hint', 'keyRow', 'sandbox', 'sandboxList', 'formError']);
const PRIMARY = buttonClass({ variant: 'primary' });

type Field = keyof ApiKeyAuthorizeRequest;

export interface ApiKeyFormProps {
  connector: ConnectorId;
  name: string;
  /** An example address (`shop.retailcrm.ru`). */
  example: string;
  /** Where the CRM shows its API keys. */
  helpUrl: string | null;
  /** With a sandbox: its address and key, shown in a note. */
  sandbox: { accountUrl: string; apiKey: string } | null;
  /** Change access: the connected account's address is filled in (the key is never shown again). */
  account: CrmAccount | null;
  /** The only address accepted (a sandbox's origin), to fill in for a connected account. */
  onlyAddress: string | null;
  onConnected: () => void;
  backLink: ReactNode;
}

/**
 * The shared contract checks what was typed; its issues become this form's messages (the
 * contract's own texts are the API's, in English).
 */
function useResolver(name: string): Resolver<ApiKeyAuthorizeRequest> {
  const { t } = useTranslation();
  return (values) => {
    const parsed = apiKeyAuthorizeRequestSchema.safeParse(values);
    if (parsed.success) return { values: parsed.data, errors: {} };
    const errors: FieldErrors<ApiKeyAuthorizeRequest> = {};
    for (const issue of parsed.error.issues) {
      const field = issue.path[0] as Field;
      if (errors[field]) continue;
      const code = field === 'accountUrl' ? (issue.code === 'too_small' ? 'address_required' : 'address_invalid') : issue.code === 'too_small' ? 'key_required' : 'key_format';
      errors[field] = { type: code, message: t(`authorize.apiKey.errors.${code}`, { name }) };
    }
    return { values: {}, errors };
  };
}

/**
 * The authorization form of an API-key CRM (RetailCRM): the account's address and the key,
 * checked by the server with the CRM before anything is stored. A refusal lands on the field it
 * belongs to (unreachable address, wrong key, missing scopes), so it can be corrected on the spot.
 */
export function ApiKeyForm({ connector, name, example, helpUrl, sandbox, account, onlyAddress, onConnected, backLink }: ApiKeyFormProps) {
  const { t } = useTranslation();
  const connect = useConnectWithKey(connector);
  const [shown, setShown] = useState(false);
  const ids = { address: useId(), addressHint: useId(), key: useId(), keyHint: useId(), sandbox: useId() };
  const prefilled = account ? (onlyAddress ?? `https://${account.domain}`) : '';
  const { register, handleSubmit, setError, formState } = useForm<ApiKeyAuthorizeRequest>({
    resolver: useResolver(name),
    defaultValues: { accountUrl: prefilled, apiKey: '' },
  });
  const [formError, setFormError] = useState<string | null>(null);

  const submit = handleSubmit((values) => {
    setFormError(null);
    connect.mutate(values, {
      onSuccess: onConnected,
      onError: (error) => {
        const known = error instanceof ApiError ? apiKeyErrorCodeSchema.safeParse(error.code) : null;
        const pointer = error instanceof ApiError ? error.problem?.errors?.[0]?.pointer : undefined;
        if (error instanceof ApiError && (known?.success || error.code === 'validation_failed') && (pointer === '/accountUrl' || pointer === '/apiKey')) {
          const field: Field = pointer === '/accountUrl' ? 'accountUrl' : 'apiKey';
          const code = known?.success ? known.data : field === 'accountUrl' ? 'address_invalid' : 'key_format';
          const scopes = (error.problem?.missingScopes ?? []).join(', ');
          setError(field, { type: code, message: t(`authorize.apiKey.errors.${code}`, { name, scopes }) }, { shouldFocus: true });
          return;
        }
        setFormError(describeApiError(error, t, name));
      },
    });
  });

  const addressError = formState.errors.accountUrl?.message;
  const keyError = formState.errors.apiKey?.message;
  const pending = connect.isPending;

  return (
    <form className={cx(s.panel, s.addressForm)} onSubmit={(event) => void submit(event)} noValidate aria-busy={pending || undefined}>
      {sandbox ? (
        <section className={s.sandbox} aria-labelledby={ids.sandbox}>
          <h3 id={ids.sandbox}>{t('authorize.apiKey.sandboxTitle')}</h3>
          <p>{t('authorize.apiKey.sandboxText', { name })}</p>
          <dl className={s.sandboxList}>
            <dt>{t('authorize.apiKey.sandboxAddress')}</dt>
            <dd>
              <code>{sandbox.accountUrl}</code>
            </dd>
            <dt>{t('authorize.apiKey.sandboxKey')}</dt>
            <dd>
              <code>{sandbox.apiKey}</code>
            </dd>
          </dl>
        </section>
      ) : null}

      <div className={s.addressField}>
        <label htmlFor={ids.address}>{t('authorize.apiKey.addressLabel')}</label>
        <input
          id={ids.address}
          className={formClass.input}
          type="text"
          inputMode="url"
          autoComplete="url"
          spellCheck={false}
          autoCapitalize="none"
          maxLength={255}
          placeholder={example}
          aria-invalid={addressError ? true : undefined}
          aria-describedby={ids.addressHint}
          {...register('accountUrl')}
        />
        {addressError ? (
          <p id={ids.addressHint} className={formClass.error} role="alert">
            {addressError}
          </p>
        ) : (
          <p id={ids.addressHint} className={s.hint}>
            {t('authorize.apiKey.addressHint', { name, example })}
          </p>
        )}
      </div>

      <div className={s.addressField}>
        <label htmlFor={ids.key}>{t('authorize.apiKey.keyLabel')}</label>
        <div className={s.keyRow}>
          <input
            id={ids.key}
            className={formClass.input}
            type={shown ? 'text' : 'password'}
            autoComplete="off"
            spellCheck={false}
            autoCapitalize="none"
            maxLength={200}
            aria-invalid={keyError ? true : undefined}
            aria-describedby={ids.keyHint}
            {...register('apiKey')}
          />
          <button type="button" className={buttonClass()} aria-pressed={shown} aria-controls={ids.key} onClick={() => setShown((value) => !value)}>
            {shown ? t('authorize.apiKey.hide') : t('authorize.apiKey.show')}
          </button>
        </div>
        {keyError ? (
          <p id={ids.keyHint} className={formClass.error} role="alert">
            {keyError}
          </p>
        ) : (
          <p id={ids.keyHint} className={s.hint}>
            {account ? `${t('authorize.apiKey.keyKept')} ` : ''}
            {t('authorize.apiKey.keyHint', { name })}{' '}
            {helpUrl ? (
              <a href={helpUrl} target="_blank" rel="noopener noreferrer">
                {t('authorize.apiKey.keyHelp', { name })}
              </a>
            ) : null}
          </p>
        )}
      </div>

      {formError ? (
        <p className={s.formError} role="alert">
          {formError}
        </p>
      ) : null}

      <div className={s.actions}>
        <button type="submit" className={PRIMARY} disabled={pending}>
          {t('authorize.apiKey.submit')}
        </button>
        {backLink}
      </div>
      {pending ? (
        <p className={s.progress} role="status">
          <span className={s.spinner} aria-hidden="true" />
          {t('authorize.apiKey.checking', { name })}
        </p>
      ) : null}
    </form>
  );
}
