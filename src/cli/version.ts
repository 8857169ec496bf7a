/** What `linewatch --version` prints: our version, and the onnxruntime and Node.js it runs on. */
import { onnxruntimeVersion } from '../core/runtime-versions.js';
import { LINEWATCH_VERSION } from '../core/version.js';

export function versionText(): string {
  return `linewatch ${LINEWATCH_VERSION} (onnxruntime-node ${onnxruntimeVersion()}, node ${process.versions.node})`;
}
