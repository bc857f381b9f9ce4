import { FilterStep } from '@/features/filters/components/filter-step';

import { useWizard } from './setup-layout';

export function FilterRoute() {
  const { connector, summary, envelope, goTo } = useWizard();
  return (
    <FilterStep
      connector={connector}
      connectorName={summary?.name ?? connector}
      envelope={envelope}
      onNext={() => goTo('mapping')}
      onSkip={() => goTo('mapping')}
    />
  );
}
