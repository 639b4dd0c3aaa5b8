import { BinaryReader, BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import type { Code } from "./code.js";
import type { ErrorDetail, FieldViolation } from "./error-details.js";

/**
 * Binary codec of a status message wire-compatible with `google.rpc.Status` and the
 * details ContractKit models (`google.rpc.BadRequest`, `ErrorInfo`, `RetryInfo`), each
 * packed in a `google.protobuf.Any`. gRPC carries it in `grpc-status-details-bin`; NATS
 * RPC in the `ck-status-details-bin` header (base64). The protos it follows are in
 * packages/grpc/proto/google/rpc/; a test there checks these bytes against them.
 *
 * Hand-written with BinaryWriter/BinaryReader rather than generated: five small messages
 * that have not changed in years, and core stays free of generated code.
 */
export interface StatusMessage {
  code: Code | number;
  message: string;
  details: ErrorDetail[];
}

const TYPE_URL_PREFIX = "type.googleapis.com/";
const BAD_REQUEST = "google.rpc.BadRequest";
const ERROR_INFO = "google.rpc.ErrorInfo";
const RETRY_INFO = "google.rpc.RetryInfo";

/** Encodes a status (code, message, details) as `google.rpc.Status` bytes. */
export function encodeStatus(status: StatusMessage): Uint8Array {
  const w = new BinaryWriter();
  if (status.code !== 0) w.tag(1, WireType.Varint).int32(status.code);
  if (status.message !== "") w.tag(2, WireType.LengthDelimited).string(status.message);
  for (const detail of status.details) {
    const any = encodeAny(detail);
    w.tag(3, WireType.LengthDelimited).bytes(any);
  }
  return w.finish();
}

/**
 * Decodes `google.rpc.Status` bytes. Details of other types are kept as `unknown`
 * (type URL and raw bytes). Throws on bytes that are not a valid message.
 */
export function decodeStatus(bytes: Uint8Array): StatusMessage {
  const r = new BinaryReader(bytes);
  const out: StatusMessage = { code: 0, message: "", details: [] };
  while (r.pos < r.len) {
    const [field, wt] = r.tag();
    if (field === 1 && wt === WireType.Varint) out.code = r.int32();
    else if (field === 2 && wt === WireType.LengthDelimited) out.message = r.string();
    else if (field === 3 && wt === WireType.LengthDelimited) out.details.push(decodeAny(r.bytes()));
    else r.skip(wt, field);
  }
  return out;
}

function encodeAny(detail: ErrorDetail): Uint8Array {
  let typeUrl: string;
  let value: Uint8Array;
  switch (detail.type) {
    case "google.rpc.BadRequest":
      typeUrl = TYPE_URL_PREFIX + BAD_REQUEST;
      value = encodeBadRequest(detail.fieldViolations);
      break;
    case "google.rpc.ErrorInfo":
      typeUrl = TYPE_URL_PREFIX + ERROR_INFO;
      value = encodeErrorInfo(detail.reason, detail.domain, detail.metadata);
      break;
    case "google.rpc.RetryInfo":
      typeUrl = TYPE_URL_PREFIX + RETRY_INFO;
      value = encodeRetryInfo(detail.retryDelayMs);
      break;
    default:
      typeUrl = detail.typeUrl;
      value = detail.value;
  }
  const w = new BinaryWriter();
  w.tag(1, WireType.LengthDelimited).string(typeUrl);
  if (value.length > 0) w.tag(2, WireType.LengthDelimited).bytes(value);
  return w.finish();
}

function decodeAny(bytes: Uint8Array): ErrorDetail {
  const r = new BinaryReader(bytes);
  let typeUrl = "";
  let value: Uint8Array = new Uint8Array(0);
  while (r.pos < r.len) {
    const [field, wt] = r.tag();
    if (field === 1 && wt === WireType.LengthDelimited) typeUrl = r.string();
    else if (field === 2 && wt === WireType.LengthDelimited) value = r.bytes();
    else r.skip(wt, field);
  }
  const name = typeUrl.slice(typeUrl.lastIndexOf("/") + 1);
  switch (name) {
    case BAD_REQUEST:
      return { type: BAD_REQUEST, fieldViolations: decodeBadRequest(value) };
    case ERROR_INFO:
      return decodeErrorInfo(value);
    case RETRY_INFO:
      return { type: RETRY_INFO, retryDelayMs: decodeRetryInfo(value) };
    default:
      return { type: "unknown", typeUrl, value };
  }
}

// google.rpc.BadRequest { repeated FieldViolation field_violations = 1; }
// FieldViolation { string field = 1; string description = 2; string reason = 3; }
function encodeBadRequest(violations: readonly FieldViolation[]): Uint8Array {
  const w = new BinaryWriter();
  for (const v of violations) {
    w.tag(1, WireType.LengthDelimited).fork();
    if (v.field) w.tag(1, WireType.LengthDelimited).string(v.field);
    if (v.description) w.tag(2, WireType.LengthDelimited).string(v.description);
    if (v.reason) w.tag(3, WireType.LengthDelimited).string(v.reason);
    w.join();
  }
  return w.finish();
}

function decodeBadRequest(bytes: Uint8Array): FieldViolation[] {
  const r = new BinaryReader(bytes);
  const out: FieldViolation[] = [];
  while (r.pos < r.len) {
    const [field, wt] = r.tag();
    if (field !== 1 || wt !== WireType.LengthDelimited) {
      r.skip(wt, field);
      continue;
    }
    const fr = new BinaryReader(r.bytes());
    const v: FieldViolation = { field: "", description: "" };
    while (fr.pos < fr.len) {
      const [f, t] = fr.tag();
      if (f === 1 && t === WireType.LengthDelimited) v.field = fr.string();
      else if (f === 2 && t === WireType.LengthDelimited) v.description = fr.string();
      else if (f === 3 && t === WireType.LengthDelimited) v.reason = fr.string();
      else fr.skip(t, f);
    }
    out.push(v);
  }
  return out;
}

// google.rpc.ErrorInfo { string reason = 1; string domain = 2; map<string, string> metadata = 3; }
function encodeErrorInfo(
  reason: string,
  domain: string,
  metadata: Record<string, string>,
): Uint8Array {
  const w = new BinaryWriter();
  if (reason) w.tag(1, WireType.LengthDelimited).string(reason);
  if (domain) w.tag(2, WireType.LengthDelimited).string(domain);
  for (const [k, v] of Object.entries(metadata)) {
    w.tag(3, WireType.LengthDelimited).fork();
    w.tag(1, WireType.LengthDelimited).string(k);
    w.tag(2, WireType.LengthDelimited).string(v);
    w.join();
  }
  return w.finish();
}

function decodeErrorInfo(bytes: Uint8Array): ErrorDetail {
  const r = new BinaryReader(bytes);
  const metadata: Record<string, string> = {};
  let reason = "";
  let domain = "";
  while (r.pos < r.len) {
    const [field, wt] = r.tag();
    if (field === 1 && wt === WireType.LengthDelimited) reason = r.string();
    else if (field === 2 && wt === WireType.LengthDelimited) domain = r.string();
    else if (field === 3 && wt === WireType.LengthDelimited) {
      const er = new BinaryReader(r.bytes());
      let key = "";
      let value = "";
      while (er.pos < er.len) {
        const [f, t] = er.tag();
        if (f === 1 && t === WireType.LengthDelimited) key = er.string();
        else if (f === 2 && t === WireType.LengthDelimited) value = er.string();
        else er.skip(t, f);
      }
      metadata[key] = value;
    } else r.skip(wt, field);
  }
  return { type: ERROR_INFO, reason, domain, metadata };
}

// google.rpc.RetryInfo { google.protobuf.Duration retry_delay = 1; }
// google.protobuf.Duration { int64 seconds = 1; int32 nanos = 2; }
function encodeRetryInfo(delayMs: number): Uint8Array {
  const ms = Math.max(0, Math.round(delayMs));
  const seconds = Math.floor(ms / 1000);
  const nanos = (ms % 1000) * 1_000_000;
  const w = new BinaryWriter();
  w.tag(1, WireType.LengthDelimited).fork();
  if (seconds !== 0) w.tag(1, WireType.Varint).int64(seconds);
  if (nanos !== 0) w.tag(2, WireType.Varint).int32(nanos);
  w.join();
  return w.finish();
}

function decodeRetryInfo(bytes: Uint8Array): number {
  const r = new BinaryReader(bytes);
  let ms = 0;
  while (r.pos < r.len) {
    const [field, wt] = r.tag();
    if (field === 1 && wt === WireType.LengthDelimited) {
      const dr = new BinaryReader(r.bytes());
      let seconds = 0;
      let nanos = 0;
      while (dr.pos < dr.len) {
        const [f, t] = dr.tag();
        if (f === 1 && t === WireType.Varint) seconds = Number(dr.int64());
        else if (f === 2 && t === WireType.Varint) nanos = dr.int32();
        else dr.skip(t, f);
      }
      ms = seconds * 1000 + Math.round(nanos / 1_000_000);
    } else r.skip(wt, field);
  }
  return ms;
}
