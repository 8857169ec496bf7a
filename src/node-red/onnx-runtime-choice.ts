/**
 * Which onnxruntime the Node-RED palette package (packages/node-red-contrib-linewatch) scores with:
 * the native onnxruntime-node when the Node-RED user directory has it (fastest, but its install
 * script downloads CUDA libraries from outside the npm registry on linux/x64), else onnxruntime-web
 * (WebAssembly on the CPU, installs from the npm registry alone). The gateway itself always uses
 * onnxruntime-node; only the palette bundle maps its `onnxruntime-node` imports to onnx-runtime.ts.
 */
import type * as OrtNode from 'onnxruntime-node';

export const ONNX_RUNTIMES = ['onnxruntime-node', 'onnxruntime-web'] as const;
export type OnnxRuntimeName = (typeof ONNX_RUNTIMES)[number];

export interface ChosenRuntime {
  readonly name: OnnxRuntimeName;
  readonly ort: typeof OrtNode;
  /** Why the runtimes before it were not used, one line each. */
  readonly skipped: readonly string[];
}

/**
 * Why a runtime did not load, in one line: `not installed` where the package itself is missing (Node's message names
 * the bundle's hashed chunk it was imported from, which reads as a fault in the start-up log), else Node's first line
 * (a package that is there but fails, or one of its own imports missing).
 */
function whyNotLoaded(name: OnnxRuntimeName, err: unknown): string {
  const message = String((err as Error)?.message ?? err).split('\n')[0];
  const missing =
    (err as { code?: unknown })?.code === 'ERR_MODULE_NOT_FOUND' && message.startsWith(`Cannot find package '${name}'`);
  return missing ? 'not installed' : message;
}

/** The first runtime of ONNX_RUNTIMES that loads; throws naming each runtime and why it did not load. */
export async function chooseOnnxRuntime(
  load: (name: OnnxRuntimeName) => Promise<unknown> = (name) => import(name),
): Promise<ChosenRuntime> {
  const skipped: string[] = [];
  for (const name of ONNX_RUNTIMES) {
    try {
      const ort = (await load(name)) as typeof OrtNode;
      if (typeof ort?.InferenceSession?.create !== 'function')
        throw new Error('the module has no InferenceSession.create (not an onnxruntime package)');
      return { name, ort, skipped };
    } catch (err) {
      skipped.push(`${name}: ${whyNotLoaded(name, err)}`);
    }
  }
  throw new Error(
    `linewatch nodes: no onnxruntime to score with (${skipped.join('; ')}); ` +
      'reinstall node-red-contrib-linewatch (it depends on onnxruntime-web)',
  );
}
