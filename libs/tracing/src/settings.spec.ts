import { loadConfig } from '@herald/config';
import { resourceAttributes, tracingSettings } from './settings';

const settingsOf = (env: Record<string, string>) => tracingSettings(loadConfig(env), 'webhook-sender', '1.2.3');

describe('tracingSettings', () => {
  it('exports nothing unless an OTLP endpoint is set', () => {
    expect(settingsOf({}).export).toBeNull();
    expect(settingsOf({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_BSP_SCHEDULE_DELAY: '100' }).export).toBeNull();
    expect(settingsOf({ OTEL_EXPORTER_OTLP_ENDPOINT: '', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '' }).export).toBeNull(); // compose's `${VAR:-}`
  });

  it('appends /v1/traces to the general endpoint and takes the traces endpoint as given', () => {
    expect(settingsOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }).export?.url).toBe('http://collector:4318/v1/traces');
    expect(settingsOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }).export?.url).toBe('http://collector:4318/v1/traces');
    expect(settingsOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://b/otlp/traces' }).export?.url).toBe('https://b/otlp/traces');
  });

  it('defaults to protobuf, the traces protocol winning over the general one', () => {
    const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' };
    expect(settingsOf(endpoint).export?.protocol).toBe('http/protobuf');
    expect(settingsOf({ ...endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }).export?.protocol).toBe('http/json');
    expect(settingsOf({ ...endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf' }).export?.protocol).toBe('http/protobuf');
  });

  it('stays off when the SDK is disabled or the exporter is none', () => {
    expect(settingsOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SDK_DISABLED: 'true' }).export).toBeNull();
    expect(settingsOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_TRACES_EXPORTER: 'none' }).export).toBeNull();
  });

  it('refuses what it cannot honour at load, naming the variable', () => {
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toThrow(/OTEL_EXPORTER_OTLP_PROTOCOL: must be http\/protobuf or http\/json/);
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT/);
    expect(() => loadConfig({ OTEL_TRACES_SAMPLER_ARG: '2' })).toThrow(/OTEL_TRACES_SAMPLER_ARG/);
  });

  it('names the service itself, whatever the resource attributes say', () => {
    const { resource, sampler } = settingsOf({ OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=prod,service.name=x', OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.25' });
    expect(resource).toEqual({ 'deployment.environment.name': 'prod', 'service.name': 'herald-webhook-sender', 'service.namespace': 'herald', 'service.version': '1.2.3' });
    expect(sampler).toEqual({ name: 'parentbased_traceidratio', ratio: 0.25 });
  });
});

describe('resourceAttributes', () => {
  it('reads key=value pairs, percent-decoded, skipping malformed ones', () => {
    expect(resourceAttributes('a=1, b = two%20words ,=x,novalue,c=%E0%A4%A,d=')).toEqual({ a: '1', b: 'two words', d: '' });
    expect(resourceAttributes(undefined)).toEqual({});
  });
});
