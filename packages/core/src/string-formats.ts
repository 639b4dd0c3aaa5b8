/**
 * The well-known string formats of protovalidate's `StringRules` (`email`, `hostname`,
 * `ip`, `uri`, `uuid`, …), with the semantics protovalidate documents for them.
 */

/** The formats `fieldRules` understands, keyed by protovalidate's rule name. */
export type StringFormat =
  | "email"
  | "hostname"
  | "ip"
  | "ipv4"
  | "ipv6"
  | "uri"
  | "uri_ref"
  | "address"
  | "uuid"
  | "tuuid"
  | "ulid";

interface FormatSpec {
  test(s: string): boolean;
  message: string;
  /** Noun for the empty-value violation (`<rule>_empty`); none: empty is checked like any value. */
  emptyNoun?: string;
}

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const TUUID = /^[0-9a-fA-F]{32}$/;
const ULID = /^[0-7][0-9A-HJKMNP-TV-Za-hjkmnp-tv-z]{25}$/;
// The WHATWG "valid e-mail address" production, as protovalidate specifies `string.email`.
const EMAIL =
  /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;

export const STRING_FORMATS: Readonly<Record<StringFormat, FormatSpec>> = {
  email: {
    test: (s) => EMAIL.test(s),
    message: "must be a valid email address",
    emptyNoun: "email address",
  },
  hostname: { test: isHostname, message: "must be a valid hostname", emptyNoun: "hostname" },
  ip: { test: (s) => isIp(s), message: "must be a valid IP address", emptyNoun: "IP address" },
  ipv4: {
    test: (s) => isIp(s, 4),
    message: "must be a valid IPv4 address",
    emptyNoun: "IPv4 address",
  },
  ipv6: {
    test: (s) => isIp(s, 6),
    message: "must be a valid IPv6 address",
    emptyNoun: "IPv6 address",
  },
  uri: { test: (s) => isUri(s, false), message: "must be a valid URI", emptyNoun: "URI" },
  uri_ref: { test: (s) => isUri(s, true), message: "must be a valid URI Reference" },
  address: {
    test: (s) => isHostname(s) || isIp(s),
    message: "must be a valid hostname, or ip address",
    emptyNoun: "hostname, or ip address",
  },
  uuid: { test: (s) => UUID.test(s), message: "must be a valid UUID", emptyNoun: "UUID" },
  tuuid: {
    test: (s) => TUUID.test(s),
    message: "must be a valid trimmed UUID",
    emptyNoun: "trimmed UUID",
  },
  ulid: { test: (s) => ULID.test(s), message: "must be a valid ULID", emptyNoun: "ULID" },
};

/** RFC 1034 host name: dot-separated labels of letters, digits and inner hyphens. */
export function isHostname(s: string): boolean {
  if (s.length === 0 || s.length > 253) return false;
  const labels = (s.endsWith(".") ? s.slice(0, -1) : s).split(".");
  for (const label of labels) {
    if (!/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(label)) return false;
  }
  // The top-level label cannot be all digits (that would be an IPv4 address).
  return !/^[0-9]+$/.test(labels[labels.length - 1] ?? "");
}

/** An IPv4 address in dotted decimal (no leading zeros) or an IPv6 address (with an optional zone). */
export function isIp(s: string, version?: 4 | 6): boolean {
  if (version !== 6 && isIpv4(s)) return true;
  return version !== 4 && isIpv6(s);
}

function isIpv4(s: string): boolean {
  const parts = s.split(".");
  return (
    parts.length === 4 && parts.every((p) => /^(?:0|[1-9][0-9]{0,2})$/.test(p) && Number(p) <= 255)
  );
}

function isIpv6(input: string): boolean {
  let s = input;
  const zone = s.indexOf("%");
  if (zone >= 0) {
    if (zone === s.length - 1) return false;
    s = s.slice(0, zone);
  }
  const halves = s.split("::");
  if (halves.length > 2) return false;
  const groups = (part: string): string[] | undefined => (part === "" ? [] : part.split(":"));
  const head = groups(halves[0] ?? "");
  const tail = halves.length === 2 ? groups(halves[1] ?? "") : [];
  if (!head || !tail) return false;
  const all = [...head, ...tail];
  let count = 0;
  for (let i = 0; i < all.length; i++) {
    const g = all[i] ?? "";
    if (i === all.length - 1 && g.includes(".")) {
      if (!isIpv4(g)) return false;
      count += 2;
    } else if (/^[0-9A-Fa-f]{1,4}$/.test(g)) {
      count += 1;
    } else {
      return false;
    }
  }
  return halves.length === 2 ? count < 8 : count === 8;
}

// RFC 3986 building blocks.
const UNRESERVED = "A-Za-z0-9\\-._~";
const SUB_DELIMS = "!$&'()*+,;=";
const PCT = "%[0-9A-Fa-f]{2}";
const PCHAR = `(?:[${UNRESERVED}${SUB_DELIMS}:@]|${PCT})`;
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*$/;
const USERINFO = new RegExp(`^(?:[${UNRESERVED}${SUB_DELIMS}:]|${PCT})*$`);
const REG_NAME = new RegExp(`^(?:[${UNRESERVED}${SUB_DELIMS}]|${PCT})*$`);
const PATH = new RegExp(`^(?:${PCHAR}|/)*$`);
const QUERY = new RegExp(`^(?:${PCHAR}|[/?])*$`);
const IP_FUTURE = new RegExp(`^v[0-9A-Fa-f]+\\.[${UNRESERVED}${SUB_DELIMS}:]+$`);

/** An absolute URI (RFC 3986 `URI`), or with `reference` also a relative reference. */
export function isUri(s: string, reference: boolean): boolean {
  let rest = s;
  const hash = rest.indexOf("#");
  if (hash >= 0) {
    if (!QUERY.test(rest.slice(hash + 1))) return false;
    rest = rest.slice(0, hash);
  }
  const q = rest.indexOf("?");
  if (q >= 0) {
    if (!QUERY.test(rest.slice(q + 1))) return false;
    rest = rest.slice(0, q);
  }
  const colon = rest.indexOf(":");
  const slash = rest.indexOf("/");
  const hasScheme = colon > 0 && (slash < 0 || colon < slash) && SCHEME.test(rest.slice(0, colon));
  if (hasScheme) rest = rest.slice(colon + 1);
  else if (!reference) return false;
  else if (colon >= 0 && (slash < 0 || colon < slash)) return false; // first segment of a relative path has no ":"
  if (rest.startsWith("//")) {
    const end = rest.indexOf("/", 2);
    const authority = end < 0 ? rest.slice(2) : rest.slice(2, end);
    if (!isAuthority(authority)) return false;
    rest = end < 0 ? "" : rest.slice(end);
  }
  return PATH.test(rest);
}

function isAuthority(authority: string): boolean {
  let hostPort = authority;
  const at = authority.lastIndexOf("@");
  if (at >= 0) {
    if (!USERINFO.test(authority.slice(0, at))) return false;
    hostPort = authority.slice(at + 1);
  }
  let host = hostPort;
  if (hostPort.startsWith("[")) {
    const close = hostPort.indexOf("]");
    if (close < 0) return false;
    const literal = hostPort.slice(1, close);
    const port = hostPort.slice(close + 1);
    if (port !== "" && !/^:[0-9]*$/.test(port)) return false;
    return IP_FUTURE.test(literal) || isIpv6(literal.replace("%25", "%"));
  }
  const colon = hostPort.lastIndexOf(":");
  if (colon >= 0) {
    if (!/^[0-9]*$/.test(hostPort.slice(colon + 1))) return false;
    host = hostPort.slice(0, colon);
  }
  return REG_NAME.test(host);
}
