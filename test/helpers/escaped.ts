/** `text` as a regular expression's source that matches it literally (to set literal text around a pattern). */
export const escaped = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
