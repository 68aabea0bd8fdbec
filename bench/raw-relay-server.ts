import { WebSocketServer, type WebSocket } from 'ws';

/**
 * Baseline for the benchmark: the least a WebSocket relay can do on this machine. Each client connects with
 * `?id=<name>`; a frame `{ to, id, payload }` is forwarded to `to` and acknowledged to the sender. No auth, no
 * validation, no persistence, no NATS: a floor to compare CipherLink's full path against.
 */
const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', maxPayload: 64 * 1024 });
const sockets = new Map<string, WebSocket>();
wss.on('connection', (ws, req) => {
  const id = new URL(req.url ?? '/', 'http://x').searchParams.get('id') ?? '';
  sockets.set(id, ws);
  ws.on('message', (data) => {
    const frame = JSON.parse(String(data)) as { to: string; id: string; payload: string };
    sockets.get(frame.to)?.send(JSON.stringify({ type: 'message', id: frame.id, payload: frame.payload }));
    ws.send(JSON.stringify({ type: 'ack', id: frame.id }));
  });
  ws.on('close', () => sockets.delete(id));
});
wss.on('listening', () => {
  const addr = wss.address();
  if (addr && typeof addr === 'object') process.stdout.write(`LISTENING ${addr.port}\n`);
});
process.on('SIGTERM', () => wss.close(() => process.exit(0)));
