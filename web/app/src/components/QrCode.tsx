import { useMemo } from 'react';
import { qrPath } from '../lib/qr';

/**
 * A QR code of raw bytes, drawn as SVG (crisp at any size). Always dark on white, also in dark mode, so phone
 * cameras read it.
 */
export function QrCode({ payload, label, className = 'h-44 w-44' }: { payload: Uint8Array; label: string; className?: string }) {
  const qr = useMemo(() => qrPath(payload), [payload]);
  if (!qr) return null;
  return (
    <svg
      data-testid="safety-qr"
      role="img"
      aria-label={label}
      viewBox={`0 0 ${qr.size} ${qr.size}`}
      shapeRendering="crispEdges"
      className={`${className} rounded-lg bg-white`}
    >
      <rect width={qr.size} height={qr.size} fill="#fff" />
      <path d={qr.path} fill="#000" />
    </svg>
  );
}
