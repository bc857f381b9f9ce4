import { useWizard } from './setup-layout';

/** Placeholder until the done step is built. */
export function DoneRoute() {
  const { step } = useWizard();
  return <p>{step}</p>;
}
