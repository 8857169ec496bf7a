/** The gateway's version, reported in the cloud birth message and /api/status. */
export const LINEWATCH_VERSION = '0.1.0';
