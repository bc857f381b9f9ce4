import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

import { useConnectorName } from '@/api/connectors';
import { crmSchemaQueryOptions } from '@/api/crm';
import { pageClass } from '@/components/layouts/page';
import { buttonClass } from '@/components/ui/button';
import { cx } from '@/components/ui/class-names';
import { feedbackClass } from '@/components/ui/feedback';
import type { ConnectorId } from '@/contracts/connector';
import type { CrmSchema } from '@/contracts/crm-schema';
import { describeApiError } from '@/lib/api-errors';

import { stepLayout } from './step-layout';

export interface WizardStepProps {
  /** The heading's id (the section is labelled by it). */
  titleId: string;
  title: string;
  intro: ReactNode;
  /** The step's own class (a feature's module class), added to `stepLayout.step`. */
  className?: string;
  children: ReactNode;
}

/** A wizard step's frame: a section labelled by its heading, with the intro under it. */
export function WizardStep({ titleId, title, intro, className, children }: WizardStepProps) {
  return (
    <section className={cx(stepLayout.step, className)} aria-labelledby={titleId}>
      <header className={stepLayout.header}>
        <h2 id={titleId}>{title}</h2>
        <p className={pageClass.intro}>{intro}</p>
      </header>
      {children}
    </section>
  );
}

export interface SchemaStepProps extends Omit<WizardStepProps, 'children'> {
  connector: ConnectorId;
  /** "Loading the parameters from amoCRM…" */
  loadingMessage: string;
  /** "Could not load the parameters from amoCRM." (the API's reason and Try again follow) */
  errorMessage: string;
  children: (schema: CrmSchema) => ReactNode;
}

/** A step built on the account's CRM schema: loading and failure (with Try again) are said in the step's frame. */
export function SchemaStep({ connector, loadingMessage, errorMessage, children, ...frame }: SchemaStepProps) {
  const { t } = useTranslation();
  const schema = useQuery(crmSchemaQueryOptions(connector));
  const crmName = useConnectorName(connector);
  let body: ReactNode;
  if (schema.isPending) {
    body = (
      <p className={stepLayout.loading} role="status">
        {loadingMessage}
      </p>
    );
  } else if (schema.isError) {
    body = (
      <div className={feedbackClass.errorPanel} role="alert">
        <p>
          {errorMessage} {describeApiError(schema.error, t, crmName)}
        </p>
        <button type="button" className={buttonClass()} onClick={() => void schema.refetch()}>
          {t('wizard.retry')}
        </button>
      </div>
    );
  } else {
    body = children(schema.data);
  }
  return <WizardStep {...frame}>{body}</WizardStep>;
}
