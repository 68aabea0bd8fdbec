import qrcode from 'qrcode-generator';

/** Modules of light margin around the code (the QR specification's quiet zone). */
const QUIET_ZONE = 4;

/** Bytes as the "string" qrcode-generator's byte mode expects: one char per byte (it keeps the low 8 bits). */
export function byteString(payload: Uint8Array): string {
  return String.fromCharCode(...payload);
}

/** The QR modules of `payload` (raw bytes, byte mode, error correction M) as one SVG path, or null if too long. */
export function qrPath(payload: Uint8Array): { size: number; path: string } | null {
  const qr = qrcode(0, 'M');
  qr.addData(byteString(payload), 'Byte');
  try {
    qr.make();
  } catch {
    return null;
  }
  const count = qr.getModuleCount();
  let path = '';
  for (let row = 0; row < count; row++) {
    for (let col = 0; col < count; col++) {
      if (qr.isDark(row, col)) path += `M${col + QUIET_ZONE} ${row + QUIET_ZONE}h1v1h-1z`;
    }
  }
  return { size: count + 2 * QUIET_ZONE, path };
}
