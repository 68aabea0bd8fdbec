import { existsSync } from 'node:fs';
import { request } from 'node:http';

/**
 * Whether a Docker engine answers `GET /_ping` within `timeoutMs` (DOCKER_HOST tcp/unix, or the default socket).
 * A socket file alone is not enough: the daemon behind it must answer.
 */
export async function dockerReachable(env: Record<string, string | undefined> = process.env, timeoutMs = 1_500): Promise<boolean> {
  const host = env.DOCKER_HOST;
  let target: { socketPath: string } | { host: string; port: number };
  if (host?.startsWith('unix://')) target = { socketPath: host.slice('unix://'.length) };
  else if (host?.startsWith('tcp://')) {
    const url = new URL(host.replace(/^tcp:/, 'http:'));
    target = { host: url.hostname, port: Number(url.port || 2375) };
  } else if (!host && existsSync('/var/run/docker.sock')) target = { socketPath: '/var/run/docker.sock' };
  else return false;
  return new Promise((resolve) => {
    const req = request({ ...target, path: '/_ping', method: 'GET', timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}
