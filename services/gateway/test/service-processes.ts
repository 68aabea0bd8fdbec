import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * The real auth, directory and message-store services for the gateway's integration tests, each started from its own
 * entry point (`services/<name>/src/main.ts`) in a child process: the per-service deploy, on this machine's PostgreSQL
 * and Redis and the NATS of NATS_URL. Child processes rather than imports because a service never imports another
 * service (eslint); the gateway under test still runs in the test process.
 */

const root = fileURLToPath(new URL('../../..', import.meta.url));

export type ServiceName = 'auth' | 'directory' | 'message-store';

/**
 * The database of the gateway's tests: the integration database's name plus `_gateway`. A database of its own
 * because some tests hold a table lock in it (to keep the directory from answering for a while), which must never
 * stall other suites on the shared test database. `applicationName` tags the connections of one process, so a test
 * can tell in `pg_stat_activity` which directory instance runs a query.
 */
export function gatewayTestDatabaseUrl(applicationName?: string): string {
  const url = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/cipherlink_test');
  url.pathname = `${url.pathname}_gateway`;
  if (applicationName) url.searchParams.set('application_name', applicationName);
  return url.toString();
}

export interface ServiceProcess {
  name: ServiceName;
  /** Base URL of its HTTP API. */
  url: string;
  /** The `application_name` of its PostgreSQL connections. */
  applicationName: string;
  /** SIGSTOP: the process keeps its connections but does nothing (requests routed to it wait). */
  pause(): void;
  /** SIGCONT after pause(). */
  resume(): void;
  /** SIGTERM (graceful shutdown) and wait for the exit. */
  close(): Promise<void>;
}

const running = new Set<ReturnType<typeof spawn>>();
// A test process that ends without afterAll (a crash, a timeout) must not leave services behind.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Start one service process on a free port and wait until it is up. */
export async function startServiceProcess(name: ServiceName, opts: { instance?: string; env?: Record<string, string> } = {}): Promise<ServiceProcess> {
  // Unique per test process: another run on the same database never looks like one of ours.
  const applicationName = `gateway-test-${process.pid}-${name}${opts.instance ? `-${opts.instance}` : ''}`;
  // node itself with tsx's loader (not the tsx CLI, which runs the service in a grandchild): signals, SIGSTOP
  // included, reach the service.
  const child = spawn(process.execPath, ['--import', 'tsx', `services/${name}/src/main.ts`], {
    cwd: root,
    env: {
      ...process.env,
      HTTP_PORT: '0',
      HTTP_HOST: '127.0.0.1',
      // "<name> is up" (info) carries the URL; the lines are kept only to explain a failed start.
      LOG_LEVEL: 'info',
      DATABASE_URL: gatewayTestDatabaseUrl(applicationName),
      // Budgets keyed by 127.0.0.1 and by user live in the machine's shared Redis: no test here is about them.
      AUTH_RATE_LIMIT_PER_MINUTE: '100000',
      RATE_LIMIT_API_PER_MINUTE: '100000',
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => running.delete(child));

  const recent: string[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`${name} did not start within 30 s`)), 30_000);
    const fail = (err: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${err.message}\n${recent.join('\n')}`));
    };
    const keep = (line: string) => {
      recent.push(line);
      if (recent.length > 40) recent.shift();
    };
    let buffered = '';
    // Always drained: a full pipe would block the child's logging.
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        keep(line);
        const up = parseUp(line, name);
        if (up) {
          clearTimeout(timer);
          resolve(up);
        }
      }
    });
    child.stderr.on('data', (chunk: Buffer) => keep(chunk.toString()));
    child.once('exit', (code, signal) => fail(new Error(`${name} exited (${code ?? signal}) before it was up`)));
  });

  return {
    name,
    url,
    applicationName,
    pause: () => void child.kill('SIGSTOP'),
    resume: () => void child.kill('SIGCONT'),
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGCONT');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

function parseUp(line: string, name: string): string | undefined {
  try {
    const entry = JSON.parse(line) as { msg?: string; url?: string };
    return entry.msg === `${name} is up` ? entry.url : undefined;
  } catch {
    return undefined;
  }
}

/** The services a gateway test runs against. */
export interface Backend {
  auth: ServiceProcess;
  /** One directory instance, or several (they share the work like any scaled-out deploy). */
  directories: ServiceProcess[];
  /** The directory whose HTTP API the helpers use. */
  directory: ServiceProcess;
  messageStore: ServiceProcess | undefined;
  close(): Promise<void>;
}

export async function startBackend(opts: { directories?: number; messageStore?: boolean } = {}): Promise<Backend> {
  const count = opts.directories ?? 1;
  const names: [ServiceName, string | undefined][] = [
    ['auth', undefined],
    ...(opts.messageStore ? [['message-store', undefined] as [ServiceName, undefined]] : []),
    ...Array.from({ length: count }, (_, i): [ServiceName, string | undefined] => ['directory', count > 1 ? String(i + 1) : undefined]),
  ];
  // All at once; when one fails, the others are stopped once they are up (none is left running).
  const results = await Promise.allSettled(names.map(([name, instance]) => startServiceProcess(name, instance ? { instance } : {})));
  const started = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const close = () => Promise.all(started.map((s) => s.close())).then(() => undefined);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await close();
    throw failed.reason;
  }
  const directories = started.filter((s) => s.name === 'directory');
  return {
    auth: started.find((s) => s.name === 'auth')!,
    directories,
    directory: directories[0]!,
    messageStore: started.find((s) => s.name === 'message-store'),
    close,
  };
}
