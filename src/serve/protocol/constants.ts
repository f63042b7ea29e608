/**
 * The MySQL client/server protocol's numbers that grsim's façade uses, each named as MySQL names
 * it, with the MySQL source file that defines it.
 */

/** Capability flags (include/mysql_com.h, CLIENT_*). */
export const CLIENT = {
  LONG_PASSWORD: 0x1,
  FOUND_ROWS: 0x2,
  LONG_FLAG: 0x4,
  CONNECT_WITH_DB: 0x8,
  NO_SCHEMA: 0x10,
  COMPRESS: 0x20,
  ODBC: 0x40,
  LOCAL_FILES: 0x80,
  IGNORE_SPACE: 0x100,
  PROTOCOL_41: 0x200,
  INTERACTIVE: 0x400,
  SSL: 0x800,
  IGNORE_SIGPIPE: 0x1000,
  TRANSACTIONS: 0x2000,
  SECURE_CONNECTION: 0x8000,
  MULTI_STATEMENTS: 0x10000,
  MULTI_RESULTS: 0x20000,
  PS_MULTI_RESULTS: 0x40000,
  PLUGIN_AUTH: 0x80000,
  CONNECT_ATTRS: 0x100000,
  PLUGIN_AUTH_LENENC_CLIENT_DATA: 0x200000,
  SESSION_TRACK: 0x800000,
  DEPRECATE_EOF: 0x1000000,
  QUERY_ATTRIBUTES: 0x8000000,
} as const;

/**
 * What the façade offers in its handshake. Not offered, so never in force: SSL (no TLS here),
 * COMPRESS, LOCAL_FILES (LOAD DATA LOCAL), MULTI_STATEMENTS (one statement per COM_QUERY),
 * SESSION_TRACK, QUERY_ATTRIBUTES (COM_QUERY would carry parameters) and ZSTD compression.
 */
export const SERVER_CAPABILITIES =
  CLIENT.LONG_PASSWORD | CLIENT.FOUND_ROWS | CLIENT.LONG_FLAG | CLIENT.CONNECT_WITH_DB | CLIENT.NO_SCHEMA | CLIENT.ODBC |
  CLIENT.IGNORE_SPACE | CLIENT.PROTOCOL_41 | CLIENT.INTERACTIVE | CLIENT.IGNORE_SIGPIPE | CLIENT.TRANSACTIONS |
  CLIENT.SECURE_CONNECTION | CLIENT.MULTI_RESULTS | CLIENT.PS_MULTI_RESULTS | CLIENT.PLUGIN_AUTH | CLIENT.CONNECT_ATTRS |
  CLIENT.PLUGIN_AUTH_LENENC_CLIENT_DATA | CLIENT.DEPRECATE_EOF;

/** Server status flags of OK and EOF packets (include/mysql_com.h, SERVER_STATUS_AUTOCOMMIT). */
export const SERVER_STATUS_AUTOCOMMIT = 0x0002;

/** Command bytes of the command phase (include/my_command.h, enum_server_command). */
export const COM = {
  SLEEP: 0x00,
  QUIT: 0x01,
  INIT_DB: 0x02,
  QUERY: 0x03,
  PING: 0x0e,
  RESET_CONNECTION: 0x1f,
} as const;

/** First bytes of response packets (sql/protocol_classic.cc: OK 0x00, EOF 0xfe, ERR 0xff). */
export const OK_HEADER = 0x00;
export const EOF_HEADER = 0xfe;
export const ERR_HEADER = 0xff;
/** The first byte of an auth-more-data packet a server plugin sends (sql/auth/sql_authentication.cc, wrap_plguin_data_into_proper_command). */
export const AUTH_MORE_DATA_HEADER = 0x01;
/** An auth switch request starts with 0xfe (sql/auth/sql_authentication.cc, send_plugin_request_packet). */
export const AUTH_SWITCH_HEADER = 0xfe;

/** Longest payload one packet carries; a longer one is split (include/mysql_com.h, MAX_PACKET_LENGTH = 2^24 - 1). */
export const MAX_PACKET_LENGTH = 0xffffff;

/** Length of the authentication nonce (include/mysql_com.h, SCRAMBLE_LENGTH). */
export const SCRAMBLE_LENGTH = 20;

/** caching_sha2_password's one-byte replies inside an auth-more-data packet (sql/auth/sha2_password.cc, fast_auth_success / perform_full_authentication). */
export const FAST_AUTH_SUCCESS = 3;
export const PERFORM_FULL_AUTHENTICATION = 4;

/** Column types on the wire (include/field_types.h, enum_field_types). */
export const MYSQL_TYPE = {
  DOUBLE: 5,
  NULL: 6,
  LONGLONG: 8,
  VAR_STRING: 253,
} as const;

/** Column flags of a column definition (include/mysql_com.h, BINARY_FLAG / NUM_FLAG). */
export const BINARY_FLAG = 128;
export const NUM_FLAG = 32768;

/** Character sets by collation id (share/charsets/Index.xml; strings/ctype-uca.cc): utf8mb4_0900_ai_ci and binary. */
export const UTF8MB4_0900_AI_CI = 255;
export const BINARY_COLLATION = 63;

/** Decimals of a floating-point column without a fixed scale (include/decimal.h / sql/field.h, DECIMAL_NOT_SPECIFIED). */
export const DECIMAL_NOT_SPECIFIED = 31;

/** Error codes and SQLSTATEs the protocol layer sends (include/mysqld_error.h; share/messages_to_clients.txt). */
export const ER = {
  /** ER_CON_COUNT_ERROR: more connections than max_connections. */
  CON_COUNT_ERROR: { code: 1040, sqlState: '08004' },
  /** ER_ACCESS_DENIED_ERROR. */
  ACCESS_DENIED_ERROR: { code: 1045, sqlState: '28000' },
  /** ER_UNKNOWN_COM_ERROR: a command byte the server does not take. */
  UNKNOWN_COM_ERROR: { code: 1047, sqlState: '08S01' },
  /** ER_HANDSHAKE_ERROR: a handshake response that cannot be parsed. */
  HANDSHAKE_ERROR: { code: 1043, sqlState: '08S01' },
  /** ER_EMPTY_QUERY. */
  EMPTY_QUERY: { code: 1065, sqlState: '42000' },
  /** ER_NET_PACKET_TOO_LARGE: a packet longer than max_allowed_packet. */
  NET_PACKET_TOO_LARGE: { code: 1153, sqlState: '08S01' },
  /** ER_NET_PACKETS_OUT_OF_ORDER: a packet with an unexpected sequence id. */
  NET_PACKETS_OUT_OF_ORDER: { code: 1156, sqlState: '08S01' },
  /** ER_CLIENT_INTERACTION_TIMEOUT: the connection sat idle longer than wait_timeout (8.0.24+). */
  CLIENT_INTERACTION_TIMEOUT: { code: 4031, sqlState: 'HY000' },
  /** ER_SERVER_SHUTDOWN: the server is going away. */
  SERVER_SHUTDOWN: { code: 1053, sqlState: '08S01' },
} as const;

/** max_allowed_packet's default in bytes (sql/sys_vars.cc, max_allowed_packet: 64 MiB since 8.0.3). */
export const DEFAULT_MAX_ALLOWED_PACKET = 64 * 1024 * 1024;
/** max_connections's default (sql/sys_vars.cc, max_connections). */
export const DEFAULT_MAX_CONNECTIONS = 151;
