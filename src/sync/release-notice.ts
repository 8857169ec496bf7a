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

/**
 * Why a notice is refused where it came from, or undefined where it may come from there. One key signs every model, so
 * the signature cannot tell which topic a notice belongs on; the broker's ACL can (who may publish on
 * `<prefix>/releases/<model>`), so a notice from MQTT must name the model of its topic's last level: a signed release
 * of pump-ae announced on press-ae's topic is refused (`wrong_topic`), before anything is fetched. A polled notice
 * (origin: the poll URL, which the configuration names) has no topic and names any model.
 */
export function wrongTopic(notice: ReleaseNotice, origin: string): string | undefined {
  if (!origin.startsWith('mqtt ')) return undefined;
  const topic = origin.slice('mqtt '.length);
  const levelAt = topic.lastIndexOf('/') + 1;
  const level = topic.slice(levelAt);
  if (level === notice.model) return undefined;
  // The topic's level comes from the network, bounded as a notice's model is (the notice's model is bounded already).
  const shown = level.length > MAX_NOTICE_MODEL ? `${level.slice(0, MAX_NOTICE_MODEL)}…` : level;
  return (
    `wrong_topic: a notice for ${notice.model} on ${topic.slice(0, levelAt)}${shown}; a release notice is taken ` +
    `only on its own model's topic, ${topic.slice(0, levelAt)}${notice.model} (where the broker lets its publisher ` +
    'announce that model)'
  );
}
