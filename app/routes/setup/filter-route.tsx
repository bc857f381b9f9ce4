import { useNavigate } from 'react-router';

import { FilterStep } from '@/features/filters/components/filter-step';
import { FilterMatchCount } from '@/features/funnel/components/filter-match-count';
import { ImportOffer } from '@/features/transfer/components/import-offer';

import { useWizard } from './setup-layout';

export function FilterRoute() {
  const { connector, summary, envelope, goTo } = useWizard();
  const navigate = useNavigate();
  // A fresh connector (access, nothing mapped yet) is offered to import a configuration file instead.
  const fresh = Boolean(summary?.hasAccess) && (envelope?.config.pipelines.length ?? 0) === 0;
  return (
    <>
      {fresh && summary ? (
        <ImportOffer
          connector={connector}
          crmName={summary.name}
          account={summary.account}
          replaces={envelope != null}
          onImported={() => goTo('mapping')}
        />
      ) : null}
      <FilterStep
        connector={connector}
        connectorName={summary?.name ?? connector}
        envelope={envelope}
        onNext={() => goTo('mapping')}
        onSkip={() => goTo('mapping')}
        // The step before is authorization, which moves straight on while access is valid:
        // Back leaves the wizard for the Connectors page it was opened from.
        onBack={() => void navigate('/connectors')}
        consequence={(filter, schema) => <FilterMatchCount connector={connector} filter={filter} fields={schema.customFields} />}
      />
    </>
  );
}
