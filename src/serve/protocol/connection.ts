import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import type { ClientInfo, SqlSession, StatementEngine, StatementOutcome } from '../statement-engine.js';
import type { AuthPluginName } from '../../scenario/scenario-accounts.js';
import { scrambleMatches } from './auth.js';
import {
  CLIENT, COM, ER, FAST_AUTH_SUCCESS, PERFORM_FULL_AUTHENTICATION, SCRAMBLE_LENGTH, SERVER_CAPABILITIES, SERVER_STATUS_AUTOCOMMIT,
} from './constants.js';
import { framePayload, PacketFramer, PacketTooLargeError, type Packet } from './packet-framer.js';
import {
  authMoreData, authSwitchRequest, columnCountPacket, columnDefinition, eofPacket, errPacket, handshakeV10, okPacket,
  parseHandshakeResponse, textRow,
} from './packets.js';
import { MalformedPacketError } from './payload.js';

/** An account the façade accepts: a user, its clear password, and the plugin it authenticates with. */
export interface Account {
  readonly user: string;
  readonly password: string;
  readonly plugin: AuthPluginName;
}

/** What a connection needs from the member it belongs to. */
export interface ConnectionHost {
  /** The member's name in the simulation. */
  readonly member: string;
  readonly engine: StatementEngine;
  readonly accounts: ReadonlyMap<string, Account>;
  readonly serverVersion: string;
  /** The plugin named in the handshake (the server's default_authentication_plugin). */
  readonly defaultAuthPlugin: AuthPluginName;
  readonly maxAllowedPacket: number;
  /** wait_timeout in milliseconds of real time (0: none). */
  readonly waitTimeoutMs: number;
  /** interactive_timeout in milliseconds of real time: an interactive client's wait_timeout. */
  readonly interactiveTimeoutMs: number;
  /** connect_timeout in milliseconds of real time: how long the handshake may take (0: none). */
  readonly connectTimeoutMs: number;
  /** Whether the member's mysqld is frozen (SIGSTOP): nothing is read or answered. */
  readonly frozen: () => boolean;
  /** Called after each statement is answered (it may have changed the simulation); must not call back into the connection synchronously. */
  readonly afterStatement: () => void;
  readonly closed: (c: Connection) => void;
  /** A statement engine failure (a bug): reported, and that connection is closed. */
  readonly engineFailed: (e: unknown) => void;
}

type Phase = 'waiting-to-greet' | 'handshake' | 'auth-switch' | 'full-auth' | 'command' | 'closed';

/**
 * A 20-byte nonce as MySQL makes one: 7-bit, never NUL (it is sent NUL-terminated) and never '$'
 * (mysys/crypt_genhash_impl.cc, generate_user_salt).
 */
function makeScramble(): Buffer {
  const b = randomBytes(SCRAMBLE_LENGTH);
  for (let i = 0; i < b.length; i++) {
    let c = b[i]! & 0x7f;
    if (c === 0 || c === 0x24) c += 1;
    b[i] = c;
  }
  return b;
}

/** The host part MySQL shows in "Access denied for user 'u'@'host'": localhost for loopback. */
function clientHost(socket: Socket): string {
  const a = socket.remoteAddress ?? '';
  return a === '127.0.0.1' || a === '::1' || a === '::ffff:127.0.0.1' ? 'localhost' : a.replace(/^::ffff:/, '');
}

/**
 * One client connection to one member: the connection phase (handshake v10, authentication with
 * an optional auth switch) and then the command phase, one command at a time. Sequence ids start
 * at 0 with each command and count every packet of the exchange both ways (sql-common/net_serv.cc,
 * pkt_nr). A malformed packet or a protocol violation ends this connection only.
 */
export class Connection {
  private phase: Phase = 'waiting-to-greet';
  private readonly framer: PacketFramer;
  private scramble = makeScramble();
  private capabilities = 0;
  /** The sequence id the next packet from the client must carry. */
  private expectedSeq = 0;
  private user = '';
  private database: string | null = null;
  private pluginInUse: AuthPluginName;
  private session: SqlSession | null = null;
  private pumping = false;
  /** A statement waiting for the simulated group, and the sequence id its answer starts at. */
  private pending: { readonly outcome: Extract<StatementOutcome, { kind: 'pending' }>; readonly seq: number } | null = null;

  constructor(private readonly socket: Socket, readonly id: number, private readonly host: ConnectionHost) {
    this.framer = new PacketFramer(host.maxAllowedPacket);
    this.pluginInUse = host.defaultAuthPlugin;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => { this.framer.push(chunk); this.pump(); });
    socket.on('error', () => { this.teardown(); });
    socket.on('close', () => { this.teardown(); });
    socket.on('timeout', () => { this.onTimeout(); });
    this.resume();
  }

  get isClosed(): boolean { return this.phase === 'closed'; }
  /** Whether a statement waits for the group. */
  get isPending(): boolean { return this.pending !== null; }

  /**
   * Picks up after a freeze or a time advance: greets a client that connected while the member was
   * frozen, answers a statement whose outcome the group has decided, reads what the client sent.
   */
  resume(): void {
    if (this.phase === 'closed') return;
    if (this.host.frozen()) {
      this.socket.pause();
      this.socket.setTimeout(0);
      return;
    }
    if (this.phase === 'waiting-to-greet') this.greet();
    if (this.pending !== null) this.pollPending();
    if (this.pending === null) {
      this.socket.resume();
      this.armTimer();
      this.pump();
    }
  }

  /** Drops the connection as a crashed mysqld does: no goodbye packet. */
  drop(): void {
    if (this.phase === 'closed') return;
    this.socket.destroy();
    this.teardown();
  }

  /** Closes with an error packet first (server shutdown), then ends the connection. */
  closeWith(e: { code: number; sqlState: string }, message: string): void {
    if (this.phase === 'closed') return;
    this.send([errPacket(e.code, e.sqlState, message)], 0);
    this.endSocket();
  }

  /**
   * The idle timer: connect_timeout during the handshake; afterwards the session's wait_timeout
   * (it may SET SESSION wait_timeout; the timer is armed again after each statement), or the
   * server's when the engine's sessions do not say.
   */
  private armTimer(): void {
    if (this.phase !== 'command') {
      this.socket.setTimeout(this.host.connectTimeoutMs);
      return;
    }
    const sessionS = this.session?.waitTimeoutS?.();
    const serverMs = this.clientInfo().interactive ? this.host.interactiveTimeoutMs : this.host.waitTimeoutMs;
    this.socket.setTimeout(sessionS === undefined ? serverMs : sessionS * 1000);
  }

  /** What the handshake said of the client: CLIENT_INTERACTIVE. */
  private clientInfo(): ClientInfo {
    return { interactive: (this.capabilities & CLIENT.INTERACTIVE) !== 0 };
  }

  private onTimeout(): void {
    if (this.phase === 'closed' || this.host.frozen() || this.pending !== null) return;
    if (this.phase === 'command') {
      this.closeWith(ER.CLIENT_INTERACTION_TIMEOUT, 'The client was disconnected by the server because of inactivity. See wait_timeout and interactive_timeout for configuring this behavior.');
    } else {
      // connect_timeout during the handshake: MySQL gives up on the client silently ("Bad handshake" in its log).
      this.drop();
    }
  }

  private greet(): void {
    this.phase = 'handshake';
    this.send([handshakeV10({
      serverVersion: this.host.serverVersion, connectionId: this.id, scramble: this.scramble, capabilities: SERVER_CAPABILITIES,
      statusFlags: SERVER_STATUS_AUTOCOMMIT, authPluginName: this.host.defaultAuthPlugin,
    })], 0);
  }

  /** Writes payloads as consecutive packets from `seq`; the client's next packet must carry the following id. */
  private send(payloads: readonly Buffer[], seq: number): void {
    const frames: Buffer[] = [];
    let s = seq;
    for (const p of payloads) {
      const f = framePayload(p, s);
      frames.push(...f.frames);
      s = f.nextSeq;
    }
    this.expectedSeq = s;
    if (!this.socket.destroyed) this.socket.write(frames.length === 1 ? frames[0]! : Buffer.concat(frames));
  }

  private endSocket(): void {
    this.socket.end();
    this.teardown();
  }

  private teardown(): void {
    if (this.phase === 'closed') return;
    this.phase = 'closed';
    this.pending = null;
    this.socket.setTimeout(0);
    const s = this.session;
    this.session = null;
    if (s !== null) {
      try {
        s.close();
      } catch (e) {
        this.host.engineFailed(e);
      }
    }
    this.host.closed(this);
  }

  /** Handles every complete packet, one command at a time, unless frozen or waiting for the group. */
  private pump(): void {
    // One packet at a time: a resume() from inside a command (via the host) must not start the next.
    if (this.pumping) return;
    this.pumping = true;
    try {
      this.pumpPackets();
    } finally {
      this.pumping = false;
    }
  }

  private pumpPackets(): void {
    while (this.phase !== 'closed' && this.phase !== 'waiting-to-greet' && this.pending === null && !this.host.frozen()) {
      let packet: Packet | null;
      try {
        packet = this.framer.next();
      } catch (e) {
        if (e instanceof PacketTooLargeError) {
          this.send([errPacket(ER.NET_PACKET_TOO_LARGE.code, ER.NET_PACKET_TOO_LARGE.sqlState, "Got a packet bigger than 'max_allowed_packet' bytes")], e.seq + 1);
          this.endSocket();
          return;
        }
        if (e instanceof MalformedPacketError) { this.drop(); return; }
        throw e;
      }
      if (packet === null) return;
      if (this.phase === 'command') this.expectedSeq = 0;
      if (packet.seq !== this.expectedSeq) {
        this.send([errPacket(ER.NET_PACKETS_OUT_OF_ORDER.code, ER.NET_PACKETS_OUT_OF_ORDER.sqlState, 'Got packets out of order')], packet.lastSeq + 1);
        this.endSocket();
        return;
      }
      const next = (packet.lastSeq + 1) & 0xff;
      try {
        if (this.phase === 'command') this.command(packet.payload, next);
        else this.authenticate(packet.payload, next);
      } catch (e) {
        if (!(e instanceof MalformedPacketError)) throw e;
        if (this.phase === 'command') { this.drop(); return; }
        this.send([errPacket(ER.HANDSHAKE_ERROR.code, ER.HANDSHAKE_ERROR.sqlState, 'Bad handshake')], next);
        this.endSocket();
        return;
      }
    }
    if (this.pending !== null) this.socket.pause();
  }

  private accessDenied(seq: number, passwordGiven: boolean): void {
    const host = clientHost(this.socket);
    this.send([errPacket(ER.ACCESS_DENIED_ERROR.code, ER.ACCESS_DENIED_ERROR.sqlState,
      `Access denied for user '${this.user.slice(0, 48)}'@'${host.slice(0, 64)}' (using password: ${passwordGiven ? 'YES' : 'NO'})`)], seq);
    this.endSocket();
  }

  /** The connection phase (sql/auth/sql_authentication.cc, acl_authenticate and server_mpvio_*). */
  private authenticate(payload: Buffer, seq: number): void {
    if (this.phase === 'handshake') {
      const r = parseHandshakeResponse(payload);
      if (r.sslRequest) throw new MalformedPacketError('an SSLRequest, but this server offers no TLS');
      this.capabilities = r.capabilities & SERVER_CAPABILITIES;
      this.user = r.user;
      this.database = r.database;
      const account = this.host.accounts.get(r.user);
      // An unknown user goes through the default plugin's exchange and fails (MySQL's fake account does the same, so a probe learns nothing).
      this.pluginInUse = account?.plugin ?? this.host.defaultAuthPlugin;
      // A client without CLIENT_PLUGIN_AUTH answers with mysql_native_password (sql/auth/sql_authentication.cc, parse_client_handshake_packet).
      const clientPlugin = r.authPluginName === null ? 'mysql_native_password' : r.authPluginName;
      if (clientPlugin !== this.pluginInUse) {
        if (r.authPluginName === null) { this.accessDenied(seq, r.authResponse.length > 0); return; }
        this.scramble = makeScramble();
        this.phase = 'auth-switch';
        this.send([authSwitchRequest(this.pluginInUse, this.scramble)], seq);
        return;
      }
      this.verify(r.authResponse, seq);
      return;
    }
    if (this.phase === 'auth-switch') { this.verify(payload, seq); return; }
    // full-auth: caching_sha2_password asked for the clear password, which over a connection
    // without TLS needs the server's RSA keys. The façade has none, so MySQL's answer applies: the
    // exchange fails (sha2_password.cc, caching_sha2_password_authenticate: "Authentication
    // requires either RSA keys or SSL encryption", CR_ERROR).
    this.accessDenied(seq, true);
  }

  private verify(response: Buffer, seq: number): void {
    const account = this.host.accounts.get(this.user);
    const empty = response.length === 0 || (response.length === 1 && response[0] === 0);
    const ok = account !== undefined && scrambleMatches(this.pluginInUse, account.password, this.scramble, response);
    if (this.pluginInUse === 'caching_sha2_password' && !empty) {
      if (!ok) {
        // The façade's cache is always warm, so a miss is a wrong password; MySQL then asks for full
        // authentication (sha2_password.cc, caching_sha2_password_authenticate), which fails here.
        this.phase = 'full-auth';
        this.send([authMoreData(PERFORM_FULL_AUTHENTICATION)], seq);
        return;
      }
      this.send([authMoreData(FAST_AUTH_SUCCESS)], seq);
      seq = this.expectedSeq;
    }
    if (!ok) { this.accessDenied(seq, !empty); return; }
    try {
      this.session = this.host.engine.openSession(this.host.member, this.user, this.database, this.clientInfo());
    } catch (e) {
      this.engineFailure(e, seq);
      return;
    }
    this.phase = 'command';
    this.send([okPacket({ affectedRows: 0, lastInsertId: 0, statusFlags: SERVER_STATUS_AUTOCOMMIT, warnings: 0 })], seq);
    this.armTimer();
  }

  private engineFailure(e: unknown, seq: number): void {
    // ER_UNKNOWN_ERROR (include/mysqld_error.h): the client learns the statement failed; the bug is reported.
    this.send([errPacket(1105, 'HY000', `grsim statement engine failed: ${e instanceof Error ? e.message : String(e)}`)], seq);
    this.endSocket();
    this.host.engineFailed(e);
  }

  /** The command phase: one command per packet, its reply numbered from `seq` (1). */
  private command(payload: Buffer, seq: number): void {
    if (payload.length === 0) throw new MalformedPacketError('an empty command packet');
    const cmd = payload[0]!;
    const session = this.session!;
    switch (cmd) {
      case COM.QUIT:
        this.endSocket();
        return;
      case COM.PING:
        this.send([okPacket({ affectedRows: 0, lastInsertId: 0, statusFlags: SERVER_STATUS_AUTOCOMMIT, warnings: 0 })], seq);
        return;
      case COM.INIT_DB:
      case COM.QUERY: {
        const text = payload.subarray(1).toString('utf8');
        let outcome: StatementOutcome;
        try {
          outcome = cmd === COM.QUERY ? session.execute(text) : session.initDb(text);
        } catch (e) {
          this.engineFailure(e, seq);
          return;
        }
        if (cmd === COM.INIT_DB && outcome.kind === 'ok') this.database = text;
        this.answer(outcome, seq);
        this.host.afterStatement();
        return;
      }
      case COM.RESET_CONNECTION: {
        // A fresh session at the same member for the same user (sql/sql_parse.cc, COM_RESET_CONNECTION).
        try {
          session.close();
          this.session = this.host.engine.openSession(this.host.member, this.user, this.database, this.clientInfo());
        } catch (e) {
          this.engineFailure(e, seq);
          return;
        }
        this.send([okPacket({ affectedRows: 0, lastInsertId: 0, statusFlags: SERVER_STATUS_AUTOCOMMIT, warnings: 0 })], seq);
        return;
      }
      default:
        this.send([errPacket(ER.UNKNOWN_COM_ERROR.code, ER.UNKNOWN_COM_ERROR.sqlState, 'Unknown command')], seq);
    }
  }

  private answer(outcome: StatementOutcome, seq: number): void {
    if (outcome.kind === 'pending') {
      this.pending = { outcome, seq };
      this.socket.setTimeout(0);
      this.pollPending();
      return;
    }
    this.reply(outcome, seq);
  }

  private reply(outcome: Exclude<StatementOutcome, { kind: 'pending' }>, seq: number): void {
    let payloads: Buffer[];
    try {
      payloads = this.responseOf(outcome);
    } catch (e) {
      // A row of the wrong width, an unknown column type, a bad SQLSTATE: the engine's bug.
      this.engineFailure(e, seq);
      return;
    }
    this.send(payloads, seq);
  }

  /** Answers the waiting statement if the group has decided it. */
  private pollPending(): void {
    const p = this.pending;
    if (p === null) return;
    let next: StatementOutcome | undefined;
    try {
      next = p.outcome.poll();
    } catch (e) {
      this.pending = null;
      this.engineFailure(e, p.seq);
      return;
    }
    if (next === undefined) return;
    if (next.kind === 'pending') { this.pending = { outcome: next, seq: p.seq }; return; }
    this.pending = null;
    this.reply(next, p.seq);
  }

  /** A non-pending outcome as payloads: OK, ERR, or a text result set. */
  private responseOf(outcome: Exclude<StatementOutcome, { kind: 'pending' }>): Buffer[] {
    if (outcome.kind === 'ok') {
      return [okPacket({
        affectedRows: outcome.affectedRows, lastInsertId: outcome.lastInsertId, statusFlags: SERVER_STATUS_AUTOCOMMIT, warnings: outcome.warnings,
        ...(outcome.info === undefined ? {} : { info: outcome.info }),
      })];
    }
    if (outcome.kind === 'error') return [errPacket(outcome.code, outcome.sqlState, outcome.message)];
    const deprecateEof = (this.capabilities & CLIENT.DEPRECATE_EOF) !== 0;
    const out: Buffer[] = [columnCountPacket(outcome.columns.length)];
    for (const c of outcome.columns) out.push(columnDefinition(c));
    if (!deprecateEof) out.push(eofPacket(0, SERVER_STATUS_AUTOCOMMIT));
    for (const row of outcome.rows) {
      if (row.length !== outcome.columns.length) throw new RangeError(`a row has ${row.length} values for ${outcome.columns.length} columns`);
      out.push(textRow(row));
    }
    out.push(deprecateEof
      ? okPacket({ affectedRows: 0, lastInsertId: 0, statusFlags: SERVER_STATUS_AUTOCOMMIT, warnings: 0 }, true)
      : eofPacket(0, SERVER_STATUS_AUTOCOMMIT));
    return out;
  }
}
