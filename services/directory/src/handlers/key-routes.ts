import { AppError, BadRequestError, ConflictError, NotFoundError, parseOrThrow, userOf, type FastifyInstance, type FastifyRequest, type Logger, type Nats } from '@cipherlink/kit';
import {
  DeviceParams,
  PutKeyBackupRequest,
  RegisterDeviceV1Request,
  SetIdentityKeyRequest,
  UserParams,
  type CertifiedDeviceResponse,
  type IdentityKeyResponse,
  type KeyBackupConflictDetails,
  type KeyBackupResponse,
  type KeyBackupVersionResponse,
  type UserKeysResponse,
} from '@cipherlink/proto';
import { checkDeviceCertificate } from '../domain/device-certificate';
import { InvalidPointError, parseRawP256Point } from '../domain/raw-point';
import type { DirectoryStore } from '../store/directory-store';
import { publishDevicesChanged, publishIdentityKeyChanged } from './publish-events';

export interface SubRouteDeps {
  store: DirectoryStore;
  nats: () => Nats;
  logger: Logger;
  /** The caller's lowercase user id, with their directory row ensured. */
  callerOf: (req: FastifyRequest) => Promise<string>;
}

/** Room for a 1 MiB backup in base64url plus the JSON around it. */
const KEY_BACKUP_BODY_LIMIT = 1_500_000;

/**
 * Protocol v1 keys: the identity key, certified devices, the key listing (self and conversation partners only) and
 * the encrypted key backup (own only). Registered inside directoryRoutes, behind its auth guard.
 */
export function registerKeyRoutes(app: FastifyInstance, deps: SubRouteDeps): void {
  const { store, logger: log, callerOf } = deps;

  app.put('/api/directory/identity', async (req, reply): Promise<IdentityKeyResponse> => {
    const { identityKey } = parseOrThrow(SetIdentityKeyRequest, req.body, 'request body');
    assertPoint(identityKey, 'identityKey');
    const userId = await callerOf(req);
    const result = await store.identities.set(userId, identityKey);
    if (result.kind !== 'unchanged') {
      log.info({ userId, identityKeyVersion: result.identity.version, kind: result.kind }, 'identity key set');
      await publishIdentityKeyChanged(deps.nats(), userId, result.identity.version, log);
    }
    if (result.kind === 'replaced') {
      // The old key's certificates speak for nobody any more: those devices are gone (their sockets are closed).
      for (const deviceId of result.removedDeviceIds) await publishDevicesChanged(deps.nats(), userId, 'removed', deviceId, log);
    }
    void reply.status(result.kind === 'created' ? 201 : 200);
    return { userId, identityKey: result.identity.identityKey, identityKeyVersion: result.identity.version, identityKeyChangedAt: result.identity.changedAt };
  });

  app.post('/api/directory/devices', async (req, reply): Promise<CertifiedDeviceResponse> => {
    const body = parseOrThrow(RegisterDeviceV1Request, req.body, 'request body');
    const device = { ...body, deviceId: body.deviceId.toLowerCase() };
    const userId = await callerOf(req);
    const identity = await store.identities.get(userId);
    if (!identity) throw new ConflictError('set the identity key (PUT /api/directory/identity) before registering a certified device');
    const check = checkDeviceCertificate(identity.identityKey, { userId, ...device }, device.certificate);
    if (!check.ok) throw new BadRequestError('invalid device certificate', [{ path: 'certificate', message: check.reason }]);
    const result = await store.devices.registerCertified(userId, device, identity.identityKey);
    switch (result.kind) {
      case 'id_taken':
        throw new ConflictError('device id already in use');
      case 'identity_changed':
        throw new ConflictError('the identity key changed meanwhile; certify the device with the current one');
      case 'too_many_devices':
        throw new ConflictError('too many devices; remove one first');
      case 'created':
        log.info({ userId, deviceId: device.deviceId }, 'certified device registered');
        await publishDevicesChanged(deps.nats(), userId, 'added', device.deviceId, log);
        void reply.status(201);
        return { device: result.device };
      case 'exists':
        return { device: result.device };
    }
  });

  app.delete('/api/directory/devices/:deviceId', async (req, reply): Promise<void> => {
    const { deviceId } = parseOrThrow(DeviceParams, req.params, 'path parameters');
    const userId = userOf(req).sub.toLowerCase();
    // Another user's device and an unknown id answer alike.
    if (!(await store.devices.remove(userId, deviceId))) throw new NotFoundError('device not found');
    log.info({ userId, deviceId }, 'device removed');
    await publishDevicesChanged(deps.nats(), userId, 'removed', deviceId.toLowerCase(), log);
    void reply.status(204);
  });

  app.get('/api/directory/users/:userId/keys', async (req): Promise<UserKeysResponse> => {
    const { userId } = parseOrThrow(UserParams, req.params, 'path parameters');
    const viewer = userOf(req).sub;
    // Our own keys right after registration: the user-registered event may not be consumed yet, so ensure the row
    // from the token as every route that writes for the caller does (else a first sign-in can see "user not found").
    if (userId.toLowerCase() === viewer.toLowerCase()) await callerOf(req);
    // Strangers get the answer an unknown user gets: keys are shown only to people who can talk to the user.
    if (!(await store.users.findById(userId)) || !(await store.conversations.canSeeKeysOf(viewer, userId))) throw new NotFoundError('user not found');
    const [identity, devices] = await Promise.all([store.identities.get(userId), store.devices.certifiedOf([userId.toLowerCase()])]);
    return {
      userId: userId.toLowerCase(),
      identityKey: identity?.identityKey ?? null,
      identityKeyVersion: identity?.version ?? 0,
      identityKeyChangedAt: identity?.changedAt ?? null,
      devices: devices.get(userId.toLowerCase()) ?? [],
    };
  });

  app.put('/api/directory/key-backup', { bodyLimit: KEY_BACKUP_BODY_LIMIT }, async (req): Promise<KeyBackupVersionResponse> => {
    const { version, blob } = parseOrThrow(PutKeyBackupRequest, req.body, 'request body');
    const userId = await callerOf(req);
    const result = await store.keyBackups.put(userId, version, blob);
    if (result.kind === 'conflict') {
      const details: KeyBackupConflictDetails = { currentVersion: result.currentVersion };
      throw new AppError('conflict', 'key backup version conflict', details);
    }
    log.info({ userId, version, blobChars: blob.length }, 'key backup stored');
    return { version: result.version, updatedAt: result.updatedAt };
  });

  app.get('/api/directory/key-backup', async (req): Promise<KeyBackupResponse> => {
    const backup = await store.keyBackups.get(userOf(req).sub);
    if (!backup) throw new NotFoundError('no key backup');
    return backup;
  });
}

function assertPoint(value: string, path: string): void {
  try {
    parseRawP256Point(value, path);
  } catch (err) {
    if (err instanceof InvalidPointError) throw new BadRequestError('invalid request body', [{ path, message: err.message }]);
    throw err;
  }
}
