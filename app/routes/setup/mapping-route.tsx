import { useWizard } from './setup-layout';

/** Placeholder until the mapping step is built. */
export function MappingRoute() {
  const { step } = useWizard();
  return <p>{step}</p>;
}
