import { deviceKindOf } from '../lib/security';

/** A computer or a phone, guessed from the session's device label. */
export function DeviceIcon({ label, className = 'h-5 w-5' }: { label: string; className?: string }) {
  if (deviceKindOf(label) === 'phone') {
    return (
      <svg viewBox="0 0 20 20" fill="none" stroke="currentColor" strokeWidth="1.5" aria-hidden="true" className={className}>
        <rect x="5.5" y="2" width="9" height="16" rx="2" />
        <path d="M8.5 15h3" strokeLinecap="round" />
      </svg>
    );
  }
  return (
    <svg viewBox="0 0 20 20" fill="none" stroke="currentColor" strokeWidth="1.5" aria-hidden="true" className={className}>
      <rect x="2.5" y="3.5" width="15" height="10" rx="1.5" />
      <path d="M7 17h6M10 13.5V17" strokeLinecap="round" />
    </svg>
  );
}
