import { moduleClasses } from '@/components/ui/class-names';
import type { ConnectorId } from '@/contracts/connector';

import styles from './connectors.module.css';

const s = moduleClasses(styles, ['logo']);

const MARKS: Record<ConnectorId, { text: string; from: string; to: string }> = {
  amocrm: { text: 'amo', from: '#1868d6', to: '#2fa4f0' },
  bitrix24: { text: 'B24', from: '#0c8fc7', to: '#2fc6f6' },
  retailcrm: { text: 'R', from: '#5b3ac4', to: '#8f6cf2' },
};

/** A brand-coloured mark for a connector (decorative: the card's heading names it). */
export function ConnectorLogo({ connector }: { connector: ConnectorId }) {
  const mark = MARKS[connector];
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
