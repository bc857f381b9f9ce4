import { useWizard } from './setup-layout';

/** Placeholder until the calculation step is built. */
export function CalculationRoute() {
  const { step } = useWizard();
  return <p>{step}</p>;
}
