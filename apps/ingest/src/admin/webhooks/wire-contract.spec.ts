import { wireContractProblem, type WireContract } from './wire-contract';

const contract = (over: Partial<WireContract> = {}): WireContract => ({
  format: 'raw',
  signingScheme: 'hmac-sha256',
  signatureHeader: null,
  timestampHeader: null,
  eventHeader: null,
  staticHeaders: [],
  payloadTemplate: null,
  dedupKey: null,
  integrationKey: null,
  ...over,
});
const problem = (over: Partial<WireContract>) => wireContractProblem(contract(over), 'X-Herald-');

describe('wireContractProblem', () => {
  it("accepts every seed's header names", () => {
    expect(problem({ signatureHeader: 'X-OEC-Signature' })).toBeNull();
    expect(problem({ signingScheme: 'timestamped', signatureHeader: 'X-OECSH-Signature', timestampHeader: 'X-OECSH-Timestamp' })).toBeNull();
    expect(problem({ signatureHeader: 'X-Reoclo-Signature-256' })).toBeNull();
    expect(problem({ signatureHeader: 'X-Versioner-Signature', eventHeader: 'X-Versioner-Event' })).toBeNull();
    expect(problem({ signingScheme: 'github' })).toBeNull();
    expect(problem({ staticHeaders: [{ name: 'X-Tenant' }, { name: 'Authorization' }] })).toBeNull();
  });

  it('refuses hop-by-hop and Herald-owned names, naming the field', () => {
    expect(problem({ staticHeaders: [{ name: 'X-Ok' }, { name: 'Connection' }] })).toMatchObject({ field: 'headers.1.name' });
    expect(problem({ staticHeaders: [{ name: 'transfer-encoding' }] })).toMatchObject({ field: 'headers.0.name' });
    expect(problem({ staticHeaders: [{ name: 'Webhook-Id' }] })).toMatchObject({ field: 'headers.0.name' });
    expect(problem({ staticHeaders: [{ name: 'x-herald-event' }] })).toMatchObject({ field: 'headers.0.name' });
    expect(problem({ signatureHeader: 'X-Sig', staticHeaders: [{ name: 'x-sig-next' }] })).toMatchObject({ field: 'headers.0.name' });
    expect(problem({ staticHeaders: [{ name: 'X-A' }, { name: 'x-a' }] })).toMatchObject({ field: 'headers.1.name', message: "'x-a' is listed twice" });
    expect(problem({ format: 'opsgenie', integrationKey: 'k', staticHeaders: [{ name: 'Authorization' }] })).toMatchObject({ field: 'headers.0.name' });
    expect(problem({ signatureHeader: 'Content-Type' })).toMatchObject({ field: 'signature_header' });
    expect(problem({ eventHeader: 'X-Herald-Signature' })).toMatchObject({ field: 'event_header' });
  });

  it('names the position of a template syntax error, and wants the key of an incident format', () => {
    expect(problem({ payloadTemplate: '{ "a": ' })).toMatchObject({ field: 'payload_template', position: expect.any(Number) });
    expect(problem({ payloadTemplate: 'preset:reoclo' })).toBeNull();
    expect(problem({ format: 'slack', payloadTemplate: '{}' })).toMatchObject({ field: 'payload_template' });
    expect(problem({ format: 'pagerduty', dedupKey: '"a" &' })).toMatchObject({ field: 'dedup_key' });
    expect(problem({ format: 'pagerduty' })).toMatchObject({ field: 'integration_key' });
    expect(problem({ format: 'pagerduty', integrationKey: 'R0123456789abcdef0123456789abcde' })).toBeNull();
  });
});
