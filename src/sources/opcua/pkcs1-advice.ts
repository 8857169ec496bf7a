/**
 * node-opcua's RSA PKCS#1 v1.5 advice (NODE-OPCUA-W27): on Node 20 it logs, about a second after it is imported, that
 * PKCS#1 v1.5 decryption needs `--security-revert=CVE-2023-46809`, in two warnings. Only the Basic128Rsa15 policy
 * encrypts with PKCS#1 v1.5, and neither the client's configuration nor the simulator offers it, so the advice is left
 * out of the gateway's log (opcua-log.ts) and of a test run's output (vitest.config.ts: a test process that imports
 * node-opcua prints it before anything could route node-opcua's log).
 */

/** How the advice's two warnings start. */
export const PKCS1_ADVICE = ['[NODE-OPCUA-W27]', '  you need to use node flag --security-revert'] as const;

/** Whether a line holds one of the advice's warnings: node-opcua's message, or the console line it prints it as. */
export function isPkcs1Advice(line: string): boolean {
  return PKCS1_ADVICE.some((start) => line.includes(start.trim()));
}
