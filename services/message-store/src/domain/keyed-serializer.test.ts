import { describe, expect, it } from 'vitest';
import { createKeyedSerializer } from './keyed-serializer';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('createKeyedSerializer', () => {
  it('runs tasks of one key in submission order, never overlapping', async () => {
    const s = createKeyedSerializer();
    const events: string[] = [];
    let running = 0;
    let maxRunning = 0;
    const task = (name: string, ms: number) => async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      events.push(`start ${name}`);
      await tick(ms);
      events.push(`end ${name}`);
      running--;
      return name;
    };
    const results = await Promise.all([s.run('a', task('1', 20)), s.run('a', task('2', 1)), s.run('a', task('3', 5))]);
    expect(results).toEqual(['1', '2', '3']);
    expect(maxRunning).toBe(1);
    expect(events).toEqual(['start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3']);
  });

  it('runs different keys in parallel', async () => {
    const s = createKeyedSerializer();
    let running = 0;
    let maxRunning = 0;
    const task = async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      await tick(10);
      running--;
    };
    await Promise.all([s.run('a', task), s.run('b', task), s.run('c', task)]);
    expect(maxRunning).toBe(3);
  });

  it('keeps going after a failed task and forgets idle keys', async () => {
    const s = createKeyedSerializer();
    const failed = s.run('a', async () => {
      throw new Error('boom');
    });
    const next = s.run('a', async () => 'ok');
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('ok');
    await tick(0);
    expect(s.activeKeys).toBe(0);
  });
});
