import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './spawn-app.js';
import { waitFor } from './wait-for.js';

const run = promisify(execFile);

/** A person seeded into `ou=people`; `groups` are the `cn`s of `ou=groups` they are a member of. */
export interface LdapPerson {
  uid: string;
  mail?: string;
  givenName: string;
  sn: string;
  password: string;
  groups?: readonly string[];
}

export const LDAP_SUFFIX = 'dc=example,dc=org';
export const LDAP_ROOT_DN = `cn=admin,${LDAP_SUFFIX}`;
export const LDAP_ROOT_PASSWORD = 'ldap-root-secret';
/** A read-only service account, the kind AUTH_LDAP_BIND_DN names in production. */
export const LDAP_SERVICE_DN = `cn=reader,${LDAP_SUFFIX}`;
export const LDAP_SERVICE_PASSWORD = 'ldap-reader-secret';

const SLAPD = '/usr/sbin/slapd';
const SCHEMAS = ['core', 'cosine', 'inetorgperson', 'nis'];

/**
 * A private OpenLDAP (Debian's slapd) for one test file: its own temp dir, a generated slapd.conf
 * with one mdb database under dc=example,dc=org, seeded offline with slapadd, then listening on a
 * free 127.0.0.1 port. Groups are groupOfNames (`member: <dn>`) under ou=groups; the app finds
 * them with a group search, so no overlay is needed. `stop()` kills it and removes the dir;
 * `start()` again brings the same data back on the same port (an outage and its end).
 */
export class LdapServer {
  private dir?: string;
  private child?: ChildProcess;
  port = 0;

  constructor(private readonly people: readonly LdapPerson[]) {}

  get url(): string {
    return `ldap://127.0.0.1:${this.port}`;
  }

  /** The DN of a seeded person or group (`uid=<uid>,ou=people,...`, `cn=<cn>,ou=groups,...`). */
  static personDn(uid: string): string {
    return `uid=${uid},ou=people,${LDAP_SUFFIX}`;
  }

  static groupDn(cn: string): string {
    return `cn=${cn},ou=groups,${LDAP_SUFFIX}`;
  }

  async start(): Promise<this> {
    if (!this.dir) {
      this.dir = await mkdtemp(join(tmpdir(), 'slapd-'));
      await mkdir(join(this.dir, 'db'));
      await writeFile(join(this.dir, 'slapd.conf'), this.config());
      await writeFile(join(this.dir, 'seed.ldif'), this.seed());
      await run('/usr/sbin/slapadd', ['-q', '-f', join(this.dir, 'slapd.conf'), '-l', join(this.dir, 'seed.ldif')]);
      this.port = await freePort();
    }
    // -d 0: stay in the foreground (the child is ours to kill) without logging anything.
    const child = spawn(SLAPD, ['-f', join(this.dir, 'slapd.conf'), '-h', `${this.url}/`, '-d', '0'], { stdio: 'ignore' });
    this.child = child;
    await waitFor(() => !this.child || child.exitCode !== null || canConnect(this.port), 10_000);
    if (child.exitCode !== null) {
      throw new Error(`slapd exited with ${child.exitCode}`);
    }
    return this;
  }

  /** Kills slapd (the data stays, for a later `start()`). */
  async halt(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child && child.exitCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGKILL');
      await exited;
    }
  }

  /** Kills slapd and removes its directory. */
  async stop(): Promise<void> {
    await this.halt();
    if (this.dir) {
      await rm(this.dir, { recursive: true, force: true });
      this.dir = undefined;
    }
  }

  /** Applies an LDIF change (changetype: modify ...) as the root DN, with ldapmodify. */
  async modify(ldif: string): Promise<void> {
    const child = execFile('/usr/bin/ldapmodify', ['-x', '-H', this.url, '-D', LDAP_ROOT_DN, '-w', LDAP_ROOT_PASSWORD]);
    const done = new Promise<void>((resolve, reject) => {
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`ldapmodify exited with ${code}: ${stderr}`))));
    });
    child.stdin?.end(ldif);
    await done;
  }

  private config(): string {
    const dir = this.dir!;
    return [
      ...SCHEMAS.map((s) => `include /etc/ldap/schema/${s}.schema`),
      `pidfile ${join(dir, 'slapd.pid')}`,
      `argsfile ${join(dir, 'slapd.args')}`,
      'modulepath /usr/lib/ldap',
      'moduleload back_mdb',
      // Anyone may bind (that is how passwords are checked) and read; nobody but the root writes.
      'access to attrs=userPassword by anonymous auth by self read by * none',
      'access to * by * read',
      'database mdb',
      `suffix "${LDAP_SUFFIX}"`,
      `rootdn "${LDAP_ROOT_DN}"`,
      `rootpw ${LDAP_ROOT_PASSWORD}`,
      `directory ${join(dir, 'db')}`,
      'maxsize 10485760',
      '',
    ].join('\n');
  }

  private seed(): string {
    const entries = [
      [`dn: ${LDAP_SUFFIX}`, 'objectClass: dcObject', 'objectClass: organization', 'dc: example', 'o: Example'],
      [
        `dn: ${LDAP_SERVICE_DN}`,
        'objectClass: simpleSecurityObject',
        'objectClass: organizationalRole',
        'cn: reader',
        `userPassword: ${LDAP_SERVICE_PASSWORD}`,
      ],
      [`dn: ou=people,${LDAP_SUFFIX}`, 'objectClass: organizationalUnit', 'ou: people'],
      [`dn: ou=groups,${LDAP_SUFFIX}`, 'objectClass: organizationalUnit', 'ou: groups'],
      ...this.people.map((p) => [
        `dn: ${LdapServer.personDn(p.uid)}`,
        'objectClass: inetOrgPerson',
        `uid: ${p.uid}`,
        `cn: ${p.givenName} ${p.sn}`,
        `givenName: ${p.givenName}`,
        `sn: ${p.sn}`,
        ...(p.mail ? [`mail: ${p.mail}`] : []),
        `userPassword: ${p.password}`,
      ]),
      ...['admins', 'staff'].map((cn) => {
        // groupOfNames needs at least one member: the service account stands in for an empty group.
        const members = this.people.filter((p) => p.groups?.includes(cn)).map((p) => LdapServer.personDn(p.uid));
        return [
          `dn: ${LdapServer.groupDn(cn)}`,
          'objectClass: groupOfNames',
          `cn: ${cn}`,
          ...(members.length > 0 ? members : [LDAP_SERVICE_DN]).map((m) => `member: ${m}`),
        ];
      }),
    ];
    return entries.map((lines) => lines.join('\n')).join('\n\n') + '\n';
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
