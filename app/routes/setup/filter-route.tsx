import { useNavigate } from 'react-router';

import { FilterStep } from '@/features/filters/components/filter-step';
import { FilterMatchCount } from '@/features/funnel/components/filter-match-count';

import { useWizard } from './setup-layout';

export function FilterRoute() {
  const { connector, summary, envelope, goTo } = useWizard();
  const navigate = useNavigate();
  return (
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
  );
}
