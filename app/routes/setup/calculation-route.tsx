import { workingConfig } from '@/api/connector-config';
import { CalculationStep } from '@/features/calculated-fields/components/calculation-step';
import { CalculatedTotals } from '@/features/funnel/components/calculated-totals';

import { useWizard } from './setup-layout';
import { stepPath } from './steps';

export function CalculationRoute() {
  const { connector, summary, envelope, schema, goTo } = useWizard();
  const config = workingConfig(connector, envelope);
  return (
    <CalculationStep
      connector={connector}
      connectorName={summary?.name ?? connector}
      envelope={envelope}
      onDone={() => goTo('done')}
      onBack={() => goTo('mapping')}
      stepHref={(step) => stepPath(connector, step)}
      totals={(field) => <CalculatedTotals connector={connector} config={config} fields={schema?.customFields ?? []} {...field} />}
    />
  );
}
