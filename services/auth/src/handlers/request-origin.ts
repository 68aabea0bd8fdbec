import type { FastifyRequest } from '@cipherlink/kit';
import { deviceLabel } from '../domain/device-label';
import { truncateIp } from '../domain/ip-location';
import type { RequestOrigin } from '../store/security-event-store';

const MAX_USER_AGENT_CHARS = 512;

/** The User-Agent as stored with a session (bounded). */
export const userAgentOf = (req: FastifyRequest): string | undefined => req.headers['user-agent']?.slice(0, MAX_USER_AGENT_CHARS);

/** Where a request came from, in the only form we keep: a device label and the IP truncated to /24 or /48. */
export function requestOrigin(req: FastifyRequest): RequestOrigin {
  return { device: deviceLabel(userAgentOf(req)), location: truncateIp(req.ip) };
}
