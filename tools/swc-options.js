// The one swc configuration for jest and the build: TypeScript with decorator metadata (NestJS DI needs it).
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const tsconfig = require(path.join(root, 'tsconfig.base.json'));

/** @param {{ rewritePaths?: boolean }} [opts] rewritePaths turns `@herald/x` imports into relative ones (build output). */
function swcOptions(opts = {}) {
  return {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2023',
      keepClassNames: true,
      ...(opts.rewritePaths ? { baseUrl: root, paths: tsconfig.compilerOptions.paths } : {}),
    },
    // import() stays a real dynamic import, so tests load tools/*.mjs as ES modules (jest with
    // --experimental-vm-modules) on Node 20 as well as on Node >= 24.9.
    module: { type: 'commonjs', ignoreDynamic: true },
    sourceMaps: true,
  };
}

module.exports = { swcOptions, root };
