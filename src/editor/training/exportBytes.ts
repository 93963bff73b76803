// Checks and decodes what the panel sends for export (plain TS, unit-tested).
const PNG_PREFIX = 'data:image/png;base64,';

/** The bytes to write, or a reason why the data is not what its format says. */
export function exportBytes(format: 'csv' | 'png', data: string): Uint8Array | string {
  if (format === 'csv') return new TextEncoder().encode(data);
  if (!data.startsWith(PNG_PREFIX)) return 'the panel sent an image that is not a PNG data URL';
  const bytes = Buffer.from(data.slice(PNG_PREFIX.length), 'base64');
  // PNG signature: 89 50 4E 47 0D 0A 1A 0A.
  if (bytes.length < 8 || bytes.readUInt32BE(0) !== 0x89504e47) return 'the panel sent data that is not a PNG image';
  return bytes;
}
