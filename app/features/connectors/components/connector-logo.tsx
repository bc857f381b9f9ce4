import { moduleClasses } from '@/components/ui/class-names';
import type { ConnectorId, ConnectorLogo as Logo } from '@/contracts/connector';

import styles from './connectors.module.css';

const s = moduleClasses(styles, ['logo']);

/**
 * A brand-coloured mark for a connector (decorative: the card's heading names it). The mark is
 * the connector registry's (`GET /api/connectors` → `logo`): the SPA keeps no list of CRMs.
 */
export function ConnectorLogo({ connector, logo: mark }: { connector: ConnectorId; logo: Logo }) {
  const gradientId = `connector-logo-${connector}`;
  return (
    <svg className={s.logo} viewBox="0 0 48 48" width="48" height="48" aria-hidden="true" focusable="false">
      <defs>
        <linearGradient id={gradientId} x1="0" y1="0" x2="1" y2="1">
          <stop offset="0" stopColor={mark.from} />
          <stop offset="1" stopColor={mark.to} />
        </linearGradient>
      </defs>
      <rect width="48" height="48" rx="12" fill={`url(#${gradientId})`} />
      <text
        x="24"
        y="25"
        textAnchor="middle"
        dominantBaseline="middle"
        fill="#fff"
        fontSize={mark.text.length > 2 ? 15 : 22}
        fontWeight="700"
        fontFamily="system-ui, sans-serif"
      >
        {mark.text}
      </text>
    </svg>
  );
}
