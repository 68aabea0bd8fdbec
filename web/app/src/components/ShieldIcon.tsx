export function ShieldIcon({ className = 'h-4 w-4' }: { className?: string }) {
  return (
    <svg viewBox="0 0 20 20" fill="currentColor" aria-hidden="true" className={className}>
      <path
        fillRule="evenodd"
        d="M9.66 1.1a.75.75 0 0 1 .68 0 14.9 14.9 0 0 0 6.52 1.73.75.75 0 0 1 .72.75c0 6.4-2.9 11.1-7.33 13.32a.75.75 0 0 1-.66 0C5.16 14.68 2.25 9.97 2.25 3.58a.75.75 0 0 1 .72-.75A14.9 14.9 0 0 0 9.66 1.1Zm3.66 6.47a.75.75 0 1 0-1.14-.97L9.1 10.22 7.8 8.92a.75.75 0 0 0-1.06 1.06l1.88 1.88a.75.75 0 0 0 1.1-.04l3.6-4.25Z"
        clipRule="evenodd"
      />
    </svg>
  );
}
