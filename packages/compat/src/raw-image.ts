/**
 * A buf image read at the wire level: each file's bytes are sliced out without decoding
 * them, so the gate can compare two images by bytes, decode only the files that changed
 * and hand buf a small image of just those files.
 */
export interface RawImageFile {
  /** Import path, e.g. `acme/v1/order.proto`. */
  readonly name: string;
  readonly dependencies: readonly string[];
  /** The serialized FileDescriptorProto (buf's ImageFile). */
  readonly bytes: Uint8Array;
}

export interface RawImage {
  readonly files: ReadonlyMap<string, RawImageFile>;
  /** File names in image order (dependencies first). */
  readonly order: readonly string[];
}

const WIRE_VARINT = 0;
const WIRE_I64 = 1;
const WIRE_LEN = 2;
const WIRE_I32 = 5;

/** Splits an image (or FileDescriptorSet) into its files. Throws on malformed bytes. */
export function readRawImage(bytes: Uint8Array): RawImage {
  const files = new Map<string, RawImageFile>();
  const order: string[] = [];
  const decoder = new TextDecoder();
  forEachField(bytes, (field, wireType, start, end) => {
    if (field !== 1 || wireType !== WIRE_LEN) return;
    const fileBytes = bytes.subarray(start, end);
    let name = "";
    const dependencies: string[] = [];
    forEachField(fileBytes, (f, w, s, e) => {
      if (w !== WIRE_LEN) return;
      if (f === 1) name = decoder.decode(fileBytes.subarray(s, e));
      else if (f === 3) dependencies.push(decoder.decode(fileBytes.subarray(s, e)));
    });
    if (!name) throw new Error("image holds a file without a name");
    files.set(name, { name, dependencies, bytes: fileBytes });
    order.push(name);
  });
  return { files, order };
}

/** Files added, removed or whose bytes differ. */
export function changedFiles(previous: RawImage, current: RawImage): Set<string> {
  const changed = new Set<string>();
  for (const [name, file] of current.files) {
    const before = previous.files.get(name);
    if (!before || !sameBytes(before.bytes, file.bytes)) changed.add(name);
  }
  for (const name of previous.files.keys()) if (!current.files.has(name)) changed.add(name);
  return changed;
}

/**
 * The files to compare: the changed ones plus everything either side imports from them,
 * transitively. An unchanged file in the set is present in both images with the same
 * bytes, so a comparison restricted to the set sees exactly the differences of the whole.
 */
export function comparisonSet(
  previous: RawImage,
  current: RawImage,
  changed: ReadonlySet<string>,
): Set<string> {
  const out = new Set<string>();
  const visit = (name: string) => {
    if (out.has(name)) return;
    out.add(name);
    for (const image of [previous, current]) {
      for (const dep of image.files.get(name)?.dependencies ?? []) visit(dep);
    }
  };
  for (const name of changed) visit(name);
  return out;
}

/** A new image of the named files (in the original order), as buf reads it. */
export function subsetImage(image: RawImage, names: ReadonlySet<string>): Uint8Array {
  const parts: Uint8Array[] = [];
  let size = 0;
  for (const name of image.order) {
    if (!names.has(name)) continue;
    const bytes = (image.files.get(name) as RawImageFile).bytes;
    const header = [0x0a, ...varint(bytes.length)];
    parts.push(Uint8Array.from(header), bytes);
    size += header.length + bytes.length;
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

function varint(value: number): number[] {
  const out: number[] = [];
  let v = value;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

type FieldVisitor = (field: number, wireType: number, start: number, end: number) => void;

/** Walks the top-level fields of a message; for LEN fields start/end bound the payload. */
function forEachField(bytes: Uint8Array, visit: FieldVisitor): void {
  let pos = 0;
  const readVarint = (): number => {
    let result = 0;
    let shift = 1;
    for (;;) {
      if (pos >= bytes.length)
        throw new Error("truncated image: not a buf image or FileDescriptorSet");
      const b = bytes[pos++] as number;
      result += (b & 0x7f) * shift;
      if (b < 0x80) return result;
      shift *= 128;
    }
  };
  while (pos < bytes.length) {
    const tag = readVarint();
    const field = Math.floor(tag / 8);
    const wireType = tag & 7;
    if (wireType === WIRE_VARINT) readVarint();
    else if (wireType === WIRE_I64) pos += 8;
    else if (wireType === WIRE_I32) pos += 4;
    else if (wireType === WIRE_LEN) {
      const len = readVarint();
      const start = pos;
      pos += len;
      if (pos > bytes.length)
        throw new Error("truncated image: not a buf image or FileDescriptorSet");
      visit(field, wireType, start, pos);
      continue;
    } else
      throw new Error(`unsupported wire type ${wireType}: not a buf image or FileDescriptorSet`);
    visit(field, wireType, pos, pos);
  }
}
