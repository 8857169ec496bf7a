/** MQTT topic filters (pure). */

/**
 * Whether `topic` matches the subscription `filter`: `+` is one level, `#` the rest (the parent
 * level too: `a/#` matches `a`); a topic starting with `$` ($SYS) is not matched by a filter
 * starting with a wildcard.
 */
export function topicMatches(filter: string, topic: string): boolean {
  if (topic.startsWith('$') && (filter.startsWith('+') || filter.startsWith('#'))) return false;
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length) return false;
    if (f[i] !== '+' && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}
