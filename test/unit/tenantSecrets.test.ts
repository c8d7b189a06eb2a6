import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { appScopeOf, legacyKey, SecretStorageLike, TenantSecrets } from '../../src/tenants/tenantSecrets';

/** SecretStorage as a map. */
class MemorySecrets implements SecretStorageLike {
  readonly values = new Map<string, string>();
  async get(key: string): Promise<string | undefined> {
    return this.values.get(key);
  }
  async store(key: string, value: string): Promise<void> {
    this.values.set(key, value);
  }
  async delete(key: string): Promise<void> {
    this.values.delete(key);
  }
}

// usGov and usGovDoD with one app: one login host, tenant and app, two tenant entries.
const SHARED_SCOPE = 'https://login.microsoftonline.us/contoso.onmicrosoft.us/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';

describe('secrets per tenant entry', () => {
  let storage: MemorySecrets;
  let gov: TenantSecrets;
  let dod: TenantSecrets;

  beforeEach(() => {
    storage = new MemorySecrets();
    const adoptAll = async () => {
      await gov.adoptAll();
      await dod.adoptAll();
    };
    gov = new TenantSecrets(storage, 'gov-entry', SHARED_SCOPE, adoptAll);
    dod = new TenantSecrets(storage, 'dod-entry', SHARED_SCOPE, adoptAll);
  });

  it('two entries with the same login host, tenant and app keep separate secrets', async () => {
    await gov.store('clientSecret', 'gov-secret');
    assert.equal(await gov.get('clientSecret'), 'gov-secret');
    assert.equal(await dod.get('clientSecret'), undefined);
    await dod.store('clientSecret', 'dod-secret');
    assert.equal(await gov.get('clientSecret'), 'gov-secret');
  });

  it('a secret an earlier version stored under the shared key moves to each entry on first use', async () => {
    await storage.store(legacyKey('clientSecret', SHARED_SCOPE), 'old-secret');
    assert.equal(await gov.get('clientSecret'), 'old-secret');
    assert.equal(await dod.get('clientSecret'), 'old-secret');
    assert.equal(storage.values.get(gov.key('clientSecret')), 'old-secret');
    assert.equal(storage.values.get(dod.key('clientSecret')), 'old-secret');
  });

  it('removing one entry leaves the other its secret, even one still under the shared key, and nothing comes back', async () => {
    await storage.store(legacyKey('clientCertificate', SHARED_SCOPE), '{"pem":"old"}');
    await storage.store(legacyKey('tokenCache', SHARED_SCOPE), 'old-cache');
    // Neither entry has read them yet when one is removed.
    await gov.forget();
    assert.equal(await gov.get('clientCertificate'), undefined, "the removed entry's copy is gone and is not read back");
    assert.equal(await dod.get('clientCertificate'), '{"pem":"old"}');
    assert.equal(await dod.get('tokenCache'), 'old-cache');
    assert.equal(storage.values.has(legacyKey('clientCertificate', SHARED_SCOPE)), false, 'the shared key is gone');
  });

  it("an earlier version's value never overwrites the entry's own, and nothing is copied when there is none", async () => {
    const storage = new MemorySecrets();
    const entry = new TenantSecrets(storage, 'entry', SHARED_SCOPE, async () => undefined);
    assert.equal(await entry.get('clientSecret'), undefined);
    assert.deepEqual([...storage.values.keys()], [], 'nothing to copy, nothing stored');
    await entry.store('clientSecret', 'own');
    storage.values.set(legacyKey('clientSecret', SHARED_SCOPE), 'old');
    assert.equal(await entry.get('clientSecret'), 'own');
  });

  it('signing out (deleting a secret) does not bring the shared value back on the next read', async () => {
    await storage.store(legacyKey('clientSecret', SHARED_SCOPE), 'old-secret');
    assert.equal(await gov.get('clientSecret'), 'old-secret');
    await gov.delete('clientSecret');
    assert.equal(await gov.get('clientSecret'), undefined);
    assert.equal(await dod.get('clientSecret'), 'old-secret');
  });

  it('an entry whose settings are incomplete only touches its own keys', async () => {
    const incomplete = new TenantSecrets(storage, 'incomplete-entry', undefined, async () => assert.fail('nothing shared to adopt'));
    await storage.store(legacyKey('clientSecret', SHARED_SCOPE), 'old-secret');
    await incomplete.store('clientSecret', 'mine');
    await incomplete.forget();
    assert.equal(await incomplete.get('clientSecret'), undefined);
    assert.equal(storage.values.get(legacyKey('clientSecret', SHARED_SCOPE)), 'old-secret');
  });
});

describe('a shared app credential', () => {
  it('entries that choose to share store the secret once; their token caches stay apart; deleting one keeps it', async () => {
    const storage = new MemorySecrets();
    const none = async () => undefined;
    const customerA = new TenantSecrets(storage, 'entry-a', undefined, none, { scope: 'app-1' });
    const customerB = new TenantSecrets(storage, 'entry-b', undefined, none, { scope: 'app-1' });
    const ownSecret = new TenantSecrets(storage, 'entry-c', undefined, none);
    await customerA.store('clientSecret', 'shared-secret');
    await customerA.store('tokenCache', 'cache-a');
    assert.equal(await customerB.get('clientSecret'), 'shared-secret', 'set once, used by every entry that shares it');
    assert.equal(await customerB.get('tokenCache'), undefined, 'a token cache is never shared');
    assert.equal(await ownSecret.get('clientSecret'), undefined, 'an entry that did not choose to share gets nothing');
    await customerA.forget();
    assert.equal(await customerB.get('clientSecret'), 'shared-secret', "removing one entry leaves the others' credential");
    assert.equal(await customerA.get('tokenCache'), undefined);
    await customerB.deleteShared();
    assert.equal(await customerB.get('clientSecret'), undefined);
    assert.deepEqual([...storage.values.keys()], []);
  });
});

describe('a shared app credential is bound to the login origin', () => {
  const CLIENT = 'AAAAAAAA-bbbb-cccc-dddd-eeeeeeeeeeee';
  const none = async () => undefined;
  /** The key versions before this one made: the login host name and the client id, no port. */
  const earlierKey = (host: string, kind: string) =>
    `intuneVpp.app/${createHash('sha256').update(`${host}|${CLIENT.toLowerCase()}`).digest('hex').slice(0, 16)}/${kind}`;

  it('another port or scheme of the same host is another app: its entries never read the credential', async () => {
    const storage = new MemorySecrets();
    const onDefaultPort = new TenantSecrets(storage, 'entry-443', undefined, none, appScopeOf('https://login.example', CLIENT));
    const onOtherPort = new TenantSecrets(storage, 'entry-8443', undefined, none, appScopeOf('https://login.example:8443', CLIENT));
    await onDefaultPort.store('clientSecret', 'secret-of-443');
    assert.equal(await onOtherPort.get('clientSecret'), undefined);
    assert.notEqual(appScopeOf('https://login.example', CLIENT).scope, appScopeOf('https://login.example:8443', CLIENT).scope);
    assert.equal(
      appScopeOf('https://LOGIN.example:443', CLIENT.toLowerCase()).scope,
      appScopeOf('https://login.example', CLIENT).scope,
      'the default port written out, and case, do not change the app',
    );
  });

  it('a credential an earlier version stored under the host name moves to the origin key on first read, unnoticed', async () => {
    const storage = new MemorySecrets();
    storage.values.set(earlierKey('login.example', 'clientSecret'), 'stored-by-0.1');
    const entry = new TenantSecrets(storage, 'entry', undefined, none, appScopeOf('https://login.example', CLIENT));
    assert.equal(await entry.get('clientSecret'), 'stored-by-0.1');
    assert.deepEqual([...storage.values.keys()], [entry.key('clientSecret')], 'moved, and the earlier key is gone');
    assert.equal(await entry.get('clientSecret'), 'stored-by-0.1', 'read again from its new key');
  });

  it('an entry on another port does not adopt what an earlier version stored under the host name', async () => {
    const storage = new MemorySecrets();
    storage.values.set(earlierKey('login.example', 'clientSecret'), 'stored-for-443');
    const onOtherPort = new TenantSecrets(storage, 'entry-8443', undefined, none, appScopeOf('https://login.example:8443', CLIENT));
    assert.equal(await onOtherPort.get('clientSecret'), undefined);
    assert.equal(storage.values.get(earlierKey('login.example', 'clientSecret')), 'stored-for-443', 'left for the entry it belongs to');
  });

  it('deleting the shared credential also deletes a value still under the earlier key', async () => {
    const storage = new MemorySecrets();
    storage.values.set(earlierKey('login.example', 'clientCertificate'), 'pem');
    const entry = new TenantSecrets(storage, 'entry', undefined, none, appScopeOf('https://login.example', CLIENT));
    await entry.deleteShared();
    assert.deepEqual([...storage.values.keys()], []);
  });

  it('the key is the lower-case origin and client id, hashed: upgrading never loses a stored credential to a new spelling', () => {
    const expected = createHash('sha256')
      .update('https://login.example:8443|aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee')
      .digest('hex')
      .slice(0, 16);
    assert.equal(appScopeOf('https://LOGIN.Example:8443', CLIENT).scope, expected);
  });

  it('a value already under the origin key is kept: the earlier key never overwrites it, and nothing is stored when neither has one', async () => {
    const storage = new MemorySecrets();
    const entry = new TenantSecrets(storage, 'entry', undefined, none, appScopeOf('https://login.example', CLIENT));
    assert.equal(await entry.get('clientSecret'), undefined);
    assert.deepEqual([...storage.values.keys()], [], 'reading nothing stores nothing');
    await entry.store('clientSecret', 'current');
    storage.values.set(earlierKey('login.example', 'clientSecret'), 'stale');
    assert.equal(await entry.get('clientSecret'), 'current');
  });

  it("deleting the shared credential of an entry that does not share leaves that entry's own secret", async () => {
    const storage = new MemorySecrets();
    const own = new TenantSecrets(storage, 'entry', undefined, none);
    await own.store('clientSecret', 'own-secret');
    await own.deleteShared();
    assert.equal(await own.get('clientSecret'), 'own-secret');
  });
});
