import { useWizard } from './setup-layout';

/** Placeholder until the filter step is built. */
export function FilterRoute() {
  const { step } = useWizard();
  return <p>{step}</p>;
}
