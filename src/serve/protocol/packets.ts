import type { ColumnSpec, ColumnType } from '../statement-engine.js';
import {
  AUTH_MORE_DATA_HEADER, AUTH_SWITCH_HEADER, BINARY_COLLATION, BINARY_FLAG, CLIENT, DECIMAL_NOT_SPECIFIED, EOF_HEADER, ERR_HEADER,
  MYSQL_TYPE, NUM_FLAG, OK_HEADER, UTF8MB4_0900_AI_CI,
} from './constants.js';
import { MalformedPacketError, PayloadReader, PayloadWriter } from './payload.js';

/**
 * The payloads of the connection and command phases, server side: builders for what the server
 * sends and a parser for the client's handshake response (sql/auth/sql_authentication.cc,
 * send_server_handshake_packet and parse_client_handshake_packet; sql/protocol_classic.cc,
 * net_send_ok / net_send_eof / net_send_error_packet / send_field_metadata).
 */

export interface HandshakeV10 {
  readonly serverVersion: string;
  readonly connectionId: number;
  /** The 20-byte nonce. */
  readonly scramble: Buffer;
  readonly capabilities: number;
  readonly statusFlags: number;
  readonly authPluginName: string;
}

/** Protocol::HandshakeV10: the server's first packet. */
export function handshakeV10(h: HandshakeV10): Buffer {
  return new PayloadWriter()
    .u8(10)
    .nul(h.serverVersion)
    .u32(h.connectionId)
    .bytes(h.scramble.subarray(0, 8))
    .u8(0)
    .u16(h.capabilities & 0xffff)
    .u8(UTF8MB4_0900_AI_CI)
    .u16(h.statusFlags)
    .u16((h.capabilities >>> 16) & 0xffff)
    // Length of the whole nonce including its trailing NUL, as MySQL sends it (SCRAMBLE_LENGTH + 1).
    .u8(h.scramble.length + 1)
    .zeros(10)
    .nul(h.scramble.subarray(8))
    .nul(h.authPluginName)
    .toBuffer();
}

/** What the client answered to the handshake (Protocol::HandshakeResponse41). */
export interface HandshakeResponse {
  readonly capabilities: number;
  readonly maxPacketSize: number;
  readonly collation: number;
  readonly user: string;
  readonly authResponse: Buffer;
  readonly database: string | null;
  /** The plugin the client computed authResponse with; null when the client does not speak CLIENT_PLUGIN_AUTH. */
  readonly authPluginName: string | null;
  /** Whether it was an SSLRequest (a 32-byte response asking for TLS), which this server never offers. */
  readonly sslRequest: boolean;
}

/** Parses Protocol::HandshakeResponse41 (4.1-style clients only: a client without CLIENT_PROTOCOL_41 is refused). */
export function parseHandshakeResponse(payload: Buffer): HandshakeResponse {
  const r = new PayloadReader(payload);
  const capabilities = r.u32();
  if ((capabilities & CLIENT.PROTOCOL_41) === 0) throw new MalformedPacketError('the client does not speak CLIENT_PROTOCOL_41 (pre-4.1 clients are not supported)');
  const maxPacketSize = r.u32();
  const collation = r.u8();
  r.skip(23);
  if (r.atEnd && (capabilities & CLIENT.SSL) !== 0) {
    return { capabilities, maxPacketSize, collation, user: '', authResponse: Buffer.alloc(0), database: null, authPluginName: null, sslRequest: true };
  }
  const user = r.nulBytes().toString('utf8');
  let authResponse: Buffer;
  if ((capabilities & CLIENT.PLUGIN_AUTH_LENENC_CLIENT_DATA) !== 0) authResponse = r.lenencBytes();
  else if ((capabilities & CLIENT.SECURE_CONNECTION) !== 0) authResponse = r.bytes(r.u8());
  else authResponse = r.nulBytes();
  const database = (capabilities & CLIENT.CONNECT_WITH_DB) !== 0 && !r.atEnd ? r.nulOrRestBytes().toString('utf8') : null;
  const authPluginName = (capabilities & CLIENT.PLUGIN_AUTH) !== 0 && !r.atEnd ? r.nulOrRestBytes().toString('utf8') : (capabilities & CLIENT.PLUGIN_AUTH) !== 0 ? '' : null;
  if ((capabilities & CLIENT.CONNECT_ATTRS) !== 0 && !r.atEnd) {
    // Connection attributes: checked for shape (a length, then key/value strings inside it), not kept.
    const attrs = new PayloadReader(r.lenencBytes());
    while (!attrs.atEnd) { attrs.lenencBytes(); attrs.lenencBytes(); }
  }
  return { capabilities, maxPacketSize, collation, user, authResponse, database: database === '' ? null : database, authPluginName, sslRequest: false };
}

export interface OkFields {
  readonly affectedRows: number;
  readonly lastInsertId: number;
  readonly statusFlags: number;
  readonly warnings: number;
  readonly info?: string;
}

/** An OK packet; with `eofHeader` it is the OK that ends a result set under CLIENT_DEPRECATE_EOF (header 0xfe). */
export function okPacket(f: OkFields, eofHeader = false): Buffer {
  const w = new PayloadWriter().u8(eofHeader ? EOF_HEADER : OK_HEADER).lenenc(f.affectedRows).lenenc(f.lastInsertId).u16(f.statusFlags).u16(f.warnings);
  if (f.info !== undefined && f.info !== '') w.bytes(f.info);
  return w.toBuffer();
}

/** The EOF packet of a client without CLIENT_DEPRECATE_EOF. */
export function eofPacket(warnings: number, statusFlags: number): Buffer {
  return new PayloadWriter().u8(EOF_HEADER).u16(warnings).u16(statusFlags).toBuffer();
}

/** An ERR packet (4.1 format: '#' and a five-character SQLSTATE before the message). */
export function errPacket(code: number, sqlState: string, message: string): Buffer {
  if (!/^[0-9A-Z]{5}$/.test(sqlState)) throw new RangeError(`an SQLSTATE is five digits or capitals, got ${JSON.stringify(sqlState)}`);
  return new PayloadWriter().u8(ERR_HEADER).u16(code).bytes('#').bytes(sqlState).bytes(message).toBuffer();
}

/** Protocol::AuthSwitchRequest: use `plugin` with this nonce instead. */
export function authSwitchRequest(plugin: string, scramble: Buffer): Buffer {
  return new PayloadWriter().u8(AUTH_SWITCH_HEADER).nul(plugin).nul(scramble).toBuffer();
}

/** Protocol::AuthMoreData carrying `data`. */
export function authMoreData(data: Buffer | number): Buffer {
  const w = new PayloadWriter().u8(AUTH_MORE_DATA_HEADER);
  return (typeof data === 'number' ? w.u8(data) : w.bytes(data)).toBuffer();
}

/** A result set's first packet: the column count. */
export function columnCountPacket(n: number): Buffer {
  return new PayloadWriter().lenenc(n).toBuffer();
}

interface WireType { readonly type: number; readonly collation: number; readonly length: number; readonly flags: number; readonly decimals: number }

/** How each column type of the engine seam goes on the wire: display length, flags and decimals as MySQL gives an expression of that type. */
const WIRE: Readonly<Record<ColumnType, WireType>> = {
  VAR_STRING: { type: MYSQL_TYPE.VAR_STRING, collation: UTF8MB4_0900_AI_CI, length: 1024, flags: 0, decimals: DECIMAL_NOT_SPECIFIED },
  LONGLONG: { type: MYSQL_TYPE.LONGLONG, collation: BINARY_COLLATION, length: 21, flags: BINARY_FLAG | NUM_FLAG, decimals: 0 },
  DOUBLE: { type: MYSQL_TYPE.DOUBLE, collation: BINARY_COLLATION, length: 22, flags: BINARY_FLAG | NUM_FLAG, decimals: DECIMAL_NOT_SPECIFIED },
  NULL: { type: MYSQL_TYPE.NULL, collation: BINARY_COLLATION, length: 0, flags: BINARY_FLAG, decimals: 0 },
};

/** Protocol::ColumnDefinition41 of one result column. */
export function columnDefinition(c: ColumnSpec): Buffer {
  const wire = WIRE[c.type];
  if (wire === undefined) throw new RangeError(`unknown column type ${JSON.stringify(c.type)}`);
  return new PayloadWriter()
    .lenencString('def')
    // The schema is not part of the engine seam: left empty, which clients accept.
    .lenencString('')
    .lenencString(c.table)
    .lenencString(c.table)
    .lenencString(c.name)
    .lenencString(c.name)
    // Length of the fixed-length fields that follow.
    .lenenc(0x0c)
    .u16(wire.collation)
    .u32(wire.length)
    .u8(wire.type)
    .u16(wire.flags)
    .u8(wire.decimals)
    .zeros(2)
    .toBuffer();
}

/** A text-protocol row: each value a length-encoded string, SQL NULL as 0xfb. */
export function textRow(values: readonly (string | null)[]): Buffer {
  const w = new PayloadWriter();
  for (const v of values) {
    if (v === null) w.u8(0xfb);
    else w.lenencString(v);
  }
  return w.toBuffer();
}
