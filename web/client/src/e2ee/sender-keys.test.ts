import { describe, expect, it } from 'vitest';
import { OutboundSenderKey } from '../crypto/v1';
import { MemoryKeyStore } from '../store/memory-key-store';
import { SenderKeys } from './sender-keys';

const USER = '0190a6e0-0000-4000-8000-0000000000a1';
const DEV = '0190a6e0-0000-4000-8000-0000000000b2';
const CONV = '0190a6e0-0000-4000-8000-0000000000c1';

async function share(epoch: number, advance = 0) {
  const key = await OutboundSenderKey.create({ conversationId: CONV, epoch, senderDeviceId: DEV, senderUserId: USER });
  for (let i = 0; i < advance; i++) await key.encrypt(crypto.randomUUID(), { type: 'text', text: 'x' });
  return { key, share: key.share() };
}

describe('SenderKeys', () => {
  it('stores the earliest share of each key, survives a reload, and never rewinds the live ring', async () => {
    const store = new MemoryKeyStore();
    const keys = new SenderKeys(store, USER);
    const { key, share: at0 } = await share(0);
    await key.encrypt(crypto.randomUUID(), { type: 'text', text: 'first' });
    const at1 = key.share();
    expect(await keys.addShare(at1)).toBe(true);
    expect(await keys.addShare(at1)).toBe(false);
    // An earlier position replaces the stored copy (for the next reload) but is not a new key.
    expect(await keys.addShare(at0)).toBe(false);
    expect(keys.list().map((s) => s.chainIndex)).toEqual([0]);
    expect(keys.ring.get(at0)!.chainIndex).toBe(1);
    const reloaded = new SenderKeys(store, USER);
    await reloaded.load();
    expect(reloaded.ring.get(at0)!.chainIndex).toBe(0);
  });

  it('picks up a share another tab of this browser stored after this session loaded (one store, two sessions)', async () => {
    const store = new MemoryKeyStore();
    const tab1 = new SenderKeys(store, USER);
    const tab2 = new SenderKeys(store, USER);
    await tab2.load();
    const { share: s0 } = await share(0);
    await tab1.addShare(s0);
    expect(tab2.has(s0)).toBe(false);
    expect((await tab2.reloadConversation(CONV)).map((s) => s.epoch)).toEqual([0]);
    expect(tab2.has(s0)).toBe(true);
    expect(await tab2.reloadConversation(CONV)).toEqual([]);
  });

  it('forgets a conversation that was left and takes its keys again only as a member', async () => {
    const store = new MemoryKeyStore();
    const keys = new SenderKeys(store, USER);
    await keys.addShare((await share(0)).share);
    await keys.dropConversation(CONV);
    expect(keys.list()).toEqual([]);
    expect(await store.listRecords(USER, 'share/')).toEqual([]);
    // From the backup: refused. From a distribution (the server sends those to members only): taken.
    const again = (await share(1)).share;
    expect(await keys.addShare(again)).toBe(false);
    const reloaded = new SenderKeys(store, USER);
    await reloaded.load();
    expect(await reloaded.addShare(again)).toBe(false);
    expect(await reloaded.addShare(again, { member: true })).toBe(true);
    expect(await reloaded.addShare((await share(2)).share)).toBe(true);
  });
});
