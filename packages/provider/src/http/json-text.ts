/**
 * A large JSON body kept as the pieces it was assembled from (stored resources' text and the
 * punctuation between them). Joining a structured record of megabytes into one string and then
 * measuring it for Content-Length copies and scans the whole body twice more before a byte is
 * written; encoding the pieces straight into one buffer of the exact size does neither.
 */
export class JsonText {
  constructor(private readonly pieces: readonly string[]) {}

  /** The whole text, for what needs a string (XML rendering, profile validation). */
  toString(): string {
    return this.pieces.join('');
  }

  /** The UTF-8 bytes, each piece encoded once into a buffer allocated once. */
  toBuffer(): Buffer {
    const lengths = this.pieces.map((piece) => Buffer.byteLength(piece));
    const bytes = Buffer.allocUnsafe(lengths.reduce((sum, length) => sum + length, 0));
    let offset = 0;
    this.pieces.forEach((piece, i) => {
      offset += bytes.write(piece, offset, lengths[i]!, 'utf8');
    });
    return bytes;
  }
}

/** `{"resource":<text>}` for each text, comma-separated, as pieces: a Bundle's entry array without its brackets. */
export function entryPieces(resourceTexts: readonly string[]): string[] {
  const pieces: string[] = [];
  resourceTexts.forEach((text, i) => pieces.push(i === 0 ? '{"resource":' : '},{"resource":', text));
  if (resourceTexts.length > 0) pieces.push('}');
  return pieces;
}
