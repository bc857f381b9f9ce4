import { CalculationStep } from '@/features/calculated-fields/components/calculation-step';

import { useWizard } from './setup-layout';
import { stepPath } from './steps';

export function CalculationRoute() {
  const { connector, summary, envelope, goTo } = useWizard();
  return (
    <CalculationStep
      connector={connector}
      connectorName={summary?.name ?? connector}
      envelope={envelope}
      onDone={() => goTo('done')}
      onBack={() => goTo('mapping')}
      stepHref={(step) => stepPath(connector, step)}
    />
  );
}
