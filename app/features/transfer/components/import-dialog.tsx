import { useQuery } from '@tanstack/react-query';
import { Dialog } from 'radix-ui';
import { useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

import { connectorsQueryOptions } from '@/api/connectors';
import { useImportPreview, useSaveImported } from '@/api/transfer';
import { buttonClass } from '@/components/ui/button';
import { cx, moduleClasses } from '@/components/ui/class-names';
import type { ReturnFocus } from '@/components/ui/confirm-dialog';
import { dialogClass } from '@/components/ui/dialog';
import { feedbackClass } from '@/components/ui/feedback';
import { IMPORT_MAX_BYTES, type ImportMisfit, type ImportPreview } from '@/contracts/config-transfer';
import type { ConnectorId, CrmAccount } from '@/contracts/connector';
import { SCHEMA_VERSION } from '@/contracts/mapping-config';
import { ApiError } from '@/lib/api-client';
import { describeApiError } from '@/lib/api-errors';

import styles from './transfer.module.css';

const s = moduleClasses(styles, ['dialog', 'fileRow', 'hint', 'meta', 'error', 'fits', 'misfits', 'misfitsTitle', 'misfitList']);

type Translate = ReturnType<typeof useTranslation>['t'];

/** The file problems the dialog explains itself (the others: the common error catalogue). */
const FILE_PROBLEMS = new Set(['file_too_large', 'invalid_json', 'not_a_configuration', 'wrong_crm', 'unsupported_schema_version', 'validation_failed']);

function formatSize(bytes: number, language: string): string {
  const mb = bytes / (1024 * 1024);
  return `${new Intl.NumberFormat(language, { maximumFractionDigits: 1 }).format(mb)} ${language.startsWith('ru') ? 'МБ' : 'MB'}`;
}

/** One misfit as a sentence. */
export function describeMisfit(misfit: ImportMisfit, t: Translate): string {
  const named = (name: string | null, id: string) => name ?? t('transfer.misfit.unnamed', { id });
  switch (misfit.kind) {
    case 'pipeline_not_found':
      return t('transfer.misfit.pipeline_not_found', { name: named(misfit.name, misfit.pipelineId) });
    case 'status_not_found':
      return t('transfer.misfit.status_not_found', {
        name: named(misfit.name, misfit.statusId),
        container: misfit.containerName,
        pipeline: named(misfit.pipelineName, misfit.pipelineId),
      });
    case 'container_dropped':
      return misfit.marker
        ? t('transfer.misfit.container_dropped_marker', {
            container: misfit.containerName,
            pipeline: named(misfit.pipelineName, misfit.pipelineId),
            marker: t(`mapping.markers.${misfit.marker}`),
          })
        : t('transfer.misfit.container_dropped', { container: misfit.containerName, pipeline: named(misfit.pipelineName, misfit.pipelineId) });
    case 'field_not_found':
      return t('transfer.misfit.field_not_found', { name: named(misfit.name, misfit.fieldId) });
    case 'filter_field_not_found':
      return t('transfer.misfit.filter_field_not_found', { name: misfit.name ?? misfit.field });
    case 'formula_field_not_found':
      return t('transfer.misfit.formula_field_not_found', { calculated: misfit.calculatedFieldName, name: named(misfit.name, misfit.fieldId) });
  }
}

const PARTS = ['pipelines', 'containers', 'statuses', 'otherFields', 'filterConditions', 'calculatedFields'] as const;

export interface ImportDialogProps {
  connector: ConnectorId;
  crmName: string;
  /** The account of this workspace's access, named in the intro. */
  account: CrmAccount | null;
  /** A configuration is saved already: the import replaces it (said before the file is chosen). */
  replaces: boolean;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  /** After the adapted configuration was saved as the draft. */
  onImported: () => void;
  returnFocus?: ReturnFocus;
}

/**
 * Import a configuration file: choose it (keyboard: the button opens the system's file picker),
 * the API's dry run matches it against this account, the review lists what fits and what does
 * not; only "Import" / "Import what fits" saves (the draft, through PUT …/config). Cancel, or a
 * failure, saves nothing.
 */
export function ImportDialog({ connector, crmName, account, replaces, open, onOpenChange, onImported, returnFocus }: ImportDialogProps) {
  const { t, i18n } = useTranslation();
  const input = useRef<HTMLInputElement>(null);
  const [fileName, setFileName] = useState<string | null>(null);
  const [reading, setReading] = useState(false);
  const [fileError, setFileError] = useState<string | null>(null);
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const dryRun = useImportPreview(connector);
  const save = useSaveImported(connector);
  const connectors = useQuery(connectorsQueryOptions());
  const nameOfCrm = (id: string) => connectors.data?.connectors.find((item) => item.id === id)?.name ?? id;

  const reset = () => {
    setFileName(null);
    setFileError(null);
    setPreview(null);
    setReading(false);
    dryRun.reset();
    save.reset();
  };

  const explain = (error: unknown): string => {
    if (error instanceof ApiError && FILE_PROBLEMS.has(error.code)) {
      const problem = error.problem;
      const source = /\(([a-z0-9]+)\)/.exec(problem?.detail ?? '')?.[1];
      const first = problem?.errors?.[0];
      return t(`transfer.errors.${error.code}`, {
        crm: crmName,
        source: source ? nameOfCrm(source) : t('errors.theCrm'),
        size: formatSize(IMPORT_MAX_BYTES, i18n.language),
        first: first ? `${first.pointer || '/'}: ${first.message}` : '',
      });
    }
    return describeApiError(error, t, crmName);
  };

  const chooseFile = async (file: File) => {
    setFileError(null);
    setPreview(null);
    setFileName(file.name);
    if (file.size > IMPORT_MAX_BYTES) {
      setFileError(t('transfer.errors.file_too_large', { size: formatSize(file.size, i18n.language) }));
      return;
    }
    if (file.size === 0) {
      setFileError(t('transfer.errors.empty_file'));
      return;
    }
    setReading(true);
    let text: string;
    try {
      text = await file.text();
    } catch {
      setReading(false);
      setFileError(t('transfer.errors.read_failed'));
      return;
    }
    dryRun.mutate(text, {
      onSuccess: setPreview,
      onError: (error) => setFileError(explain(error)),
      onSettled: () => setReading(false),
    });
  };

  const confirm = () => {
    if (!preview) return;
    // Not `mutate`'s callbacks: the saved draft can unmount what offered the import (the first
    // step's offer goes once something is mapped), and the wizard must still move on.
    save.mutateAsync(preview.config).then(onImported, () => undefined);
  };

  const changeOpen = (next: boolean) => {
    if (!next) reset();
    onOpenChange(next);
  };

  const fileInput = (
    <input
      ref={input}
      type="file"
      accept=".json,application/json"
      hidden
      onChange={(event) => {
        const file = event.currentTarget.files?.[0];
        // The same file chosen again still fires a change.
        event.currentTarget.value = '';
        if (file) void chooseFile(file);
      }}
    />
  );

  let body: ReactNode;
  if (!preview) {
    body = (
      <>
        <Dialog.Description className={dialogClass.description}>
          {t('transfer.dialog.intro', { account: account ? `«${account.name}»` : t('transfer.dialog.thisAccount', { crm: crmName }) })}
        </Dialog.Description>
        {replaces ? <p className={cx(feedbackClass.notice, feedbackClass.noticeWarning)}>{t('transfer.dialog.replaces', { crm: crmName })}</p> : null}
        <div className={s.fileRow}>
          <button type="button" className={buttonClass({ variant: 'primary' })} onClick={() => input.current?.click()} disabled={reading}>
            {t('transfer.dialog.choose')}
          </button>
          <p className={s.hint}>{t('transfer.dialog.hint')}</p>
          {fileInput}
        </div>
        {reading && fileName ? (
          <p className={s.meta} role="status">
            {t('transfer.dialog.reading', { file: fileName })}
          </p>
        ) : null}
        {fileError ? (
          <p className={s.error} role="alert">
            {fileName ? `${fileName}: ` : ''}
            {fileError}
          </p>
        ) : null}
        <div className={dialogClass.actions}>
          <Dialog.Close className={buttonClass()}>{t('transfer.dialog.cancel')}</Dialog.Close>
        </div>
      </>
    );
  } else {
    const parts = PARTS.filter((part) => preview.matched[part] > 0).map((part) => t(`transfer.dialog.part.${part}`, { count: preview.matched[part] }));
    const source = preview.source;
    const misfits = preview.misfits;
    body = (
      <>
        <Dialog.Description className={s.meta}>
          {t('transfer.dialog.file', { file: fileName ?? '' })}{' '}
          {source.sameAccount
            ? t('transfer.dialog.fromSameAccount')
            : source.account
              ? t('transfer.dialog.fromAccount', { account: `«${source.account.name}»`, domain: source.account.domain })
              : t('transfer.dialog.fromUnknown')}{' '}
          {source.exportedAt
            ? t('transfer.dialog.exportedAt', { date: new Intl.DateTimeFormat(i18n.language, { dateStyle: 'long' }).format(new Date(source.exportedAt)) })
            : null}{' '}
          {source.schemaVersion < SCHEMA_VERSION ? t('transfer.dialog.upgraded', { version: source.schemaVersion }) : null}{' '}
          {source.hasNames ? null : t('transfer.dialog.noNames')}
        </Dialog.Description>
        <p className={s.fits}>
          {parts.length > 0 ? t('transfer.dialog.fits', { parts: parts.join(', ') }) : t('transfer.dialog.fitsNothing')}
          {preview.matched.byName > 0 ? ` ${t('transfer.dialog.byName', { count: preview.matched.byName })}` : null}
        </p>
        {misfits.length === 0 ? (
          <p className={feedbackClass.notice}>{t('transfer.dialog.allFits')}</p>
        ) : (
          <section className={s.misfits} aria-labelledby="import-misfits-title">
            <h3 id="import-misfits-title" className={s.misfitsTitle}>
              {t('transfer.dialog.misfitsTitle', { count: misfits.length })}
            </h3>
            <ul className={s.misfitList} tabIndex={0} aria-labelledby="import-misfits-title">
              {misfits.map((misfit, index) => (
                <li key={index}>{describeMisfit(misfit, t)}</li>
              ))}
            </ul>
            <p className={s.hint}>{t('transfer.dialog.misfitsNote')}</p>
          </section>
        )}
        {save.isError ? (
          <p className={s.error} role="alert">
            {t('transfer.dialog.saveFailed', { reason: describeApiError(save.error, t, crmName) })}
          </p>
        ) : null}
        {fileInput}
        <div className={dialogClass.actions}>
          <Dialog.Close className={buttonClass()}>{t('transfer.dialog.cancel')}</Dialog.Close>
          <button type="button" className={buttonClass()} onClick={() => input.current?.click()} disabled={save.isPending}>
            {t('transfer.dialog.chooseAnother')}
          </button>
          <button type="button" className={buttonClass({ variant: 'primary' })} onClick={confirm} disabled={save.isPending || parts.length === 0}>
            {save.isPending ? t('transfer.dialog.saving') : misfits.length > 0 ? t('transfer.dialog.importFits') : t('transfer.dialog.importAll')}
          </button>
        </div>
      </>
    );
  }

  return (
    <Dialog.Root open={open} onOpenChange={changeOpen}>
      <Dialog.Portal>
        <Dialog.Overlay className={dialogClass.overlay} />
        <Dialog.Content
          className={cx(dialogClass.content, s.dialog)}
          onCloseAutoFocus={(event) => {
            const target = typeof returnFocus === 'function' ? returnFocus() : returnFocus?.current;
            if (!target?.isConnected) return;
            event.preventDefault();
            target.focus();
          }}
        >
          <Dialog.Title className={dialogClass.title}>
            {preview ? t('transfer.dialog.reviewTitle', { crm: crmName }) : t('transfer.dialog.title', { crm: crmName })}
          </Dialog.Title>
          {body}
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
