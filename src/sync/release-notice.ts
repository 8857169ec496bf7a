/**
 * What a release notice is: the model it replaces (by name), the version it brings, and the URL of the release's
 * folder. Its text arrives from the network (notice-sources.ts) and is parsed here, before anything is fetched.
 */
import { z } from 'zod';
import { formatIssues } from '../core/format-issues.js';

/**
 * Each field bounded: a notice comes from whoever may publish on the releases topic, and its model and version go into
 * the log, /api/status and every outcome (queued for the cloud, InfluxDB and the local store). A version longer than a
 * folder name (RELEASE_NAME, 128 characters) could never be applied; a model name is a manifest's name, 256 at most.
 */
export const MAX_NOTICE_MODEL = 256;
export const MAX_NOTICE_VERSION = 128;
export const MAX_NOTICE_URL = 2048;

export const releaseNoticeSchema = z.object({
  model: z.string().min(1).max(MAX_NOTICE_MODEL, `at most ${MAX_NOTICE_MODEL} characters`),
  version: z
    .string()
    .min(1)
    .max(MAX_NOTICE_VERSION, `at most ${MAX_NOTICE_VERSION} characters (a release version names a folder)`),
  /** Folder URL holding manifest.json, manifest.sig and the model file. */
  url: z.url().max(MAX_NOTICE_URL, `at most ${MAX_NOTICE_URL} characters`),
});
export type ReleaseNotice = z.infer<typeof releaseNoticeSchema>;

/** A notice's text parsed, or why it is no notice (one line). */
export function parseReleaseNotice(text: string): { notice: ReleaseNotice } | { why: string } {
  try {
    return { notice: releaseNoticeSchema.parse(JSON.parse(text)) };
  } catch (err) {
    // A schema's issues by their path ("version: expected string"), not the ZodError's JSON dump; nothing of the text
    // itself (JSON.parse's message quotes it), which came from the network.
    return { why: err instanceof z.ZodError ? formatIssues(err.issues).join('; ') : 'not JSON' };
  }
}
