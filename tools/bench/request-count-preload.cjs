// Loaded into each Herald service by the benchmarks when BENCH_REQUEST_COUNTS=<dir> is set (node --require): counts the
// Kafka requests the service sends, per API (kafkajs's Connection.send), and its SQL statements, per statement's
// first 60 characters (pg's Client.query), and appends the running totals once a second to
// <dir>/<service>-<pid>.jsonl. `node tools/bench/request-counts.mjs <dir>` turns them into rates.
const { isMainThread } = require('node:worker_threads');

if (isMainThread) {
  const { appendFileSync, mkdirSync } = require('node:fs');
  const path = require('node:path');
  const Connection = require('kafkajs/src/network/connection');
  const Client = require('pg/lib/client');

  const counts = { kafka: {}, sql: {} };
  const sendRequest = Connection.prototype.send;
  Connection.prototype.send = function (request) {
    const api = request.request.apiName;
    counts.kafka[api] = (counts.kafka[api] ?? 0) + 1;
    return sendRequest.call(this, request);
  };
  const query = Client.prototype.query;
  Client.prototype.query = function (config, ...rest) {
    const text = String(typeof config === 'string' ? config : (config?.text ?? '')).replace(/\s+/g, ' ').trim().slice(0, 60);
    counts.sql[text] = (counts.sql[text] ?? 0) + 1;
    return query.call(this, config, ...rest);
  };

  const dir = path.resolve(process.env.BENCH_REQUEST_COUNTS);
  const service = /apps\/([^/]+)\/src\/main\.js$/.exec(process.argv[1] ?? '')?.[1] ?? 'node';
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${service}-${process.pid}.jsonl`);
  setInterval(() => appendFileSync(file, `${JSON.stringify({ at: Date.now(), ...counts })}\n`), 1000).unref();
}
