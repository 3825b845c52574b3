// Jest globalTeardown: stops the Kafka broker and any embedded PostgreSQL that jest-global-setup.js started.
// (globalSetup and globalTeardown run in the same process, so the handles are still in globalThis.)
const { stopInfra, STATE } = require('./jest-global-setup.js');

module.exports = async function globalTeardown() {
  const state = globalThis[STATE];
  if (!state) return;
  process.removeListener('SIGINT', state.onSignal);
  process.removeListener('SIGTERM', state.onSignal);
  await stopInfra(state);
  delete globalThis[STATE];
};
