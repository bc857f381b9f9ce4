import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { moduleClasses } from '@/components/ui/class-names';
import type { CrmSchema } from '@/contracts/crm-schema';
import type { MappingConfig } from '@/contracts/mapping-config';
import type { FieldError } from '@/contracts/problem';
import { describeProblems, type FixStep } from '@/lib/activation-problems';

import styles from './activation-problems-list.module.css';

const s = moduleClasses(styles, ['problems', 'title', 'list', 'link']);

export interface ActivationProblemsListProps {
  problems: readonly FieldError[];
  config: MappingConfig;
  schema: CrmSchema | null | undefined;
  connectorName: string;
  /** Where each step lives (the app's routes own the URLs). */
  stepHref: (step: FixStep) => string;
  /** Move focus to the list when it appears (after a failed activation). */
  autoFocus?: boolean;
}

/** What stops activation, each with a link to the step that fixes it. */
export function ActivationProblemsList({ problems, config, schema, connectorName, stepHref, autoFocus }: ActivationProblemsListProps) {
  const { t } = useTranslation();
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (autoFocus) headingRef.current?.focus();
  }, [autoFocus, problems]);
  const described = describeProblems(problems, config, schema);
  return (
    <section className={s.problems} aria-labelledby="activation-problems-title">
      <h3 id="activation-problems-title" className={s.title} ref={headingRef} tabIndex={-1}>
        {t('wizard.activationProblems.title', { name: connectorName })}
      </h3>
      <p>{t('wizard.activationProblems.intro')}</p>
      <ul className={s.list}>
        {described.map((problem) => (
          <li key={problem.key}>
            <span>{problem.messageKey ? t(`wizard.activationProblems.${problem.messageKey}`, problem.params) : problem.fallback}</span>{' '}
            <Link to={stepHref(problem.step)} className={s.link}>
              {t('wizard.activationProblems.fixIn', { step: t(`wizard.steps.${problem.step}`) })}
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
