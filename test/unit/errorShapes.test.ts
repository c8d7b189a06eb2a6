import * as assert from 'node:assert/strict';
import { isIntuneForbidden, throttledMessage, unwrapIntuneMessage } from '../../src/graph/errorFromResponse';

/** Intune's error documents, as Graph carries them in `error.message`, read as the extension must read them. */
describe("Intune's error shapes", () => {
  const body = (code: string, message: unknown) => JSON.stringify({ error: { code, message } });
  const intune = (fields: Record<string, unknown>) => JSON.stringify(fields);

  it("a 401 is Intune's Forbidden when its unwrapped code is Forbidden, or its message says an error has occurred", () => {
    assert.equal(isIntuneForbidden(body('UnknownError', intune({ ErrorCode: 'Forbidden', Message: 'No Intune role.' }))), true);
    assert.equal(isIntuneForbidden(body('UnknownError', intune({ ErrorCode: 'forbidden', Message: 'x' }))), true, 'in any case');
    assert.equal(
      isIntuneForbidden(body('UnknownError', intune({ _version: 3, Message: 'An error has occurred - Operation ID: 1' }))),
      true,
    );
  });

  it('an expired token, a body that is not JSON or has no message is not', () => {
    assert.equal(isIntuneForbidden(body('InvalidAuthenticationToken', 'Access token has expired or is not yet valid.')), false);
    assert.equal(isIntuneForbidden('<html>401</html>'), false);
    assert.equal(isIntuneForbidden('{}'), false);
    assert.equal(isIntuneForbidden('null'), false);
    assert.equal(isIntuneForbidden(JSON.stringify({ error: {} })), false);
    assert.equal(isIntuneForbidden(JSON.stringify({ error: { code: 'Unauthorized', message: 42 } })), false);
  });

  it('unwraps nested documents to the innermost message, keeping the outermost Intune code', () => {
    const inner = intune({ ErrorCode: 'Other', Message: intune({ _version: 3, Message: 'An error has occurred' }) });
    assert.deepEqual(unwrapIntuneMessage(intune({ ErrorCode: 'Forbidden', Message: inner })), {
      message: 'An error has occurred',
      intuneCode: 'Forbidden',
    });
  });

  it('a code that is not text is no code, and a document without a message is its own message', () => {
    assert.deepEqual(unwrapIntuneMessage(intune({ ErrorCode: 42, Message: 'Plain' })), { message: 'Plain', intuneCode: undefined });
    const bare = intune({ ErrorCode: 'Forbidden' });
    assert.deepEqual(unwrapIntuneMessage(bare), { message: bare, intuneCode: 'Forbidden' });
  });

  it('a 429 tells when to try again in the unit a person reads', () => {
    assert.equal(throttledMessage(120), 'Intune is throttling requests (429) and asked to wait. Try again in 120 seconds.');
    assert.equal(throttledMessage(121), 'Intune is throttling requests (429) and asked to wait. Try again in 3 minutes.');
    assert.equal(throttledMessage(3600), 'Intune is throttling requests (429) and asked to wait. Try again in 60 minutes.');
    assert.equal(
      throttledMessage(3601, Date.parse('2026-12-06T10:00:00Z')),
      'Intune is throttling requests (429) and asked to wait until 2026-12-06 11:00 UTC.',
    );
  });

  it('stops after five levels, so a document nested without end cannot hold the extension', () => {
    let nested: string = intune({ Message: 'innermost' });
    for (let level = 0; level < 5; level++) {
      nested = intune({ Message: nested });
    }
    assert.equal(unwrapIntuneMessage(nested).message, intune({ Message: 'innermost' }), 'the sixth document is left as it is');
    assert.equal(unwrapIntuneMessage(intune({ Message: intune({ Message: 'two deep' }) })).message, 'two deep');
  });
});
