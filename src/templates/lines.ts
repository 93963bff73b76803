/** Joins snippet lines; catalog bodies are written one code line per string so `${…}` never meets a template literal. */
export const lines = (...text: string[]): string => text.join('\n');
