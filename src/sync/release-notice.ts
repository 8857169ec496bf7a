/**
 * What a release notice is: the model it replaces (by name), the version it brings, and the URL of the release's
 * folder. Its text arrives from the network (notice-sources.ts) and is parsed here, before anything is fetched.
 */
import { z } from 'zod';
import { formatIssues } from '../core/format-issues.js';

export const releaseNoticeSchema = z.object({
  model: z.string().min(1),
  version: z.string().min(1),
  /** Folder URL holding manifest.json, manifest.sig and the model file. */
  url: z.url(),
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
