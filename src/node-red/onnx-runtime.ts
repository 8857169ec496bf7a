/**
 * The onnxruntime of the Node-RED palette bundle: its build maps every `import ... from
 * 'onnxruntime-node'` to this module, which exports the runtime chooseOnnxRuntime picked with the
 * names the inference code uses (InferenceSession, Tensor, env).
 */
import { chooseOnnxRuntime } from './onnx-runtime-choice.js';

export const chosenRuntime = await chooseOnnxRuntime();
export const { InferenceSession, Tensor, env } = chosenRuntime.ort;
