import { useNavigate, useSearchParams } from 'react-router';

import { AuthorizeStep } from '@/features/authorize/components/authorize-step';

import { useWizard } from './setup-layout';
import { stepPath } from './steps';

export function AuthorizeRoute() {
  const { connector, summary } = useWizard();
  const [search] = useSearchParams();
  const navigate = useNavigate();
  const oauthError = search.get('oauth_error');
  return (
    <AuthorizeStep
      // A new callback result (e.g. after "Try again") is a new visit to the step.
      key={search.toString()}
      connector={connector}
      connectorName={summary?.name ?? connector}
      addressExample={summary?.address?.example ?? null}
      authKind={summary?.authKind}
      apiKey={summary?.apiKey ?? null}
      onlyAddress={summary?.address?.value ?? null}
      account={summary?.account ?? null}
      changeAccess={search.get('change') === '1'}
      oauthError={oauthError}
      oauthSuccess={!oauthError && search.get('oauth') === 'success'}
      // Replace: Back from the next step must not land on a page that moves forward again.
      onAuthorized={() => void navigate(stepPath(connector, 'filter'), { replace: true })}
    />
  );
}
