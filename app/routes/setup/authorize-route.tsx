import { useWizard } from './setup-layout';

/** Placeholder until the authorize step is built. */
export function AuthorizeRoute() {
  const { step } = useWizard();
  return <p>{step}</p>;
}
