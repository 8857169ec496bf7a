// Builds the Node-RED palette package in this folder from the repository: the five nodes (and the
// gateway config node) bundled with esbuild into dist/node-red/*.mjs from ../../src/node-red, their
// editor files and CommonJS entry files in nodes/, the shipped models in models/ and the example
// flows in examples/ (Node-RED lists a package's examples/ under Import → Examples).
// Every `onnxruntime-node` import of the inference code is mapped to src/node-red/onnx-runtime.ts,
// which uses onnxruntime-node when it is installed and onnxruntime-web otherwise; nothing else is
// left external, so the package's one dependency is onnxruntime-web.
// Run by `npm pack` (prepack) here, and by the tests that install the packed tarball.
import { build } from 'esbuild';
import { cp, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';

export const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
const ROOT = join(PACKAGE_DIR, '..', '..');

/** Node type → the module (src/node-red/<module>.ts) and its register function. */
export const NODES = {
  'linewatch-gateway': ['gateway-config-node', 'registerGatewayConfigNode'],
  'linewatch-model': ['model-config-node', 'registerModelConfigNode'],
  'linewatch-window': ['window-node', 'registerWindowNode'],
  'linewatch-score': ['score-node', 'registerScoreNode'],
  'linewatch-alarm': ['alarm-node', 'registerAlarmNode'],
  'linewatch-daemon': ['daemon-node', 'registerDaemonNode'],
};

const onnxRuntimeChoice = {
  name: 'onnx-runtime-choice',
  setup(b) {
    // Static imports of onnxruntime-node (the inference code) go to the module that chooses;
    // the chooser's own dynamic import('onnxruntime-node' | 'onnxruntime-web') stays external.
    b.onResolve({ filter: /^onnxruntime-(node|web)$/ }, (args) =>
      args.kind === 'import-statement'
        ? { path: join(ROOT, 'src', 'node-red', 'onnx-runtime.ts') }
        : { path: args.path, external: true },
    );
  },
};

/** The CommonJS file Node-RED requires for a node type; the model's also logs which onnxruntime scores. */
function entryFile(type, module, register) {
  const head = `'use strict';\n// Node-RED requires this file; the node is bundled in ../dist/node-red/${module}.mjs (scripts/build.mjs).\n`;
  if (type !== 'linewatch-model')
    return `${head}module.exports = (RED) => import('../dist/node-red/${module}.mjs').then((m) => m.${register}(RED));\n`;
  return (
    `${head}module.exports = (RED) =>\n` +
    `  Promise.all([import('../dist/node-red/${module}.mjs'), import('../dist/node-red/onnx-runtime.mjs')]).then(([m, ort]) => {\n` +
    `    const { name, skipped } = ort.chosenRuntime;\n` +
    `    const why = skipped.length > 0 ? \` (\${skipped.join('; ')})\` : '';\n` +
    `    RED.log.info(\`linewatch: scoring with \${name} \${ort.env.versions.common}\${why}\`);\n` +
    `    m.${register}(RED);\n` +
    `  });\n`
  );
}

export async function buildNodesPackage() {
  for (const d of ['dist', 'nodes', 'models', 'examples'])
    await rm(join(PACKAGE_DIR, d), { recursive: true, force: true });
  const result = await build({
    entryPoints: [...Object.values(NODES).map(([m]) => m), 'onnx-runtime'].map((m) =>
      join(ROOT, 'src', 'node-red', `${m}.ts`),
    ),
    outdir: join(PACKAGE_DIR, 'dist', 'node-red'),
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    plugins: [onnxRuntimeChoice],
    logLevel: 'warning',
    metafile: true,
    legalComments: 'linked',
  });
  await mkdir(join(PACKAGE_DIR, 'nodes'));
  for (const [type, [module, register]] of Object.entries(NODES)) {
    await cp(join(ROOT, 'node-red', `${type}.html`), join(PACKAGE_DIR, 'nodes', `${type}.html`));
    await writeFile(join(PACKAGE_DIR, 'nodes', `${type}.js`), entryFile(type, module, register));
  }
  await cp(join(ROOT, 'models'), join(PACKAGE_DIR, 'models'), { recursive: true });
  await mkdir(join(PACKAGE_DIR, 'examples'));
  for (const f of await readdir(join(ROOT, 'flows')))
    if (f.endsWith('.json')) await cp(join(ROOT, 'flows', f), join(PACKAGE_DIR, 'examples', f));
  await cp(join(ROOT, 'LICENSE'), join(PACKAGE_DIR, 'LICENSE'));
  return result.metafile;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const meta = await buildNodesPackage();
  const inputs = Object.keys(meta.inputs).filter((p) => p.includes('node_modules'));
  const packages = [...new Set(inputs.map((p) => p.replace(/^.*node_modules\/((@[^/]+\/)?[^/]+).*$/, '$1')))];
  console.log(`built ${PACKAGE_DIR}: bundled packages ${packages.join(', ') || 'none'}`);
}
