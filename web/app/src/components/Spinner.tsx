export function Spinner({ label = 'Loading', className = 'h-6 w-6' }: { label?: string; className?: string }) {
  return (
    <span role="status" aria-label={label} className="inline-flex">
      <span className={`${className} animate-spin rounded-full border-2 border-current border-t-transparent opacity-70`} />
    </span>
  );
}
